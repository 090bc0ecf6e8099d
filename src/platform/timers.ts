/** Cancels a timer started by {@link startTimer} or {@link startInterval}. */
export type CancelTimer = () => void;

/** Runs `fn` once after `delayInMs` (real time); the timer does not keep the process alive when `unref` is true. */
export function startTimer(fn: () => void, delayInMs: number, unref = false): CancelTimer {
  const handle = setTimeout(fn, Math.max(0, delayInMs));
  if (unref) handle.unref();
  return () => clearTimeout(handle);
}

/** Runs `fn` every `periodInMs` (real time) until cancelled. */
export function startInterval(fn: () => void, periodInMs: number, unref = false): CancelTimer {
  const handle = setInterval(fn, periodInMs);
  if (unref) handle.unref();
  return () => clearInterval(handle);
}

/** Resolves after `delayInMs` of real time. */
export function sleep(delayInMs: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, Math.max(0, delayInMs)));
}
