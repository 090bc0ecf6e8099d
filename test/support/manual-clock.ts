import type { Clock } from '../../src/app/ports';

/** A clock that only moves when a test moves it (epoch ms); it never goes backwards. */
export class ManualClock implements Clock {
  private current: number;

  constructor(startAt = Date.UTC(2026, 7, 20, 14, 0, 0)) {
    this.current = startAt;
  }

  now(): number {
    return this.current;
  }

  /** Moves to `at`; refuses to go backwards, which would hide ordering bugs. */
  set(at: number): void {
    if (at < this.current) throw new Error(`ManualClock cannot go back from ${this.current} to ${at}`);
    this.current = at;
  }

  advanceBy(ms: number): void {
    this.set(this.current + ms);
  }
}
