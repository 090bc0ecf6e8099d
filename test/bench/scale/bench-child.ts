import { fork, type ChildProcess } from 'node:child_process';

/** A request from the benchmark to one of its instrument processes, and the answer. */
interface IpcRequest {
  readonly id: number;
  readonly type: string;
  readonly payload?: unknown;
}

interface IpcAnswer {
  readonly id: number;
  readonly value?: unknown;
  readonly error?: string;
}

/** What a child sends once it is set up; `info` tells where to reach it (a URL, a port). */
interface IpcReady {
  readonly ready: true;
  readonly info: unknown;
}

/**
 * An instrument of the scale benchmark running in its own Node process (the Bot Connector stand-in, the Table request
 * counter), so its clock readings are never delayed by the simulator's work in the benchmark process. Requests go over
 * the IPC channel and are answered by `answerBenchRequests` in the child.
 */
export class BenchChild {
  private nextId = 1;
  private readonly waiting = new Map<number, { resolve(value: unknown): void; reject(error: Error): void }>();
  private readonly exited: Promise<void>;

  private constructor(
    private readonly child: ChildProcess,
    readonly info: unknown,
  ) {
    child.on('message', (message: IpcAnswer) => {
      const waiter = this.waiting.get(message.id);
      if (!waiter) return;
      this.waiting.delete(message.id);
      if (message.error !== undefined) waiter.reject(new Error(message.error));
      else waiter.resolve(message.value);
    });
    this.exited = new Promise((resolve) =>
      child.once('exit', () => {
        for (const waiter of this.waiting.values()) waiter.reject(new Error('bench child exited'));
        this.waiting.clear();
        resolve();
      }),
    );
    process.once('exit', () => child.kill('SIGKILL'));
  }

  /** Starts `file` (TypeScript, through tsx) with `args` and resolves once it says it is ready. */
  static async start(file: string, args: readonly string[]): Promise<BenchChild> {
    const child = fork(file, [...args], {
      execArgv: ['--import', 'tsx'],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    const info = await new Promise<unknown>((resolve, reject) => {
      child.once('exit', (code) => reject(new Error(`${file} exited (${code}) before it was ready`)));
      child.on('message', (message: Partial<IpcReady>) => {
        if (message.ready) resolve(message.info);
      });
    });
    return new BenchChild(child, info);
  }

  /** The child's process id. */
  get pid(): number | undefined {
    return this.child.pid;
  }

  /** Sends a request and resolves with the child's answer. */
  request<T>(type: string, payload?: unknown): Promise<T> {
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      this.waiting.set(id, { resolve: resolve, reject });
      this.child.send({ id, type, payload } satisfies IpcRequest);
    });
  }

  /** Stops the child and waits until it is gone. */
  async stop(): Promise<void> {
    this.child.kill('SIGTERM');
    await this.exited;
  }
}

/** In a child, once set up: says it is ready (with `info`), then answers each request with `handle(type, payload)`. */
export function answerBenchRequests(
  info: unknown,
  handle: (type: string, payload: unknown) => unknown,
): void {
  process.on('message', (message: IpcRequest) => {
    void (async () => {
      try {
        const value = await handle(message.type, message.payload);
        process.send?.({ id: message.id, value } satisfies IpcAnswer);
      } catch (error) {
        process.send?.({ id: message.id, error: (error as Error).message } satisfies IpcAnswer);
      }
    })();
  });
  process.on('SIGTERM', () => process.exit(0));
  process.on('disconnect', () => process.exit(0));
  process.send?.({ ready: true, info } satisfies IpcReady);
}
