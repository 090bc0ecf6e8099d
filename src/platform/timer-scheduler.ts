import type { Clock, Scheduler } from './clock';
import type { Logger } from './logger';
import { createLogger } from './logger';
import { startTimer } from './timers';
import type { CancelTimer } from './timers';

/** Arms one real timer: runs `fn` after `delayInMs`; returns a function that cancels it. */
export type StartTimer = (fn: () => void, delayInMs: number) => CancelTimer;

/** Options of {@link TimerScheduler}. */
export interface TimerSchedulerOptions {
  /** Source of "now" (epoch ms) that due instants are compared with. */
  readonly clock: Clock;
  /** Where a failing task is reported; defaults to an error-level platform logger. */
  readonly logger?: Logger;
  /** Arms the one real timer; defaults to an unref'd `setTimeout`, so pending tasks never keep the process alive. */
  readonly startTimer?: StartTimer;
  /**
   * Longest single wait before the clock is read again (default 60 s). Node timers run on a monotonic clock while
   * due instants are wall-clock epoch ms, so a wall-clock step (NTP, VM resume) is noticed within this bound.
   */
  readonly maxTimerDelayInMs?: number;
  /** Most tasks run in one timer callback before yielding to I/O (default 1000); the rest run in the next turn. */
  readonly maxTasksPerTurn?: number;
}

interface Entry {
  readonly key: string;
  readonly dueAt: number;
  readonly seq: number;
  readonly task: () => void;
  index: number;
}

// setTimeout treats any delay above 2^31-1 ms (~24.8 days) as 1 ms (Node docs, "setTimeout"), so never pass more.
const MAX_NODE_DELAY_MS = 2 ** 31 - 1;

/**
 * The Scheduler port on real timers: keyed tasks at absolute instants (epoch ms, read from the injected clock),
 * held in an indexed binary min-heap ordered by (dueAt, insertion) with a single Node timer armed for the
 * earliest one, so 100k pending tasks cost a heap slot and a map entry each. A task that throws is logged.
 */
export class TimerScheduler implements Scheduler {
  private readonly clock: Clock;
  private readonly logger: Logger;
  private readonly startTimer: StartTimer;
  private readonly maxTimerDelayInMs: number;
  private readonly maxTasksPerTurn: number;
  private readonly byKey = new Map<string, Entry>();
  private heap: Entry[] = [];
  private nextSeq = 0;
  private cancelTimer: CancelTimer | undefined;
  /** Instant (clock ms) the armed timer fires at, or +Infinity when none is armed. */
  private armedFor = Number.POSITIVE_INFINITY;
  private isRunning = false;
  private isDisposed = false;

  constructor(options: TimerSchedulerOptions) {
    this.clock = options.clock;
    this.logger = options.logger ?? createLogger({ level: 'error', name: 'timer-scheduler' });
    this.startTimer = options.startTimer ?? ((fn, delayInMs) => startTimer(fn, delayInMs, true));
    this.maxTimerDelayInMs = Math.min(MAX_NODE_DELAY_MS, Math.max(1, options.maxTimerDelayInMs ?? 60_000));
    this.maxTasksPerTurn = Math.max(1, options.maxTasksPerTurn ?? 1_000);
  }

  schedule(key: string, dueAt: number, task: () => void): void {
    if (this.isDisposed) return;
    // NaN would silently corrupt the heap order.
    if (!Number.isFinite(dueAt))
      throw new RangeError(`dueAt must be a finite epoch-ms instant, got ${dueAt} for ${key}`);
    const previous = this.byKey.get(key);
    if (previous !== undefined) this.removeAt(previous.index);
    const entry: Entry = { key, dueAt, seq: this.nextSeq++, task, index: this.heap.length };
    this.byKey.set(key, entry);
    this.heap.push(entry);
    this.siftUp(entry.index);
    if (!this.isRunning) this.arm();
  }

  cancel(key: string): void {
    const entry = this.byKey.get(key);
    if (entry === undefined) return;
    this.byKey.delete(key);
    this.removeAt(entry.index);
    // An armed timer for a cancelled head is left alone: it wakes, finds nothing due and re-arms. Only an empty
    // heap clears it.
    if (this.heap.length === 0 && !this.isRunning) this.disarm();
  }

  dueAt(key: string): number | undefined {
    return this.byKey.get(key)?.dueAt;
  }

  size(): number {
    return this.byKey.size;
  }

  dispose(): void {
    this.isDisposed = true;
    this.disarm();
    this.byKey.clear();
    this.heap = [];
  }

  private arm(): void {
    if (this.isDisposed || this.heap.length === 0) {
      this.disarm();
      return;
    }
    const dueAt = this.heap[0].dueAt;
    if (this.cancelTimer !== undefined && this.armedFor <= dueAt) return;
    this.disarm();
    const now = this.clock.now();
    const delayInMs = Math.min(this.maxTimerDelayInMs, Math.max(0, Math.ceil(dueAt - now)));
    this.armedFor = now + delayInMs;
    this.cancelTimer = this.startTimer(this.onTimer, delayInMs);
  }

  private disarm(): void {
    this.cancelTimer?.();
    this.cancelTimer = undefined;
    this.armedFor = Number.POSITIVE_INFINITY;
  }

  private readonly onTimer = (): void => {
    this.cancelTimer = undefined;
    this.armedFor = Number.POSITIVE_INFINITY;
    if (this.isDisposed) return;
    const now = this.clock.now();
    this.isRunning = true;
    try {
      for (
        let ran = 0;
        ran < this.maxTasksPerTurn && this.heap.length > 0 && this.heap[0].dueAt <= now;
        ran++
      ) {
        const entry = this.heap[0];
        this.byKey.delete(entry.key);
        this.removeAt(0);
        this.run(entry);
        if (this.isDisposed) return;
      }
    } finally {
      this.isRunning = false;
    }
    this.arm();
  };

  private run(entry: Entry): void {
    try {
      const result: unknown = entry.task();
      // The port types tasks as sync, but an async function fits that type; its rejection must not go unhandled.
      if (isPromiseLike(result)) result.then(undefined, (err: unknown) => this.reportFailure(entry, err));
    } catch (err) {
      this.reportFailure(entry, err);
    }
  }

  private reportFailure(entry: Entry, err: unknown): void {
    this.logger.error(
      { component: 'timer-scheduler', key: entry.key, dueAt: entry.dueAt, err },
      'scheduled task failed',
    );
  }

  private removeAt(index: number): void {
    const heap = this.heap;
    const last = heap.pop()!;
    if (index === heap.length) return;
    heap[index] = last;
    last.index = index;
    this.siftDown(index);
    this.siftUp(last.index);
  }

  private siftUp(start: number): void {
    const heap = this.heap;
    const entry = heap[start];
    let index = start;
    while (index > 0) {
      const parentIndex = (index - 1) >> 1;
      const parent = heap[parentIndex];
      if (!isBefore(entry, parent)) break;
      heap[index] = parent;
      parent.index = index;
      index = parentIndex;
    }
    heap[index] = entry;
    entry.index = index;
  }

  private siftDown(start: number): void {
    const heap = this.heap;
    const length = heap.length;
    const entry = heap[start];
    let index = start;
    for (;;) {
      const left = 2 * index + 1;
      if (left >= length) break;
      const right = left + 1;
      const child = right < length && isBefore(heap[right], heap[left]) ? right : left;
      if (!isBefore(heap[child], entry)) break;
      heap[index] = heap[child]!;
      heap[index].index = index;
      index = child;
    }
    heap[index] = entry;
    entry.index = index;
  }
}

function isBefore(a: Entry, b: Entry): boolean {
  return a.dueAt < b.dueAt || (a.dueAt === b.dueAt && a.seq < b.seq);
}

function isPromiseLike(value: unknown): value is PromiseLike<unknown> {
  return (
    typeof value === 'object' && value !== null && typeof (value as { then?: unknown }).then === 'function'
  );
}
