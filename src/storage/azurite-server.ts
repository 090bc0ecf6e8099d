import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { startTimer } from '../platform/timers';

/** Options for {@link startAzurite}: the data folder (or memory only) and, optionally, a fixed loopback port. */
export interface AzuriteOptions {
  /** Folder Azurite keeps its data in (created if missing), e.g. `.data/azurite`; required unless in memory. */
  readonly location?: string;
  /**
   * Keep every table in memory and nothing on disk (Azurite's `--inMemoryPersistence`; the data is gone once it stops).
   * For benchmarks: with a data folder Azurite writes its whole database to disk every 5 s, a cost Azure does not have.
   */
  readonly inMemoryPersistence?: boolean;
  /** Fixed port; by default a free loopback port is picked (Azurite itself does not accept port 0). */
  readonly port?: number;
  readonly host?: '127.0.0.1';
  /** How long to wait for the server to listen, default 15 s. */
  readonly startTimeoutInMs?: number;
  /** How long `stop` waits after SIGINT before SIGKILL, default 3 s. */
  readonly stopGraceInMs?: number;
  /** Options of the Node.js process that runs Azurite, e.g. `--cpu-prof` to profile it (benchmarks). */
  readonly nodeOptions?: readonly string[];
}

/** A running Azurite Table service. */
export interface AzuriteServer {
  readonly connectionString: string;
  readonly port: number;
  /** Stops the server (SIGINT, then SIGKILL after the grace period); idempotent. */
  stop(): Promise<void>;
}

/** Well-known development account key of Azurite (public, not a secret). */
const devAccountKey =
  'Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==';
const maxPortAttempts = 5;

/**
 * Starts the Azurite Table service (Table service only, loopback, telemetry off) as a child process and resolves
 * once it listens; the child is killed when this process exits.
 */
export async function startAzurite(options: AzuriteOptions): Promise<AzuriteServer> {
  const host = options.host ?? '127.0.0.1';
  // Azurite refuses the two together (azurite/dist/src/table/TableEnvironment.js), and needs one of them.
  if ((options.location === undefined) === (options.inMemoryPersistence !== true))
    throw new RangeError(
      'startAzurite needs either a data folder (location) or inMemoryPersistence, not both',
    );
  if (options.location !== undefined) mkdirSync(options.location, { recursive: true });
  let lastError: Error | undefined;
  for (let attempt = 0; attempt < (options.port === undefined ? maxPortAttempts : 1); attempt += 1) {
    const port = options.port ?? (await findFreePort(host));
    try {
      return await launch(host, port, options);
    } catch (error) {
      // Another process may take the port between our probe and Azurite's bind (EADDRINUSE): try another one.
      lastError = error as Error;
      if (!/EADDRINUSE/.test(lastError.message)) throw lastError;
    }
  }
  throw lastError ?? new Error('Azurite did not start');
}

/** Builds the connection string of an Azurite Table endpoint on `host:port`. */
export function azuriteConnectionString(port: number, host = '127.0.0.1'): string {
  return (
    `DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=${devAccountKey};` +
    `TableEndpoint=http://${host}:${port}/devstoreaccount1;`
  );
}

async function launch(host: string, port: number, options: AzuriteOptions): Promise<AzuriteServer> {
  const mainScript = path.join(
    path.dirname(require.resolve('azurite/package.json')),
    'dist/src/table/main.js',
  );
  // --disableTelemetry always: Azurite reports usage to Microsoft by default.
  const args = [
    ...(options.nodeOptions ?? []),
    mainScript,
    '--tableHost',
    host,
    '--tablePort',
    String(port),
    ...(options.location === undefined ? ['--inMemoryPersistence'] : ['--location', options.location]),
    '--silent',
    '--disableTelemetry',
  ];
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  let isReady = false;
  let exited = child.exitCode !== null;
  const killOnExit = (): void => {
    child.kill('SIGKILL');
  };
  process.on('exit', killOnExit);
  const exitPromise = new Promise<void>((resolve) => {
    child.once('exit', () => {
      exited = true;
      process.off('exit', killOnExit);
      resolve();
    });
  });
  const ready = new Promise<void>((resolve, reject) => {
    const collect = (chunk: Buffer): void => {
      output = (output + chunk.toString()).slice(-4000);
      // Printed by azurite/dist/src/table/main.js once its own server listens (even with --silent), so a
      // different process answering on the port is never mistaken for ours.
      if (!isReady && output.includes('successfully started')) {
        isReady = true;
        resolve();
      }
    };
    child.stdout?.on('data', collect);
    child.stderr?.on('data', collect);
    child.once('exit', () =>
      reject(new Error(`Azurite exited before answering on ${host}:${port}: ${output.trim()}`)),
    );
    child.once('error', reject);
  });
  const graceInMs = options.stopGraceInMs ?? 3000;
  let timedOut = false;
  const cancelStartTimer = startTimer(() => {
    timedOut = true;
    void stopChild(child, exitPromise, () => exited, graceInMs);
  }, options.startTimeoutInMs ?? 15_000);
  try {
    await ready;
  } catch (error) {
    if (timedOut)
      throw new Error(`Azurite did not start on ${host}:${port} within the start timeout: ${output.trim()}`);
    throw error;
  } finally {
    cancelStartTimer();
  }

  let stopping: Promise<void> | undefined;
  return {
    connectionString: azuriteConnectionString(port, host),
    port,
    stop: () => (stopping ??= stopChild(child, exitPromise, () => exited, graceInMs)),
  };
}

async function stopChild(
  child: ChildProcess,
  exitPromise: Promise<void>,
  hasExited: () => boolean,
  graceInMs: number,
): Promise<void> {
  if (hasExited()) return;
  child.kill('SIGINT');
  const cancel = startTimer(() => {
    if (!hasExited()) child.kill('SIGKILL');
  }, graceInMs);
  await exitPromise;
  cancel();
}

function findFreePort(host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, host, () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}
