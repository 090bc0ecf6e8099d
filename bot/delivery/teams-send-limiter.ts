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
   * TEAMS_JITTER_ALLOWANCE: Teams counts requests as they arrive, and network delay varies, so requests spaced to
   * exactly 50/s can arrive 51 in one second. Each limit is kept over its window plus this, and the tenant's sends are
   * spaced evenly across that (one every (1 s + allowance) / cap), so no second at Teams sees more than the cap while
   * the spread of delays stays within the allowance. Default 50 ms: 47.6 sends/s, 0.95 of the cap.
   */
  readonly jitterAllowanceInMs?: number;
  /**
   * Longest a proactive send waits in process for its turn (default 30 s); a send further back in the line is told
   * how long its turn is off (the outbox retries it then), so a burst spreads out instead of retrying all at once.
   */
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
const DEFAULT_JITTER_ALLOWANCE_MS = 50;

/** How long before its turn a send told to come back later is told to come back (at most a tenth of the longest wait). */
const RETURN_LEAD_MS = 3_000;

/** Sends the tenant's pacing lets go together (then one per spacing again): 10 in any 210 ms at the default cap. */
const PACING_BURST = 10;

/** A proactive send waiting for its turn in its tenant's line. */
interface Waiter {
  readonly conversationKey: string;
  readonly deadlineAt: number;
  /** Ends the wait: 0 = the slot was taken, else the ms still to wait (nothing taken). */
  readonly settle: (wait: number) => void;
}

/** The sends of one tenant waiting in order of arrival, served by one loop at the tenant's pace. */
interface Line {
  readonly waiters: Waiter[];
  isServing: boolean;
  /** The latest turn told to a send that did not wait for it (epoch ms): the next one told is a spacing later. */
  toldUntil: number;
  /** Ends the serving loop's wait for a conversation at its limit: a send that came meanwhile may go at once. */
  wake?: () => void;
}

/**
 * Keeps every Teams call within Teams limits as Teams counts them (https://learn.microsoft.com/microsoftteams/platform/
 * bots/how-to/rate-limit): per conversation 7/1 s, 8/2 s, 60/30 s, 1800/h, and per tenant `tenantRps`/s, each window
 * widened by the jitter allowance and the tenant's sends spaced evenly across it; a 429's Retry-After pauses the whole
 * tenant (as Company Communicator does with its global throttled flag). Proactive sends wait in one line per tenant,
 * served in order of arrival at the tenant's pace (a send whose conversation is at its own limit lets the next ones
 * by), so thousands of sends due at once go out at the cap without each polling for a slot. Proactive sends, card
 * updates, welcomes, command replies and roster reads share the budget.
 */
export class TeamsSendLimiter {
  private readonly conversations: RateLimiter;
  private readonly tenants = new Map<string, RateLimiter>();
  private readonly bulkByTenant = new Map<string, RateLimiter>();
  private readonly lines = new Map<string, Line>();
  private readonly maxWaitInMs: number;
  private readonly jitterAllowanceInMs: number;
  private readonly sleep: (ms: number, signal?: AbortSignal) => Promise<void>;

  constructor(private readonly options: TeamsSendLimiterOptions) {
    this.jitterAllowanceInMs = options.jitterAllowanceInMs ?? DEFAULT_JITTER_ALLOWANCE_MS;
    this.conversations = new RateLimiter({
      clock: options.clock,
      windows: widen(TEAMS_CONVERSATION_WINDOWS, this.jitterAllowanceInMs),
    });
    this.maxWaitInMs = options.maxWaitInMs ?? 30_000;
    this.sleep = options.sleep ?? realSleep;
  }

  /**
   * Takes a slot for the conversation and tenant in the tenant's line, waiting up to maxWaitInMs; returns 0 when taken,
   * else the ms until its turn would come (nothing taken). An aborted `signal` (the sender is draining, or its unit
   * went to another replica) ends the wait at once without taking a slot.
   */
  acquire(conversationKey: string, tenantId = '', signal?: AbortSignal): Promise<number> {
    const line = this.line(tenantId);
    if (line.waiters.length === 0) {
      const wait = this.tryTake(conversationKey, tenantId);
      if (wait === 0) return Promise.resolve(0);
      if (wait > this.maxWaitInMs || signal?.aborted) return Promise.resolve(wait);
    }
    const turnInMs = this.turnInMs(tenantId, line.waiters.length + 1);
    if (signal?.aborted) return Promise.resolve(Math.max(1, turnInMs));
    if (turnInMs > this.maxWaitInMs) return Promise.resolve(this.tell(line, turnInMs));
    return new Promise<number>((resolve) => {
      const onAbort = (): void => {
        const index = line.waiters.indexOf(waiter);
        if (index >= 0) line.waiters.splice(index, 1);
        resolve(Math.max(1, this.turnInMs(tenantId, index + 1)));
      };
      const waiter: Waiter = {
        conversationKey,
        deadlineAt: this.options.clock.now() + this.maxWaitInMs,
        settle: (wait) => {
          signal?.removeEventListener('abort', onAbort);
          resolve(wait);
        },
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      line.waiters.push(waiter);
      if (!line.isServing) void this.serve(tenantId, line);
      else line.wake?.();
    });
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

  /** Serves the tenant's line in order at the tenant's pace until it is empty. */
  private async serve(tenantId: string, line: Line): Promise<void> {
    line.isServing = true;
    try {
      while (line.waiters.length > 0) {
        const tenantWait = this.tenant(tenantId).waitMs('');
        if (tenantWait > 0) {
          this.settleOverdue(tenantId, line, tenantWait);
          if (line.waiters.length > 0) await this.sleep(tenantWait);
          continue;
        }
        // The first send whose conversation has room; a conversation at its limit holds only its own sends, however
        // many of them wait ahead (each conversation is asked once a round).
        let shortestWait = Number.POSITIVE_INFINITY;
        let served = false;
        const atLimit = new Set<string>();
        for (let index = 0; index < line.waiters.length; index += 1) {
          const waiter = line.waiters[index];
          if (atLimit.has(waiter.conversationKey)) continue;
          const wait = this.tryTake(waiter.conversationKey, tenantId);
          if (wait === 0) {
            line.waiters.splice(index, 1);
            waiter.settle(0);
            served = true;
            break;
          }
          shortestWait = Math.min(shortestWait, wait);
          atLimit.add(waiter.conversationKey);
        }
        if (!served) {
          this.settleOverdue(tenantId, line, shortestWait);
          // Every send waiting is held by its conversation: wait for the first to have room, or for a new send.
          if (line.waiters.length > 0)
            await new Promise<void>((resolve) => {
              line.wake = resolve;
              void this.sleep(shortestWait).then(resolve);
            });
          line.wake = undefined;
        } else if (line.waiters.length > 0) {
          // The line lets its sends go one per spacing, never several together: a clump written at once and held up
          // at once (a busy event loop, a garbage collection) would reach Teams with the next ones in the same second.
          await this.sleep(this.spacingInMs());
        }
      }
    } finally {
      line.isServing = false;
    }
  }

  /** Tells the waiters whose wait would pass their deadline after `waitInMs` more how long their turn is off. */
  private settleOverdue(tenantId: string, line: Line, waitInMs: number): void {
    const at = this.options.clock.now() + waitInMs;
    const overdue = line.waiters.filter((waiter) => waiter.deadlineAt < at);
    if (overdue.length === 0) return;
    const turns = new Map(line.waiters.map((waiter, index) => [waiter, index + 1]));
    line.waiters.splice(0, line.waiters.length, ...line.waiters.filter((waiter) => waiter.deadlineAt >= at));
    // In line order, so the retries come back in the order they first asked.
    for (const waiter of overdue)
      waiter.settle(this.tell(line, waitInMs + this.turnInMs(tenantId, turns.get(waiter) ?? 1)));
  }

  /**
   * The wait to tell a send that will not wait in the line: its turn, or a spacing after the last turn told, so sends
   * told at once come back one after another instead of all together.
   */
  private tell(line: Line, turnInMs: number): number {
    const now = this.options.clock.now();
    const at = Math.max(now + turnInMs, line.toldUntil + this.spacingInMs());
    line.toldUntil = at;
    // It comes back a little before its turn (its retry reads and claims its row first), to wait in the line for it:
    // coming back on the turn itself left the line idle while the retries were on their way.
    const lead = Math.min(RETURN_LEAD_MS, this.maxWaitInMs / 10);
    return Math.max(1, Math.ceil(at - now - lead));
  }

  /** Takes a slot of the conversation and the tenant when both allow it (0), else the ms to wait. */
  private tryTake(conversationKey: string, tenantId: string): number {
    return tryTakeAll([
      [this.conversations, conversationKey],
      [this.tenant(tenantId), ''],
    ]);
  }

  /** About how long until the `position`-th send of the tenant's line (1 = next) gets its turn. */
  private turnInMs(tenantId: string, position: number): number {
    return this.tenant(tenantId).waitMs('') + (position - 1) * this.spacingInMs();
  }

  /** The even spacing of the tenant's sends: (1 s + allowance) / cap. */
  private spacingInMs(): number {
    return (1_000 + this.jitterAllowanceInMs) / (this.options.tenantRps ?? 50);
  }

  private line(tenantId: string): Line {
    let line = this.lines.get(tenantId);
    if (line === undefined) {
      line = { waiters: [], isServing: false, toldUntil: Number.NEGATIVE_INFINITY };
      this.lines.set(tenantId, line);
    }
    return line;
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
      const rps = this.options.tenantRps ?? 50;
      limiter = new RateLimiter({
        clock: this.options.clock,
        windows: [
          ...widen(teamsTenantWindows(rps), this.jitterAllowanceInMs),
          // Evenly spaced, ten at a time: a burst of `rps` at once, then silence, would let a delay spread crowd one
          // second; a handful together (a reply, its card update, an install's roster reads) need not wait.
          { limit: PACING_BURST, windowMs: PACING_BURST * this.spacingInMs() },
        ],
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
