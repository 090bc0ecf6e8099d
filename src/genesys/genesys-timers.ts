import { sleep, startInterval, startTimer, type CancelTimer } from '../platform/timers';

/** Real-time timers the client uses (heartbeat watch, backoff, maintenance); tests may pass their own. */
export interface GenesysTimers {
  startTimer(fn: () => void, delayInMs: number): CancelTimer;
  startInterval(fn: () => void, periodInMs: number): CancelTimer;
  sleep(delayInMs: number): Promise<void>;
}

/** The platform timers, unref'd so that they never keep the process alive by themselves. */
export const platformTimers: GenesysTimers = {
  startTimer: (fn, delayInMs) => startTimer(fn, delayInMs, true),
  startInterval: (fn, periodInMs) => startInterval(fn, periodInMs, true),
  sleep,
};
