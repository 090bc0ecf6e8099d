/**
 * Starts Microsoft 365 Agents Playground (@microsoft/m365agentsplayground 0.2.28, the local Teams-like client) as a
 * child process for `npm start` and the browser tests, pointed at our bot endpoint, with no browser and no telemetry.
 */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { describeError } from '../../src/platform/describe-error';

/** How to start the Playground. */
export interface AgentsPlaygroundOptions {
  /** The bot's messaging endpoint, e.g. `http://127.0.0.1:3978/api/messages`. */
  readonly botEndpoint: string;
  /** Port of the Playground's web UI and mock connector; 0 picks a free one. Defaults to the Playground's 56150. */
  readonly port?: number;
  /** Where its log (and any events recording) goes; defaults to ./devTools, which is gitignored. */
  readonly logDir?: string;
  /** A Playground config file (users, teams, chats); defaults to its built-in tenant of six users and one team. */
  readonly configPath?: string;
  /** How long to wait for it to answer on its port before giving up. */
  readonly startupTimeoutInMs?: number;
}

/** A running Playground: its UI URL (the mock connector is `${url}/_connector`), its port, and how to stop it. */
export interface AgentsPlayground {
  readonly url: string;
  readonly port: number;
  /** SIGINT, then SIGKILL if it has not exited within 3 s; idempotent. */
  stop(): Promise<void>;
}

const DEFAULT_PORT = 56150;
const STOP_GRACE_IN_MS = 3_000;
const OUTPUT_TAIL_LINES = 20;

/**
 * Spawns the Playground CLI with `-e <botEndpoint> -c msteams --disable-telemetry -p <port>` and resolves once it
 * answers on its port; it is killed when this process exits. It sends the bot its installation activities only after
 * its own check (up to 15 s) that the bot endpoint answers, so start the bot first.
 */
export async function startAgentsPlayground(options: AgentsPlaygroundOptions): Promise<AgentsPlayground> {
  const logDir = resolve(options.logDir ?? 'devTools');
  mkdirSync(logDir, { recursive: true });
  const requestedPort = options.port ?? DEFAULT_PORT;
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    TEAMSAPPTESTER_BROWSER: 'none',
    // The Playground writes ./devTools/m365agentsplayground.log relative to its cwd unless told otherwise (dist/index.js).
    M365_AGENTS_PLAYGROUND_LOGFILE: join(logDir, 'm365agentsplayground.log'),
  };
  if (options.configPath !== undefined) env.M365_AGENTS_PLAYGROUND_CONFIG_PATH = resolve(options.configPath);

  const child = spawn(
    process.execPath,
    [
      playgroundCliPath(),
      '-e',
      options.botEndpoint,
      '-c',
      'msteams',
      '--disable-telemetry',
      '-p',
      String(requestedPort),
    ],
    // cwd = logDir: its events recording and default config file lookup are relative to the cwd too.
    { cwd: logDir, env, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const output: string[] = [];
  let announcedPort: number | undefined;
  const collect = (chunk: Buffer): void => {
    for (const line of chunk.toString('utf8').split(/\r?\n/)) {
      if (line.trim() === '') continue;
      // With -p 0, or when the port is busy, it picks another one and prints "Listening on <port>".
      const listening = /Listening on (\d+)/.exec(line);
      if (listening !== null) announcedPort = Number(listening[1]);
      output.push(line);
      if (output.length > OUTPUT_TAIL_LINES) output.shift();
    }
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);

  const killOnExit = (): void => {
    child.kill('SIGKILL');
  };
  process.on('exit', killOnExit);
  child.once('exit', () => process.off('exit', killOnExit));
  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopping ??= stopChild(child);
    return stopping;
  };

  try {
    // Wait for its own announcement rather than probing the requested port, which may belong to another instance.
    const port = await waitUntilAnswering(child, () => announcedPort, options.startupTimeoutInMs ?? 20_000);
    return { url: `http://localhost:${port}`, port, stop };
  } catch (error) {
    await stop();
    const reason = describeError(error);
    throw new Error(`Agents Playground did not start: ${reason}\n${output.join('\n')}`);
  }
}

function playgroundCliPath(): string {
  const packageJsonPath = require.resolve('@microsoft/m365agentsplayground/package.json');
  const { bin } = JSON.parse(readFileSync(packageJsonPath, 'utf8')) as { bin: Record<string, string> };
  return join(dirname(packageJsonPath), bin.agentsplayground);
}

async function waitUntilAnswering(
  child: ChildProcess,
  portNow: () => number | undefined,
  timeoutInMs: number,
): Promise<number> {
  const deadline = Date.now() + timeoutInMs;
  let exited: string | undefined;
  child.once('exit', (code, signal) => {
    exited = `it exited (${signal ?? `code ${code}`})`;
  });
  while (Date.now() < deadline) {
    if (exited !== undefined) throw new Error(exited);
    const port = portNow();
    if (port !== undefined && (await answersPing(port))) return port;
    await new Promise((done) => setTimeout(done, 100));
  }
  throw new Error(`no answer within ${timeoutInMs} ms`);
}

async function answersPing(port: number): Promise<boolean> {
  try {
    // GET /_debug/ping answers "pong" as soon as its express app listens (dist/index.js, debugRouter).
    const response = await fetch(`http://127.0.0.1:${port}/_debug/ping`, {
      signal: AbortSignal.timeout(1_000),
    });
    return response.ok && (await response.text()) === 'pong';
  } catch {
    return false;
  }
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((done) => child.once('exit', () => done()));
  child.kill('SIGINT');
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<'timeout'>((done) => {
    timer = setTimeout(() => done('timeout'), STOP_GRACE_IN_MS);
  });
  if ((await Promise.race([exited, timedOut])) === 'timeout') {
    child.kill('SIGKILL');
    await exited;
  }
  clearTimeout(timer);
}
