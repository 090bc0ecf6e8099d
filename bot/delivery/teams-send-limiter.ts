import type { Clock } from '../../src/platform/clock';
import type { RateWindow } from '../../src/platform/rate-limiter';
import {
  RateLimiter,
  TEAMS_CONVERSATION_WINDOWS,
  teamsTenantWindows,
  tryTakeAll,
} from '../../src/platform/rate-limiter';
import { sleep as realSleep } from '../../src/platform/timers';

/** Options of a {@link TeamsSendLimiter}. */
export interface TeamsSendLimiterOptions {
  readonly clock: Clock;
  /** Our cap per tenant (TEAMS_TENANT_RPS); Teams allows 50 per app per tenant. */
  readonly tenantRps?: number;
  /**
   * TEAMS_JITTER_ALLOWANCE: Teams counts requests as they arrive, and network delay varies, so requests spaced
   * to exactly 50/s can arrive 53 in one second. Each limit is kept over its window plus this, so no window at Teams
   * sees more than the limit while the spread of delays stays within it. Default 500 ms.
   */
  readonly jitterAllowanceInMs?: number;
  /** Longest we wait in process for a slot; longer waits are returned to the caller (the outbox retries). Default 5 s. */
  readonly maxWaitInMs?: number;
  /** Waits real time by default (ending early when the signal aborts); tests pass one that moves a manual clock. */
  readonly sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
}

/**
 * Share of the tenant budget bulk work may use (welcomes of an admin's mass install): nudges, alerts, card updates and
 * command answers keep the rest, so a bulk install never holds up a drift alert.
 */
const BULK_SHARE = 0.6;

/** Default {@link TeamsSendLimiterOptions.jitterAllowanceInMs}. */
const DEFAULT_JITTER_ALLOWANCE_MS = 500;

/**
 * Keeps every Teams call within Teams limits as Teams counts them (learn.microsoft.com/microsoftteams/platform/bots/
 * how-to/rate-limit): per conversation 7/1 s, 8/2 s, 60/30 s, 1800/h, and per tenant `tenantRps`/s, each window
 * widened by the jitter allowance; a 429's Retry-After pauses the whole tenant (as Company Communicator does with
 * its global throttled flag). Proactive sends, card updates, welcomes, command replies and roster reads share it.
 */
export class TeamsSendLimiter {
  private readonly conversations: RateLimiter;
  private readonly tenants = new Map<string, RateLimiter>();
  private readonly bulkByTenant = new Map<string, RateLimiter>();
  private readonly maxWaitInMs: number;
  private readonly jitterAllowanceInMs: number;
  private readonly sleep: (ms: number, signal?: AbortSignal) => Promise<void>;

  constructor(private readonly options: TeamsSendLimiterOptions) {
    this.jitterAllowanceInMs = options.jitterAllowanceInMs ?? DEFAULT_JITTER_ALLOWANCE_MS;
    this.conversations = new RateLimiter({
      clock: options.clock,
      windows: widen(TEAMS_CONVERSATION_WINDOWS, this.jitterAllowanceInMs),
    });
    this.maxWaitInMs = options.maxWaitInMs ?? 5_000;
    this.sleep = options.sleep ?? realSleep;
  }

  /**
   * Takes a slot for the conversation and tenant, waiting up to maxWaitInMs; returns 0 when taken, else the ms still to
   * wait. An aborted `signal` (the sender is draining) ends the wait at once without taking a slot.
   */
  async acquire(conversationKey: string, tenantId = '', signal?: AbortSignal): Promise<number> {
    for (let attempt = 0; attempt < 20; attempt += 1) {
      const wait = tryTakeAll([
        [this.conversations, conversationKey],
        [this.tenant(tenantId), ''],
      ]);
      if (wait === 0) return 0;
      if (wait > this.maxWaitInMs || signal?.aborted) return wait;
      await this.sleep(wait, signal);
      if (signal?.aborted) return Math.max(1, wait);
    }
    return Math.max(1, this.conversations.waitMs(conversationKey), this.tenant(tenantId).waitMs(''));
  }

  /**
   * Waits (through `sleep`) until the conversation and tenant both have a slot and takes it: true when taken, false
   * when none came within `maxWaitInMs` or `isCancelled()` turned true. For calls that must go out in order of
   * arrival but may wait: welcomes, command replies, roster reads.
   */
  async take(
    conversationKey: string,
    tenantId = '',
    options: {
      readonly maxWaitInMs?: number;
      readonly isCancelled?: () => boolean;
      /** Bulk work (welcomes of a mass install) may use only {@link BULK_SHARE} of the tenant budget. */
      readonly isBulk?: boolean;
    } = {},
  ): Promise<boolean> {
    const maxWaitInMs = options.maxWaitInMs ?? Number.POSITIVE_INFINITY;
    let waited = 0;
    for (;;) {
      if (options.isCancelled?.()) return false;
      const wait = tryTakeAll([
        [this.conversations, conversationKey],
        [this.tenant(tenantId), ''],
        ...(options.isBulk ? [[this.bulk(tenantId), ''] as const] : []),
      ]);
      if (wait === 0) return true;
      if (waited + wait > maxWaitInMs) return false;
      await this.sleep(wait);
      waited += wait;
    }
  }

  /** Holds every send of the tenant until `untilAt` (epoch ms); never shortens a longer pause. */
  pauseTenant(tenantId: string | undefined, untilAt: number): void {
    this.tenant(tenantId ?? '').pauseUntil(untilAt);
  }

  /** End of the tenant's pause (epoch ms), or undefined when it is not paused. */
  pausedUntil(tenantId: string | undefined): number | undefined {
    return this.tenant(tenantId ?? '').pausedUntil();
  }

  private bulk(tenantId: string): RateLimiter {
    let limiter = this.bulkByTenant.get(tenantId);
    if (limiter === undefined) {
      const share = Math.max(1, Math.floor((this.options.tenantRps ?? 50) * BULK_SHARE));
      limiter = new RateLimiter({
        clock: this.options.clock,
        windows: widen(teamsTenantWindows(share), this.jitterAllowanceInMs),
      });
      this.bulkByTenant.set(tenantId, limiter);
    }
    return limiter;
  }

  private tenant(tenantId: string): RateLimiter {
    let limiter = this.tenants.get(tenantId);
    if (limiter === undefined) {
      limiter = new RateLimiter({
        clock: this.options.clock,
        windows: widen(teamsTenantWindows(this.options.tenantRps ?? 50), this.jitterAllowanceInMs),
      });
      this.tenants.set(tenantId, limiter);
    }
    return limiter;
  }
}

/** The same limits counted over windows longer by `allowanceInMs`. */
function widen(windows: readonly RateWindow[], allowanceInMs: number): RateWindow[] {
  return windows.map((window) => ({ limit: window.limit, windowMs: window.windowMs + allowanceInMs }));
}
