import type { Clock } from './clock';

/** At most `limit` takes in any `windowMs` stretch of time. */
export interface RateWindow {
  readonly limit: number;
  readonly windowMs: number;
}

/**
 * Teams, per bot and conversation, for "send to conversation" and "create conversation"
 * (https://learn.microsoft.com/microsoftteams/platform/bots/how-to/rate-limit).
 */
export const TEAMS_CONVERSATION_WINDOWS: readonly RateWindow[] = Object.freeze([
  { limit: 7, windowMs: 1_000 },
  { limit: 8, windowMs: 2_000 },
  { limit: 60, windowMs: 30_000 },
  { limit: 1_800, windowMs: 3_600_000 },
]);

/**
 * Teams, per app and tenant: 50 requests per second
 * (https://learn.microsoft.com/microsoftteams/platform/bots/how-to/rate-limit); pass a lower rate to keep
 * headroom.
 */
export function teamsTenantWindows(requestsPerSecond = 50): readonly RateWindow[] {
  return Object.freeze([{ limit: requestsPerSecond, windowMs: 1_000 }]);
}

/**
 * Genesys Cloud, per access token: 300 requests per minute (`token.rate.per.minute`, Genesys Cloud limits,
 * developer.genesys.cloud/api/rest/v2/organization/limits).
 */
export const GENESYS_TOKEN_WINDOWS: readonly RateWindow[] = Object.freeze([{ limit: 300, windowMs: 60_000 }]);

/** Options of {@link RateLimiter}. */
export interface RateLimiterOptions {
  readonly clock: Clock;
  /** Every window applies to each key at once. */
  readonly windows: readonly RateWindow[];
}

/**
 * Exact sliding-window rate limiter over several windows at once, per key (e.g. per conversation), plus a
 * pause for all keys after a service-wide 429. Each key keeps the instants of its last `max(limit)` takes, so a
 * check is O(number of windows). Time comes only from the injected clock; nothing waits or sets timers.
 */
export class RateLimiter {
  private readonly clock: Clock;
  private readonly windows: readonly RateWindow[];
  private readonly capacity: number;
  private readonly longestWindowInMs: number;
  private readonly logs = new Map<string, number[]>();
  private pausedUntilAt = Number.NEGATIVE_INFINITY;
  private lastSweepAt = Number.NEGATIVE_INFINITY;

  constructor(options: RateLimiterOptions) {
    if (options.windows.length === 0) throw new RangeError('a rate limiter needs at least one window');
    for (const window of options.windows) {
      if (!Number.isInteger(window.limit) || window.limit < 1 || !(window.windowMs > 0)) {
        throw new RangeError(
          `bad rate window ${JSON.stringify(window)}: limit must be a positive integer and windowMs positive`,
        );
      }
    }
    this.clock = options.clock;
    this.windows = [...options.windows];
    this.capacity = Math.max(...this.windows.map((w) => w.limit));
    this.longestWindowInMs = Math.max(...this.windows.map((w) => w.windowMs));
  }

  /**
   * Takes one slot for `key` if every window allows it and returns 0; otherwise takes nothing and returns the
   * ms to wait.
   */
  tryTake(key = ''): number {
    const now = this.clock.now();
    this.sweep(now);
    const wait = this.waitAt(key, now);
    if (wait > 0) return wait;
    let log = this.logs.get(key);
    if (log === undefined) {
      log = [];
      this.logs.set(key, log);
    }
    log.push(now);
    // Only the newest `capacity` takes can decide any window.
    if (log.length > this.capacity) log.splice(0, log.length - this.capacity);
    return 0;
  }

  /** Milliseconds until `key` could take a slot (0 = now), without taking one. */
  waitMs(key = ''): number {
    return this.waitAt(key, this.clock.now());
  }

  /**
   * Holds every key until `at` (epoch ms), e.g. after a 429 with Retry-After; an earlier pause never shortens a
   * later one.
   */
  pauseUntil(at: number): void {
    if (at > this.pausedUntilAt) this.pausedUntilAt = at;
  }

  /** Instant (epoch ms) the current pause ends, or undefined when not paused. */
  pausedUntil(): number | undefined {
    return this.pausedUntilAt > this.clock.now() ? this.pausedUntilAt : undefined;
  }

  private waitAt(key: string, now: number): number {
    let wait = Math.max(0, this.pausedUntilAt - now);
    const log = this.logs.get(key);
    if (log === undefined) return wait;
    for (const window of this.windows) {
      if (log.length < window.limit) continue;
      // The take that must leave the window before another fits: the limit-th newest.
      const oldestCounted = log[log.length - window.limit];
      wait = Math.max(wait, oldestCounted + window.windowMs - now);
    }
    return wait;
  }

  /**
   * Forgets keys idle for longer than the longest window, at most once per longest window, so memory follows
   * active keys.
   */
  private sweep(now: number): void {
    if (now - this.lastSweepAt < this.longestWindowInMs) return;
    this.lastSweepAt = now;
    for (const [key, log] of this.logs) {
      if (log[log.length - 1] + this.longestWindowInMs <= now) this.logs.delete(key);
    }
  }
}

/**
 * Takes one slot from each (limiter, key) pair only if all of them allow it, so a refusal by one (e.g. the
 * tenant limiter) does not spend the others (the conversation's). Returns 0 when taken, else the ms to wait.
 */
export function tryTakeAll(takes: readonly (readonly [RateLimiter, string])[]): number {
  const wait = Math.max(0, ...takes.map(([limiter, key]) => limiter.waitMs(key)));
  if (wait > 0) return wait;
  for (const [limiter, key] of takes) limiter.tryTake(key);
  return 0;
}
