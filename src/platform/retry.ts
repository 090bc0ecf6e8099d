import { computeBackoffInMs } from './backoff';
import { describeError } from './describe-error';
import { TransientError } from './errors';
import { sleep as realSleep } from './timers';

/** Whether to try again after `error`, and the server's Retry-After in ms when it gave one. */
export interface RetryDecision {
  readonly retry: boolean;
  readonly retryAfterMs?: number;
}

/** Options of {@link retryWithBackoff}; every field has a default. */
export interface RetryOptions {
  /** Attempts in all, the first included (default 3); `Infinity` leaves the bound to `shouldRetry`. */
  readonly maxAttempts?: number;
  /** Classifies a failure; defaults to retrying only a TransientError, honouring its `retryAfterMs`. */
  readonly shouldRetry?: (error: unknown) => RetryDecision;
  /**
   * A Retry-After above this gives up at once (default 180 000 ms). Genesys's SDKs do the same beyond 3 min because
   * some APIs answer a daily-limit breach with 429 and a Retry-After of hours (MyPureCloud/platform-client-sdk-java,
   * build/src/main/java/com/mypurecloud/sdk/v2/ApiClient.java, class `Retry`).
   */
  readonly maxRetryAfterInMs?: number;
  /** Gives up when the waits of one call would add up to more than this (default: no bound). */
  readonly maxTotalWaitInMs?: number;
  /**
   * Jittered exponential backoff used when the server gave no Retry-After (default 500 ms doubling to 30 s). Only
   * these waits grow it: the n-th backoff of a call waits under the n-th ceiling, whatever Retry-After waits came between.
   */
  readonly baseInMs?: number;
  readonly maxInMs?: number;
  /** Waits between attempts; defaults to a real sleep. Tests pass a recording no-op. */
  readonly sleep?: (delayInMs: number) => Promise<void>;
  /** Random source in [0, 1) for the jitter. */
  readonly random?: () => number;
  /** Called before each wait, e.g. to log or count the retry. */
  readonly onRetry?: (info: {
    readonly attempt: number;
    readonly delayInMs: number;
    readonly error: unknown;
  }) => void;
}

/** The default classification: retry a TransientError and honour its Retry-After; anything else is final. */
function retryTransientErrors(error: unknown): RetryDecision {
  return error instanceof TransientError
    ? { retry: true, retryAfterMs: error.retryAfterMs }
    : { retry: false };
}

/**
 * Calls `fn` (with the 1-based attempt number) until it resolves, retrying failures that `shouldRetry` accepts
 * after the server's Retry-After or else a full-jitter backoff, at most `maxAttempts` times in all. Throws the last
 * error; when a Retry-After exceeds `maxRetryAfterInMs`, or the waits would exceed `maxTotalWaitInMs`, it stops at
 * once and throws a TransientError that says so, carrying the Retry-After and the failure as `cause`, so a caller
 * can park the work until then.
 */
export async function retryWithBackoff<T>(
  fn: (attempt: number) => Promise<T>,
  options: RetryOptions = {},
): Promise<T> {
  const maxAttempts = Math.max(1, Math.floor(options.maxAttempts ?? 3));
  const shouldRetry = options.shouldRetry ?? retryTransientErrors;
  const maxRetryAfterInMs = options.maxRetryAfterInMs ?? 180_000;
  const maxTotalWaitInMs = options.maxTotalWaitInMs ?? Number.POSITIVE_INFINITY;
  const backoff = { baseInMs: options.baseInMs ?? 500, maxInMs: options.maxInMs ?? 30_000 };
  const sleep = options.sleep ?? realSleep;
  let backoffs = 0;
  let waitedInMs = 0;
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn(attempt);
    } catch (error) {
      const decision = shouldRetry(error);
      if (!decision.retry || attempt >= maxAttempts) throw error;
      const retryAfterMs = decision.retryAfterMs;
      if (retryAfterMs !== undefined && retryAfterMs > maxRetryAfterInMs) {
        throw new TransientError(
          `gave up after attempt ${attempt}: Retry-After of ${retryAfterMs} ms exceeds the ${maxRetryAfterInMs} ms limit (${describeError(error)})`,
          { retryAfterMs, cause: error },
        );
      }
      const delayInMs = retryAfterMs ?? computeBackoffInMs(++backoffs, backoff, options.random);
      if (waitedInMs + delayInMs > maxTotalWaitInMs) {
        throw new TransientError(
          `gave up after attempt ${attempt}: waiting ${delayInMs} ms more would exceed the ${maxTotalWaitInMs} ms limit (${describeError(error)})`,
          { ...(retryAfterMs === undefined ? {} : { retryAfterMs }), cause: error },
        );
      }
      waitedInMs += delayInMs;
      options.onRetry?.({ attempt, delayInMs, error });
      await sleep(delayInMs);
    }
  }
}
