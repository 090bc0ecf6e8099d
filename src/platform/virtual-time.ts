import type { Clock, Scheduler } from './clock';

/** A clock that moves only when told to (epoch ms) and never goes backwards: the time of a replay or simulation. */
export class VirtualClock implements Clock {
  constructor(private current: number) {}

  now(): number {
    return this.current;
  }

  /** Moves the clock to `at`; an instant before the current one leaves it where it is. */
  advanceTo(at: number): void {
    if (at > this.current) this.current = at;
  }
}

interface Entry {
  readonly key: string;
  readonly dueAt: number;
  readonly seq: number;
  readonly task: () => void;
  isCancelled: boolean;
}

/**
 * The Scheduler port on virtual time, for replays and simulations that run as fast as the machine allows: keyed tasks
 * at absolute instants (one per key; scheduling a key again replaces its task), fired by {@link runUntil} in order of
 * due instant, ties in the order they were scheduled, with the clock reading each task's instant while it runs. Between
 * tasks `runUntil` awaits a `settle` function, so asynchronous work a task starts (and the tasks it schedules) is done
 * before the next task fires, as it would be in real time. A binary min-heap with lazy deletion keeps 100k pending tasks
 * cheap.
 */
export class VirtualScheduler implements Scheduler {
  private readonly byKey = new Map<string, Entry>();
  private heap: Entry[] = [];
  private nextSeq = 0;
  private cancelledInHeap = 0;
  private isDisposed = false;

  constructor(readonly clock: VirtualClock) {}

  schedule(key: string, dueAt: number, task: () => void): void {
    if (this.isDisposed) return;
    if (!Number.isFinite(dueAt))
      throw new RangeError(`dueAt must be a finite epoch-ms instant, got ${dueAt} for ${key}`);
    this.cancel(key);
    const entry: Entry = { key, dueAt, seq: this.nextSeq++, task, isCancelled: false };
    this.byKey.set(key, entry);
    this.push(entry);
  }

  cancel(key: string): void {
    const entry = this.byKey.get(key);
    if (entry === undefined) return;
    this.byKey.delete(key);
    entry.isCancelled = true;
    this.cancelledInHeap += 1;
    if (this.cancelledInHeap > 1_024 && this.cancelledInHeap > this.byKey.size) this.compact();
  }

  dueAt(key: string): number | undefined {
    return this.byKey.get(key)?.dueAt;
  }

  size(): number {
    return this.byKey.size;
  }

  dispose(): void {
    this.isDisposed = true;
    this.byKey.clear();
    this.heap = [];
    this.cancelledInHeap = 0;
  }

  /** The earliest pending due instant, if any. */
  nextDueAt(): number | undefined {
    this.dropCancelledHead();
    return this.heap[0]?.dueAt;
  }

  /**
   * Fires every task due at or before `at` (and those they schedule that fall due by then) in order, the clock at
   * each task's instant, awaiting `settle` after each; then moves the clock to `at`. Returns how many tasks fired.
   */
  async runUntil(at: number, settle: () => Promise<void> = resolved): Promise<number> {
    let fired = 0;
    for (let entry = this.takeDue(at); entry !== undefined; entry = this.takeDue(at)) {
      this.clock.advanceTo(entry.dueAt);
      entry.task();
      fired += 1;
      await settle();
    }
    this.clock.advanceTo(at);
    return fired;
  }

  private takeDue(at: number): Entry | undefined {
    this.dropCancelledHead();
    const head = this.heap[0];
    if (head === undefined || head.dueAt > at) return undefined;
    this.pop();
    this.byKey.delete(head.key);
    return head;
  }

  private dropCancelledHead(): void {
    while (this.heap.length > 0 && this.heap[0].isCancelled) {
      this.pop();
      this.cancelledInHeap -= 1;
    }
  }

  /** Rebuilds the heap without cancelled entries, so a long run that re-arms often does not grow it. */
  private compact(): void {
    const live = this.heap.filter((entry) => !entry.isCancelled);
    this.heap = [];
    this.cancelledInHeap = 0;
    for (const entry of live) this.push(entry);
  }

  private push(entry: Entry): void {
    const heap = this.heap;
    let index = heap.length;
    heap.push(entry);
    while (index > 0) {
      const parent = (index - 1) >> 1;
      if (!isBefore(entry, heap[parent])) break;
      heap[index] = heap[parent]!;
      index = parent;
    }
    heap[index] = entry;
  }

  private pop(): void {
    const heap = this.heap;
    const last = heap.pop()!;
    if (heap.length === 0) return;
    let index = 0;
    for (;;) {
      const left = 2 * index + 1;
      if (left >= heap.length) break;
      const right = left + 1;
      const child = right < heap.length && isBefore(heap[right], heap[left]) ? right : left;
      if (!isBefore(heap[child], last)) break;
      heap[index] = heap[child]!;
      index = child;
    }
    heap[index] = last;
  }
}

function isBefore(a: Entry, b: Entry): boolean {
  return a.dueAt < b.dueAt || (a.dueAt === b.dueAt && a.seq < b.seq);
}

function resolved(): Promise<void> {
  return Promise.resolve();
}
