import type { Clock } from './clock';

/** The wall clock: epoch milliseconds from the operating system. */
export class SystemClock implements Clock {
  now(): number {
    return Date.now();
  }
}
