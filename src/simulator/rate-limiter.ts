/** The verdict for one request, with the numbers behind the `inin-ratelimit-*` headers. */
export interface RateDecision {
  readonly allowed: boolean;
  readonly count: number;
  readonly limit: number;
  readonly resetInSeconds: number;
}

interface Window {
  startedAt: number;
  count: number;
}

/**
 * Fixed one-minute windows per key (a token, or a client for token requests), measured on the wall clock
 * because Genesys limits are real time (`token.rate.per.minute` = 300, Genesys Cloud limits,
 * developer.genesys.cloud/api/rest/v2/organization/limits).
 * UNCONFIRMED: Genesys's exact window algorithm; fixed windows match the `inin-ratelimit-reset` header.
 */
export class RateLimiter {
  private readonly windows = new Map<string, Window>();

  constructor(
    private readonly limitPerMinute: number,
    private readonly now: () => number,
  ) {}

  /** Counts one request for `key` and says whether it is within the limit. */
  take(key: string): RateDecision {
    const now = this.now();
    let window = this.windows.get(key);
    if (!window || now - window.startedAt >= 60_000) {
      window = { startedAt: now, count: 0 };
      this.windows.set(key, window);
    }
    window.count += 1;
    const resetInSeconds = Math.max(1, Math.ceil((window.startedAt + 60_000 - now) / 1000));
    return {
      allowed: window.count <= this.limitPerMinute,
      count: window.count,
      limit: this.limitPerMinute,
      resetInSeconds,
    };
  }
}
