import type { Clock, Scheduler } from '../platform/clock';
import type { Logger } from '../platform/logger';
import type { Lease, LeaseStore } from './ports/lease-store';

/** Dependencies and settings of {@link LeaseCoordinator}. */
export interface LeaseCoordinatorOptions {
  readonly leases: LeaseStore;
  readonly clock: Clock;
  readonly scheduler: Scheduler;
  readonly logger: Logger;
  /** This instance's name (`INSTANCE_ID`), the lease owner. */
  readonly instanceId: string;
  /** The management units to hold leases on. */
  readonly unitIds: readonly string[];
  /** Lease lifetime, default 20 s: another instance takes over at most ttl + renew period after a crash. */
  readonly ttlMs?: number;
  /** Time between acquire/renew rounds, default 5 s. */
  readonly renewEveryMs?: number;
  /**
   * While this instance does not hold every unit: how often it looks for a lease that was released (a draining
   * replica hands its units back) or ran out, and takes it at once instead of at its next round; default 500 ms,
   * 0 = off. One look is one query of the `lease` partition (a single storage transaction for up to 1,000 units), so a
   * replica standing by costs about 172,800 Table transactions a day; an acquire round per look would cost one read
   * per unit instead, and a shorter lease lifetime more renewals for every unit all the time.
   */
  readonly watchEveryMs?: number;
  /** Called when this instance starts owning a unit (restore its state, then process it). */
  readonly onAcquired?: (unitId: string) => void;
  /** Called when this instance stops owning a unit (stop processing it at once). */
  readonly onLost?: (unitId: string) => void;
}

const schedulerKey = 'job:leaseCoordinator';
const watchKey = 'job:leaseCoordinator:watch';

/**
 * Keeps this instance's leases on management units: acquires free or expired ones and renews its own every few
 * seconds, so each unit is processed by one instance; `owns` turns false as soon as a renewal fails or the lease
 * runs out. While it lacks some unit it watches for released leases, so a draining replica's units move at once.
 */
export class LeaseCoordinator {
  private readonly ttlMs: number;
  private readonly renewEveryMs: number;
  private readonly watchEveryMs: number;
  private readonly logger: Logger;
  private readonly held = new Map<string, Lease>();
  private unitIds: readonly string[];
  private isStarted = false;
  /** False once draining: rounds only renew what is held, nothing new is taken. */
  private isAcquiring = true;
  private isWatching = false;
  private round: Promise<void> | undefined;

  constructor(private readonly options: LeaseCoordinatorOptions) {
    this.ttlMs = options.ttlMs ?? 20_000;
    this.renewEveryMs = options.renewEveryMs ?? 5_000;
    this.watchEveryMs = options.watchEveryMs ?? 500;
    this.unitIds = [...options.unitIds];
    this.logger = options.logger.child({ component: 'leaseCoordinator', instanceId: options.instanceId });
    if (this.renewEveryMs >= this.ttlMs)
      throw new Error('LeaseCoordinator: renewEveryMs must be shorter than ttlMs');
  }

  /** Starts a round now and one every renew period, and the watch for released leases; idempotent. */
  start(): void {
    if (this.isStarted) return;
    this.isStarted = true;
    this.scheduleAt(this.options.clock.now());
    if (this.watchEveryMs > 0) this.scheduleWatch(this.options.clock.now() + this.watchEveryMs);
  }

  /**
   * First step of a drain: takes no new unit from now on (rounds only renew the units held, the watch stops) and
   * resolves once a round in progress has finished, so every unit this instance will hold is reported by then.
   */
  async stopAcquiring(): Promise<void> {
    this.isAcquiring = false;
    this.options.scheduler.cancel(watchKey);
    await this.settled();
  }

  /** Stops renewing, reports every held unit as lost and releases its lease so another instance takes over at once. */
  async stop(): Promise<void> {
    this.isStarted = false;
    this.isAcquiring = false;
    this.options.scheduler.cancel(schedulerKey);
    this.options.scheduler.cancel(watchKey);
    await this.settled();
    const units = [...this.held.keys()];
    for (const unitId of units) this.lose(unitId, 'stopped');
    await Promise.all(
      units.map((unitId) =>
        this.options.leases
          .release(unitId, this.options.instanceId)
          .catch((error: unknown) =>
            this.logger.warn({ err: error, unitId }, 'lease release failed; it will expire'),
          ),
      ),
    );
  }

  /** True while this instance holds an unexpired lease on the unit. */
  owns(unitId: string): boolean {
    const lease = this.held.get(unitId);
    return lease !== undefined && this.options.clock.now() < lease.expiresAt;
  }

  /** The units this instance holds now. */
  ownedUnitIds(): string[] {
    return [...this.held.keys()].filter((unitId) => this.owns(unitId));
  }

  /** Replaces the set of units (after discovery); leases on removed units are reported lost and released. */
  async setUnitIds(unitIds: readonly string[]): Promise<void> {
    this.unitIds = [...unitIds];
    const removed = [...this.held.keys()].filter((unitId) => !unitIds.includes(unitId));
    for (const unitId of removed) this.lose(unitId, 'unit removed');
    await Promise.all(
      removed.map((unitId) =>
        this.options.leases.release(unitId, this.options.instanceId).catch(() => undefined),
      ),
    );
  }

  /** One acquire/renew round over every unit (only the held ones once draining); rounds never overlap. */
  runOnce(): Promise<void> {
    this.round ??= this.acquireAll().finally(() => {
      this.round = undefined;
    });
    return this.round;
  }

  /**
   * One look for free leases (released, expired or never taken) among the units this instance lacks; takes them at
   * once when there are some. Skipped while a round runs (it tries every unit anyway) or when every unit is held.
   */
  async watchOnce(): Promise<void> {
    if (!this.isAcquiring || this.isWatching || this.round !== undefined) return;
    const lacking = this.unitIds.filter((unitId) => !this.owns(unitId));
    if (lacking.length === 0) return;
    this.isWatching = true;
    try {
      const holders = new Map<string, Lease>();
      for await (const lease of this.options.leases.list()) holders.set(lease.resource, lease);
      const now = this.options.clock.now();
      const free = lacking.filter((unitId) => {
        const lease = holders.get(unitId);
        return lease === undefined || lease.expiresAt <= now || lease.owner === this.options.instanceId;
      });
      if (free.length > 0 && this.isAcquiring && this.round === undefined) {
        this.round = this.acquireSome(free).finally(() => {
          this.round = undefined;
        });
        await this.round;
      }
    } finally {
      this.isWatching = false;
    }
  }

  /** Resolves when the round in progress, if any, has finished. */
  async settled(): Promise<void> {
    await this.round;
  }

  private async acquireAll(): Promise<void> {
    const unitIds = this.isAcquiring ? this.unitIds : this.unitIds.filter((unitId) => this.held.has(unitId));
    await this.acquireSome(unitIds);
  }

  private async acquireSome(unitIds: readonly string[]): Promise<void> {
    await Promise.all(unitIds.map((unitId) => this.acquireOne(unitId)));
  }

  private async acquireOne(unitId: string): Promise<void> {
    const now = this.options.clock.now();
    let lease: Lease | undefined;
    try {
      lease = await this.options.leases.acquire(unitId, this.options.instanceId, this.ttlMs, now);
    } catch (error) {
      // Storage unreachable: keep a lease we still hold until it runs out (owns() checks the expiry meanwhile).
      this.logger.warn({ err: error, unitId }, 'lease acquire/renew failed');
      const current = this.held.get(unitId);
      if (current && this.options.clock.now() >= current.expiresAt)
        this.lose(unitId, 'expired while storage failed');
      return;
    }
    if (!this.unitIds.includes(unitId)) {
      // The unit was removed while this round ran: hand back what we just took.
      if (lease) await this.options.leases.release(unitId, this.options.instanceId).catch(() => undefined);
      return;
    }
    if (lease && !this.isAcquiring && !this.held.has(unitId)) {
      // Taken by a round that began before the drain: hand it straight back.
      await this.options.leases.release(unitId, this.options.instanceId).catch(() => undefined);
      return;
    }
    if (lease) {
      const wasHeld = this.held.has(unitId);
      this.held.set(unitId, lease);
      if (!wasHeld) {
        this.logger.info({ unitId, expiresAt: lease.expiresAt }, 'lease acquired');
        this.options.onAcquired?.(unitId);
      }
    } else if (this.held.has(unitId)) {
      this.lose(unitId, 'taken by another instance');
    }
  }

  private lose(unitId: string, reason: string): void {
    if (!this.held.delete(unitId)) return;
    this.logger.warn({ unitId, reason }, 'lease lost');
    this.options.onLost?.(unitId);
  }

  private scheduleWatch(dueAt: number): void {
    this.options.scheduler.schedule(watchKey, dueAt, () => {
      if (!this.isStarted || !this.isAcquiring) return;
      this.scheduleWatch(this.options.clock.now() + this.watchEveryMs);
      void this.watchOnce().catch((error: unknown) =>
        this.logger.debug({ err: error }, 'free-lease watch failed; the next round tries again'),
      );
    });
  }

  private scheduleAt(dueAt: number): void {
    this.options.scheduler.schedule(schedulerKey, dueAt, () => {
      if (!this.isStarted) return;
      this.scheduleAt(this.options.clock.now() + this.renewEveryMs);
      void this.runOnce().catch((error: unknown) => this.logger.error({ err: error }, 'lease round failed'));
    });
  }
}
