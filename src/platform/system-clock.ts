import type { Clock } from '../app/ports';

/** The wall clock: epoch milliseconds from the operating system. */
export class SystemClock implements Clock {
  now(): number {
    return Date.now();
  }
}
