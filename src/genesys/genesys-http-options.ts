import type { Clock } from '../platform/clock';
import type { Logger } from '../platform/logger';
import type { RetryOptions } from '../platform/retry';
import type { GenesysMetrics } from './genesys-metrics';

/** How the REST client and the token provider call Genesys: timeouts, the retry bounds, and what they report to. */
export interface GenesysHttpOptions {
  readonly requestTimeoutInMs: number;
  /** Longest single Retry-After honoured, and the most one call waits in all (the SDKs' 3 minutes). */
  readonly maxRetryAfterInMs: number;
  /** Retries of a 502/503/504 or network failure before giving up (the token provider counts 429s too). */
  readonly maxServerErrorRetries: number;
  /** Bounds of the jittered backoff between retries. */
  readonly retryBaseDelayInMs: number;
  readonly retryMaxDelayInMs: number;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly metrics: GenesysMetrics;
  readonly sleep: (delayInMs: number) => Promise<void>;
  /** Jitter source in [0, 1); default Math.random. */
  readonly random?: () => number;
}

/**
 * The wait when Genesys answers 429 without Retry-After: its SDKs wait 3 s (MyPureCloud/platform-client-sdk-java,
 * build/src/main/java/com/mypurecloud/sdk/v2/ApiClient.java, class `Retry`, retryAfterDefaultMs).
 */
export const DEFAULT_RETRY_AFTER_IN_MS = 3_000;

/**
 * The retry timing both callers use: backoff bounds, the Retry-After cap (also the most one call waits in all), the
 * sleep and the jitter source.
 */
export function retryTimingOf(
  options: GenesysHttpOptions,
): Pick<
  RetryOptions,
  'maxRetryAfterInMs' | 'maxTotalWaitInMs' | 'baseInMs' | 'maxInMs' | 'sleep' | 'random'
> {
  return {
    maxRetryAfterInMs: options.maxRetryAfterInMs,
    maxTotalWaitInMs: options.maxRetryAfterInMs,
    baseInMs: options.retryBaseDelayInMs,
    maxInMs: options.retryMaxDelayInMs,
    sleep: options.sleep,
    random: options.random,
  };
}
