import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, readFileSync, writeFileSync, type WriteStream } from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';
import WebSocket from 'ws';

const ROOT = path.join(__dirname, '..', '..', '..');
const ENTRY = path.join(ROOT, 'bot', 'main.ts');

interface Waiter {
  readonly msg: string;
  readonly count: number;
  resolve(at: number): void;
}

/**
 * The service as production starts it (`bot/main.ts`: readSettings from the environment, startApplication, SIGTERM
 * drains), run with `node --import tsx` as a child process. Its JSON log goes to a file; the benchmark waits on log
 * messages by count, reads the process RSS from /proc, and can take a CPU profile of any stretch through the
 * inspector (`Profiler.start`/`stop`: the profile `node --cpu-prof` writes at exit, but for a chosen window and kept
 * even when the process is then killed with SIGKILL).
 */
export class ServiceProcess {
  private child: ChildProcess | undefined;
  private log: WriteStream | undefined;
  private readonly counts = new Map<string, number>();
  /** Lines per message over every incarnation. */
  private readonly totals = new Map<string, number>();
  /** When each line of a watched message came (epoch ms), in order. */
  private readonly times = new Map<string, number[]>();
  /** Every line of a watched message, parsed, with the epoch ms it was read at (all incarnations). */
  private readonly lines = new Map<string, Array<Record<string, unknown> & { readAt: number }>>();
  private readonly waiters: Waiter[] = [];
  private inspector: WebSocket | undefined;
  private profiling = false;
  private nextId = 1;
  private readonly answers = new Map<number, (result: unknown) => void>();
  private exited: Promise<void> = Promise.resolve();
  /** Epoch ms when the current incarnation was spawned. */
  startedAt = 0;

  /** `watched`: log messages whose every line is timed (the others are only counted). */
  constructor(private readonly watched: readonly string[]) {}

  /**
   * Spawns an incarnation with `env` (nothing inherited but PATH) under the inspector (for {@link collectGarbage}).
   * With `profile`, it starts paused and the CPU profiler runs from its first line until {@link stopProfile}.
   */
  async start(env: Readonly<Record<string, string>>, logFile: string, profile = false): Promise<void> {
    this.counts.clear();
    this.times.clear();
    this.log = createWriteStream(logFile);
    const inspect = [profile ? '--inspect-brk=127.0.0.1:0' : '--inspect=127.0.0.1:0'];
    this.startedAt = Date.now();
    const child = spawn(process.execPath, [...inspect, '--import', 'tsx', ENTRY], {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? '', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child = child;
    this.exited = new Promise((resolve) => child.once('exit', () => resolve()));
    process.once('exit', () => child.kill('SIGKILL'));
    createInterface({ input: child.stdout }).on('line', (line) => this.onLine(line));
    const debuggerUrl = new Promise<string>((resolve) => {
      createInterface({ input: child.stderr }).on('line', (line) => {
        const url = /Debugger listening on (ws:\/\/\S+)/.exec(line)?.[1];
        if (url) resolve(url);
        else if (!/Debugger attached|For help, see|Waiting for the debugger/.test(line))
          this.log?.write(`${JSON.stringify({ stderr: line })}\n`);
      });
    });
    await this.attach(await debuggerUrl);
    if (profile) {
      this.profiling = true;
      await this.call('Profiler.enable');
      await this.call('Profiler.setSamplingInterval', { interval: 1000 });
      await this.call('Profiler.start');
      await this.call('Runtime.runIfWaitingForDebugger');
    }
  }

  /** The process id of the current incarnation. */
  get pid(): number | undefined {
    return this.child?.pid;
  }

  /** Resolves with the epoch ms of the `count`-th line of this incarnation with the watched message `msg`. */
  waitFor(msg: string, count = 1): Promise<number> {
    if (!this.watched.includes(msg)) throw new Error(`not a watched log message: ${msg}`);
    const at = this.times.get(msg)?.[count - 1];
    if (at !== undefined) return Promise.resolve(at);
    return new Promise((resolve) => this.waiters.push({ msg, count, resolve }));
  }

  /** Resident set size of the process now (bytes, from /proc), or 0 when it is not running. */
  rssBytes(): number {
    if (!this.isRunning()) return 0;
    try {
      const status = readFileSync(`/proc/${this.child!.pid}/status`, 'utf8');
      return Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1] ?? 0) * 1024;
    } catch {
      return 0;
    }
  }

  isRunning(): boolean {
    return this.child !== undefined && this.child.exitCode === null && this.child.signalCode === null;
  }

  /**
   * Stops the running CPU profile and writes it as a `.cpuprofile` file (open it in Chrome DevTools or VS Code);
   * with `goOn` a new one starts at once for the next stretch. Returns the profile, undefined when not profiling.
   */
  async stopProfile(file: string, goOn: boolean): Promise<CpuProfile | undefined> {
    if (!this.inspector || !this.profiling) return undefined;
    const { profile } = (await this.call('Profiler.stop')) as { profile: CpuProfile };
    writeFileSync(file, JSON.stringify(profile));
    if (goOn) await this.call('Profiler.start');
    else this.profiling = false;
    return profile;
  }

  /**
   * Starts V8's sampling heap profiler (`HeapProfiler.startSampling`): from now on it records where the objects still
   * alive at {@link heapAllocationSites} were allocated.
   */
  async startHeapSampling(): Promise<void> {
    if (this.inspector) await this.call('HeapProfiler.startSampling', { samplingInterval: 16_384 });
  }

  /**
   * Bytes still alive per allocation site (function and source line) since {@link startHeapSampling}, largest first,
   * and stops the sampling; empty when not sampling. Call it after {@link collectGarbage}.
   */
  async heapAllocationSites(): Promise<Array<{ site: string; bytes: number }>> {
    if (!this.inspector) return [];
    const { profile } = (await this.call('HeapProfiler.getSamplingProfile')) as {
      profile?: SamplingHeapProfile;
    };
    await this.call('HeapProfiler.stopSampling');
    if (profile === undefined) return [];
    const bytes = new Map<string, number>();
    // A site is the allocating frame with its three nearest callers (which code kept a `Buffer#toString`, say).
    const visit = (node: SamplingHeapNode, stack: readonly string[]): void => {
      const frame = node.callFrame;
      const here =
        frame.url === ''
          ? stack
          : [
              `${frame.functionName || '(anonymous)'} ${frame.url.replace(/^file:\/\//, '').replace(`${ROOT}/`, '')}:${frame.lineNumber + 1}`,
              ...stack,
            ];
      const site = here.slice(0, 4).join(' < ');
      if (node.selfSize > 0) bytes.set(site, (bytes.get(site) ?? 0) + node.selfSize);
      for (const child of node.children) visit(child, here);
    };
    visit(profile.head, []);
    return [...bytes.entries()]
      .map(([site, size]) => ({ site, bytes: size }))
      .sort((a, b) => b.bytes - a.bytes);
  }

  /** A full garbage collection in the service, so an RSS reading right after holds live data, not garbage. */
  async collectGarbage(): Promise<void> {
    if (this.inspector) await this.call('HeapProfiler.collectGarbage');
  }

  /** Every line written so far (all incarnations) with the watched message `msg`, parsed. */
  linesOf(msg: string): ReadonlyArray<Record<string, unknown> & { readAt: number }> {
    return this.lines.get(msg) ?? [];
  }

  /** How many lines with each of these messages every incarnation together wrote. */
  countsOf(messages: readonly string[]): Record<string, number> {
    return Object.fromEntries(messages.map((msg) => [msg, this.totals.get(msg) ?? 0]));
  }

  /** Sends a signal (SIGKILL: no shutdown code runs) and waits until the process is gone. */
  async kill(signal: NodeJS.Signals): Promise<void> {
    this.inspector?.terminate();
    this.inspector = undefined;
    this.profiling = false;
    if (this.isRunning()) this.child!.kill(signal);
    await this.exited;
    await new Promise<void>((resolve) => (this.log ? this.log.end(() => resolve()) : resolve()));
  }

  private onLine(line: string): void {
    this.log?.write(`${line}\n`);
    const msg = /"msg":"([^"]*)"/.exec(line)?.[1];
    if (msg === undefined) return;
    const n = (this.counts.get(msg) ?? 0) + 1;
    this.counts.set(msg, n);
    this.totals.set(msg, (this.totals.get(msg) ?? 0) + 1);
    if (!this.watched.includes(msg)) return;
    const at = Date.now();
    const times = this.times.get(msg) ?? [];
    times.push(at);
    this.times.set(msg, times);
    const parsed = this.lines.get(msg) ?? [];
    parsed.push({ ...(JSON.parse(line) as Record<string, unknown>), readAt: at });
    this.lines.set(msg, parsed);
    for (let i = this.waiters.length - 1; i >= 0; i -= 1) {
      const waiter = this.waiters[i];
      if (waiter.msg === msg && n >= waiter.count) {
        this.waiters.splice(i, 1);
        waiter.resolve(at);
      }
    }
  }

  private attach(url: string): Promise<void> {
    const socket = new WebSocket(url, { perMessageDeflate: false, maxPayload: 2 ** 31 });
    this.inspector = socket;
    socket.on('message', (data: Buffer) => {
      const message = JSON.parse(data.toString()) as { id?: number; result?: unknown };
      if (message.id !== undefined) this.answers.get(message.id)?.(message.result);
    });
    return new Promise((resolve, reject) => {
      socket.once('open', () => resolve());
      socket.once('error', reject);
    });
  }

  private call(method: string, params?: object): Promise<unknown> {
    const id = this.nextId++;
    return new Promise((resolve) => {
      this.answers.set(id, (result) => {
        this.answers.delete(id);
        resolve(result);
      });
      this.inspector!.send(JSON.stringify({ id, method, params }));
    });
  }
}

/** A node of V8's sampling heap profile (`HeapProfiler.getSamplingProfile`). */
interface SamplingHeapNode {
  readonly callFrame: { readonly functionName: string; readonly url: string; readonly lineNumber: number };
  readonly selfSize: number;
  readonly children: readonly SamplingHeapNode[];
}

interface SamplingHeapProfile {
  readonly head: SamplingHeapNode;
}

/** A V8 CPU profile as the inspector returns it (the `.cpuprofile` format). */
export interface CpuProfile {
  readonly nodes: ReadonlyArray<{
    readonly id: number;
    readonly callFrame: {
      readonly functionName: string;
      readonly url: string;
      readonly lineNumber: number;
    };
    readonly hitCount?: number;
    readonly children?: readonly number[];
  }>;
  readonly startTime: number;
  readonly endTime: number;
}

/** One function's share of a profile. */
export interface ProfileEntry {
  readonly name: string;
  readonly selfPercent: number;
  readonly totalPercent: number;
}

/**
 * Self and total (inclusive) time per function (`name url:line`, project files relative to the root), sorted by
 * self time; total time counts each function once per stack, so recursion is not double counted.
 */
export function summariseProfile(profile: CpuProfile): ProfileEntry[] {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const parentOf = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parentOf.set(child, node.id);
  const keyOf = (id: number): string => {
    const frame = byId.get(id)!.callFrame;
    const url = frame.url.replace(/^file:\/\//, '').replace(`${ROOT}/`, '');
    return `${frame.functionName || '(anonymous)'} ${url}:${frame.lineNumber + 1}`;
  };
  const self = new Map<string, number>();
  const total = new Map<string, number>();
  let samples = 0;
  for (const node of profile.nodes) {
    const hits = node.hitCount ?? 0;
    if (hits === 0) continue;
    samples += hits;
    const key = keyOf(node.id);
    self.set(key, (self.get(key) ?? 0) + hits);
    const onStack = new Set<string>();
    for (let id: number | undefined = node.id; id !== undefined; id = parentOf.get(id))
      onStack.add(keyOf(id));
    for (const key of onStack) total.set(key, (total.get(key) ?? 0) + hits);
  }
  return [...total.keys()]
    .map((name) => ({
      name,
      selfPercent: (100 * (self.get(name) ?? 0)) / samples,
      totalPercent: (100 * total.get(name)!) / samples,
    }))
    .sort((a, b) => b.selfPercent - a.selfPercent);
}
