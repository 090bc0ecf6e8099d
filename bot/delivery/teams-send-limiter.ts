import type { Clock } from '../../src/app/ports';
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
  /** Our cap per tenant (TEAMS_TENANT_RPS); Teams allows 50 per app per tenant (teams-platform.md §4). */
  readonly tenantRps?: number;
  /** Longest we wait in process for a slot; longer waits are returned to the caller (the outbox retries). Default 5 s. */
  readonly maxWaitInMs?: number;
  /** Waits real time by default (ending early when the signal aborts); tests pass one that moves a manual clock. */
  readonly sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
}

/**
 * Keeps sends within Teams limits: per conversation 7/1 s, 8/2 s, 60/30 s, 1800/h, and per tenant `tenantRps`/s;
 * a 429's Retry-After pauses the whole tenant (as Company Communicator does with its global throttled flag).
 */
export class TeamsSendLimiter {
  private readonly conversations: RateLimiter;
  private readonly tenants = new Map<string, RateLimiter>();
  private readonly maxWaitInMs: number;
  private readonly sleep: (ms: number, signal?: AbortSignal) => Promise<void>;

  constructor(private readonly options: TeamsSendLimiterOptions) {
    this.conversations = new RateLimiter({ clock: options.clock, windows: TEAMS_CONVERSATION_WINDOWS });
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

  /** Holds every send of the tenant until `untilAt` (epoch ms); never shortens a longer pause. */
  pauseTenant(tenantId: string | undefined, untilAt: number): void {
    this.tenant(tenantId ?? '').pauseUntil(untilAt);
  }

  /** End of the tenant's pause (epoch ms), or undefined when it is not paused. */
  pausedUntil(tenantId: string | undefined): number | undefined {
    return this.tenant(tenantId ?? '').pausedUntil();
  }

  private tenant(tenantId: string): RateLimiter {
    let limiter = this.tenants.get(tenantId);
    if (limiter === undefined) {
      limiter = new RateLimiter({
        clock: this.options.clock,
        windows: teamsTenantWindows(this.options.tenantRps ?? 50),
      });
      this.tenants.set(tenantId, limiter);
    }
    return limiter;
  }
}
