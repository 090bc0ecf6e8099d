import { sleep, startInterval, startTimer, type CancelTimer } from '../platform/timers';

/**
 * Real-time timers the client uses (heartbeat watch, backoff, maintenance); tests may pass their own. Plain functions
 * (no `this`): the client hands `sleep` on to its token provider and REST client.
 */
export interface GenesysTimers {
  readonly startTimer: (fn: () => void, delayInMs: number) => CancelTimer;
  readonly startInterval: (fn: () => void, periodInMs: number) => CancelTimer;
  readonly sleep: (delayInMs: number) => Promise<void>;
}

/** The platform timers, unref'd so that they never keep the process alive by themselves. */
export const platformTimers: GenesysTimers = {
  startTimer: (fn, delayInMs) => startTimer(fn, delayInMs, true),
  startInterval: (fn, periodInMs) => startInterval(fn, periodInMs, true),
  sleep,
};
