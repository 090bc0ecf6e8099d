import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { eventually } from './eventually';

/** One JSON log line of a worker, with the incarnation (1 = first start) that wrote it. */
export interface WorkerLogLine {
  readonly incarnation: number;
  readonly at: number;
  readonly msg?: string;
  readonly [field: string]: unknown;
}

const entry = path.join(__dirname, 'drift-worker.ts');

/** How a worker incarnation ended: its exit code, or the signal that killed it. */
export interface WorkerExit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

/**
 * Runs test/support/drift-worker.ts as a child process (node + tsx) and restarts it on demand; keeps every stdout JSON
 * line with the incarnation that wrote it, so tests can wait for outcomes (adoption) and read what each life did.
 */
export class DriftWorkerProcess {
  readonly lines: WorkerLogLine[] = [];
  readonly stderr: string[] = [];
  incarnation = 0;
  private child: ChildProcess | undefined;
  private exited: Promise<WorkerExit> = Promise.resolve({ code: null, signal: null });

  constructor(private readonly env: Readonly<Record<string, string>>) {}

  /** Starts a new incarnation (the previous one must have exited). */
  start(): void {
    this.incarnation += 1;
    const incarnation = this.incarnation;
    const child = spawn(process.execPath, ['--import', 'tsx', entry], {
      // LOCAL_MODE: the worker has no Bot Framework identity (it posts to a local connector stand-in).
      env: { PATH: process.env.PATH ?? '', LOCAL_MODE: 'true', ...this.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child = child;
    this.exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
    createInterface({ input: child.stdout }).on('line', (text) => {
      try {
        this.lines.push({ ...(JSON.parse(text) as Record<string, unknown>), incarnation, at: Date.now() });
      } catch {
        this.lines.push({ incarnation, at: Date.now(), msg: text });
      }
    });
    createInterface({ input: child.stderr }).on('line', (text) =>
      this.stderr.push(`[${incarnation}] ${text}`),
    );
  }

  /** True while the current incarnation runs. */
  isRunning(): boolean {
    return this.child !== undefined && this.child.exitCode === null && this.child.signalCode === null;
  }

  /** Lines of the current incarnation with this message. */
  current(msg: string): WorkerLogLine[] {
    return this.lines.filter((line) => line.incarnation === this.incarnation && line.msg === msg);
  }

  /** Kills the current incarnation (SIGKILL by default: no shutdown code runs) and waits until it is gone. */
  async kill(signal: NodeJS.Signals = 'SIGKILL'): Promise<WorkerExit> {
    if (this.isRunning()) this.child!.kill(signal);
    return this.exited;
  }

  /** Sends a signal (e.g. SIGTERM, which drains) without waiting; {@link exit} tells how the incarnation ended. */
  signal(signal: NodeJS.Signals): void {
    if (this.isRunning()) this.child!.kill(signal);
  }

  /** Resolves with the exit code (or the killing signal) of the current incarnation once it has exited. */
  exit(): Promise<WorkerExit> {
    return this.exited;
  }

  /** Waits until `condition` holds; gives up (a hang detector, not a speed bound) naming `what` and the stderr tail. */
  async waitFor(condition: () => boolean, what: string, giveUpAfterMs?: number): Promise<void> {
    await eventually(what, condition, {
      giveUpAfterMs,
      explain: () => `worker stderr: ${this.stderr.slice(-5).join(' | ')}`,
    });
  }
}

/** Starts `owner` and waits until it has adopted all `units`, then starts `standby` and waits until it runs. */
export async function startOwnerThenStandby(
  owner: DriftWorkerProcess,
  standby: DriftWorkerProcess,
  units: number,
): Promise<void> {
  owner.start();
  await owner.waitFor(
    () => owner.current('management unit adopted').length === units,
    'the owner adopting every unit',
  );
  standby.start();
  await standby.waitFor(() => standby.current('drift worker started').length === 1, 'the standby started');
}
