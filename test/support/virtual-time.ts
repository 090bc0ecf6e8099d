import { ManualClock } from './manual-clock';

interface Sleeper {
  readonly at: number;
  readonly sequence: number;
  readonly wake: () => void;
}

const nextMacrotask = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/**
 * Discrete-event time for concurrent code that waits through an injected `sleep` (the Teams limiter, the welcome
 * sender): while the work runs, every pending microtask is let finish, then the clock jumps to the earliest sleeper's
 * deadline and wakes it (ties in the order they slept). Deterministic and independent of machine speed; the work must
 * use in-memory fakes only (no real I/O or timers).
 */
export class VirtualTime {
  readonly clock: ManualClock;
  private readonly sleepers: Sleeper[] = [];
  private sequence = 0;

  constructor(startAt?: number) {
    this.clock = new ManualClock(startAt);
  }

  /** Resolves once the virtual clock reached now + `ms`. */
  readonly sleep = (ms: number): Promise<void> =>
    new Promise<void>((wake) => {
      this.sequence += 1;
      this.sleepers.push({ at: this.clock.now() + Math.max(0, ms), sequence: this.sequence, wake });
    });

  /** Drives time until `work` settles; throws if it waits on something that is not a sleep (a stall). */
  async run<T>(work: Promise<T>): Promise<T> {
    let outcome: { value: T } | { error: unknown } | undefined;
    work.then(
      (value) => (outcome = { value }),
      (error: unknown) => (outcome = { error }),
    );
    for (;;) {
      await nextMacrotask();
      if (outcome) break;
      if (this.sleepers.length === 0) {
        await nextMacrotask();
        if (outcome) break;
        if (this.sleepers.length === 0)
          throw new Error('VirtualTime: the work waits on something other than sleep');
      }
      this.sleepers.sort((a, b) => a.at - b.at || a.sequence - b.sequence);
      const due = this.sleepers[0]!.at;
      if (due > this.clock.now()) this.clock.set(due);
      while (this.sleepers.length > 0 && this.sleepers[0]!.at <= this.clock.now())
        this.sleepers.shift()!.wake();
    }
    if ('error' in outcome) throw outcome.error;
    return outcome.value;
  }
}
