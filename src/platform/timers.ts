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

/** Resolves after `delayInMs` of real time, or as soon as `signal` is aborted. */
export function sleep(delayInMs: number, signal?: AbortSignal): Promise<void> {
  if (signal?.aborted) return Promise.resolve();
  return new Promise((resolve) => {
    const done = (): void => {
      clearTimeout(handle);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const handle = setTimeout(done, Math.max(0, delayInMs));
    signal?.addEventListener('abort', done, { once: true });
  });
}
