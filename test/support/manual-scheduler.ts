import type { Scheduler } from '../../src/platform/clock';
import { ManualClock } from './manual-clock';

interface Pending {
  readonly key: string;
  readonly dueAt: number;
  readonly sequence: number;
  readonly task: () => void;
}

/** Lets queued promise work finish: one macrotask turn drains every microtask the in-memory fakes create. */
const flushPromises = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/**
 * A Scheduler driven by a {@link ManualClock}: nothing fires until the test advances time. Tasks fire in deadline
 * order (ties in scheduling order), including tasks scheduled while firing, and the clock reads each task's due
 * instant while it runs. The `...Async` variants let async work started by a task settle before the next fires.
 */
export class ManualScheduler implements Scheduler {
  private readonly pending = new Map<string, Pending>();
  private sequence = 0;
  private isDisposed = false;

  constructor(readonly clock: ManualClock = new ManualClock()) {}

  schedule(key: string, dueAt: number, task: () => void): void {
    if (this.isDisposed) return;
    this.sequence += 1;
    this.pending.set(key, { key, dueAt, sequence: this.sequence, task });
  }

  cancel(key: string): void {
    this.pending.delete(key);
  }

  dueAt(key: string): number | undefined {
    return this.pending.get(key)?.dueAt;
  }

  size(): number {
    return this.pending.size;
  }

  dispose(): void {
    this.isDisposed = true;
    this.pending.clear();
  }

  /**
   * A Scheduler for one of several instances sharing this one: its keys are stored as `${name}/${key}`, so every
   * instance's tasks fire in one deadline order. Its `dispose` is a crash: its tasks go and it takes no more.
   */
  scoped(name: string): Scheduler {
    const prefix = `${name}/`;
    const own = (): string[] => this.keys().filter((key) => key.startsWith(prefix));
    let isScopeDisposed = false;
    return {
      schedule: (key, dueAt, task) => {
        if (!isScopeDisposed) this.schedule(`${prefix}${key}`, dueAt, task);
      },
      cancel: (key) => this.cancel(`${prefix}${key}`),
      dueAt: (key) => this.dueAt(`${prefix}${key}`),
      size: () => own().length,
      dispose: () => {
        isScopeDisposed = true;
        own().forEach((key) => this.cancel(key));
      },
    };
  }

  /** Keys of the pending tasks, in firing order. */
  keys(): string[] {
    return [...this.pending.values()].sort(byDeadline).map((entry) => entry.key);
  }

  /** Fires every task due now (and those they schedule due now); returns how many fired. */
  runDue(): number {
    return this.advanceTo(this.clock.now());
  }

  advanceBy(ms: number): number {
    return this.advanceTo(this.clock.now() + ms);
  }

  /** Moves the clock to `at`, firing due tasks in deadline order on the way; returns how many fired. */
  advanceTo(at: number): number {
    let fired = 0;
    for (let next = this.nextDue(at); next !== undefined; next = this.nextDue(at)) {
      this.fire(next);
      fired += 1;
    }
    if (at > this.clock.now()) this.clock.set(at);
    return fired;
  }

  async runDueAsync(settle: () => Promise<void> = flushPromises): Promise<number> {
    return this.advanceToAsync(this.clock.now(), settle);
  }

  async advanceByAsync(ms: number, settle: () => Promise<void> = flushPromises): Promise<number> {
    return this.advanceToAsync(this.clock.now() + ms, settle);
  }

  /** Like {@link advanceTo}, but awaits `settle` before looking for the next task, so async work can schedule more. */
  async advanceToAsync(at: number, settle: () => Promise<void> = flushPromises): Promise<number> {
    let fired = 0;
    await settle();
    for (let next = this.nextDue(at); next !== undefined; next = this.nextDue(at)) {
      this.fire(next);
      fired += 1;
      await settle();
    }
    if (at > this.clock.now()) this.clock.set(at);
    await settle();
    return fired;
  }

  private nextDue(at: number): Pending | undefined {
    let best: Pending | undefined;
    for (const entry of this.pending.values()) {
      if (entry.dueAt <= at && (best === undefined || byDeadline(entry, best) < 0)) best = entry;
    }
    return best;
  }

  private fire(entry: Pending): void {
    this.pending.delete(entry.key);
    if (entry.dueAt > this.clock.now()) this.clock.set(entry.dueAt);
    entry.task();
  }
}

function byDeadline(a: Pending, b: Pending): number {
  return a.dueAt - b.dueAt || a.sequence - b.sequence;
}
