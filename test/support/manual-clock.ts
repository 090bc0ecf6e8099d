import type { Clock } from '../../src/platform/clock';
import type { GenesysTimers } from '../../src/genesys/genesys-timers';
import type { CancelTimer } from '../../src/platform/timers';

/** 2026-08-20T14:00:00Z, a Thursday afternoon: the default start of every manual clock. */
const MANUAL_CLOCK_START = Date.UTC(2026, 7, 20, 14, 0, 0);

interface Timer {
  /** The instant (timer time, see {@link ManualClock.jump}) it is due. */
  dueAt: number;
  readonly delayInMs: number;
  sequence: number;
  readonly periodInMs?: number;
  readonly fire: () => void;
}

/** An armed timer as a test sees it. */
export interface ArmedTimer {
  /** The delay it was armed with. */
  readonly delayInMs: number;
  /** How long until it fires. */
  readonly remainingInMs: number;
}

const nextMacrotask = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/**
 * The one clock of the tests: time (epoch ms) moves only when a test moves it, and never backwards. It is also the
 * timer source of the code under test (`startTimer`, `startInterval`, `sleep`, as `src/platform/timers` and
 * `GenesysTimers` have them): moving the clock fires the timers that fall due on the way, in deadline order (ties in
 * the order they were armed), each with the clock reading its due instant. So liveness deadlines, backoffs and
 * timeouts pass only when the test says so, however busy the machine is.
 */
export class ManualClock implements Clock, GenesysTimers {
  private current: number;
  /** Wall-clock steps ({@link jump}) that timers do not see: timer time = current - skew. */
  private skew = 0;
  private readonly timers: Timer[] = [];
  private sequence = 0;

  constructor(startAt = MANUAL_CLOCK_START) {
    this.current = startAt;
  }

  now(): number {
    return this.current;
  }

  /** Moves to `at`, firing the timers due on the way; refuses to go backwards, which would hide ordering bugs. */
  set(at: number): void {
    if (at < this.current) throw new Error(`ManualClock cannot go back from ${this.current} to ${at}`);
    for (let next = this.nextDue(at - this.skew); next !== undefined; next = this.nextDue(at - this.skew))
      this.fire(next);
    // A timer may itself have moved the clock further on.
    if (at > this.current) this.current = at;
  }

  advanceBy(ms: number): void {
    this.set(this.current + ms);
  }

  /**
   * Steps the wall clock forward without the timers noticing (an NTP correction, a VM resumed): a timer armed for
   * a minute still waits a minute of {@link advanceBy}.
   */
  jump(ms: number): void {
    if (ms < 0) throw new Error('ManualClock cannot jump backwards');
    this.current += ms;
    this.skew += ms;
  }

  /** Runs `fn` once `delayInMs` has passed on this clock. */
  readonly startTimer = (fn: () => void, delayInMs: number): CancelTimer =>
    this.arm(fn, Math.max(0, delayInMs));

  /** Runs `fn` every `periodInMs` of this clock until cancelled. */
  readonly startInterval = (fn: () => void, periodInMs: number): CancelTimer =>
    this.arm(fn, Math.max(1, periodInMs), Math.max(1, periodInMs));

  /** Resolves once the clock has moved `delayInMs` on. */
  readonly sleep = (delayInMs: number): Promise<void> =>
    new Promise<void>((resolve) => {
      this.startTimer(resolve, delayInMs);
    });

  /** The armed timers, in firing order. */
  armedTimers(): ArmedTimer[] {
    const timerNow = this.current - this.skew;
    return this.ordered().map((timer) => ({
      delayInMs: timer.delayInMs,
      remainingInMs: timer.dueAt - timerNow,
    }));
  }

  /** Moves to the next armed timer's due instant (if it is later) and fires that one alone; false when none is armed. */
  fireNextTimer(): boolean {
    const next = this.ordered()[0];
    if (next === undefined) return false;
    this.fire(next);
    return true;
  }

  /**
   * Discrete-event time for concurrent code that waits through this clock's `sleep` or timers: while `work` runs,
   * every pending microtask and I/O callback is let finish, then the clock moves to the earliest timer and fires the
   * timers due at that instant (in the order they were armed).
   * Deterministic and independent of machine speed; throws if the work waits on something that no timer of this
   * clock will end (a stall).
   */
  async run<T>(work: Promise<T>): Promise<T> {
    let outcome: { value: T } | { error: unknown } | undefined;
    work.then(
      (value) => (outcome = { value }),
      (error: unknown) => (outcome = { error }),
    );
    for (;;) {
      await nextMacrotask();
      if (outcome) break;
      if (this.timers.length === 0) {
        await nextMacrotask();
        if (outcome) break;
        if (this.timers.length === 0)
          throw new Error('ManualClock.run: the work waits on something other than this clock');
      }
      const dueAt = this.ordered()[0].dueAt;
      for (const timer of this.ordered().filter((t) => t.dueAt === dueAt))
        if (this.timers.includes(timer)) this.fire(timer);
    }
    if ('error' in outcome) throw outcome.error;
    return outcome.value;
  }

  private arm(fire: () => void, delayInMs: number, periodInMs?: number): CancelTimer {
    this.sequence += 1;
    const timer: Timer = {
      dueAt: this.current - this.skew + delayInMs,
      delayInMs,
      sequence: this.sequence,
      periodInMs,
      fire,
    };
    this.timers.push(timer);
    return () => this.cancelTimer(timer);
  }

  private cancelTimer(timer: Timer): void {
    const index = this.timers.indexOf(timer);
    if (index >= 0) this.timers.splice(index, 1);
  }

  private ordered(): Timer[] {
    return [...this.timers].sort((a, b) => a.dueAt - b.dueAt || a.sequence - b.sequence);
  }

  private nextDue(timerAt: number): Timer | undefined {
    const next = this.ordered()[0];
    return next !== undefined && next.dueAt <= timerAt ? next : undefined;
  }

  private fire(timer: Timer): void {
    const dueAt = timer.dueAt + this.skew;
    if (dueAt > this.current) this.current = dueAt;
    if (timer.periodInMs === undefined) this.cancelTimer(timer);
    else {
      this.sequence += 1;
      timer.dueAt += timer.periodInMs;
      timer.sequence = this.sequence;
    }
    timer.fire();
  }
}
