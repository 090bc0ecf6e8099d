import { LeaseCoordinator, type LeaseCoordinatorOptions } from './lease-coordinator';
import type { Logger } from '../platform/logger';
import type { UnitGate } from './unit-gate';
import { describeError } from '../platform/describe-error';

/** What processes a unit's drift work once this instance owns it; the DriftMonitor implements it. */
export interface UnitProcessor {
  /** Starts processing the unit: `catchUp` (the Genesys restore) runs first, then stored work is re-armed. */
  adoptUnit(managementUnitId: string, catchUp?: () => Promise<unknown>): Promise<unknown>;
  releaseUnit(managementUnitId: string): void;
}

/** Ports and settings of {@link UnitOwnership}: the {@link LeaseCoordinator}'s, whose callbacks it supplies, plus its own. */
export interface UnitOwnershipOptions extends Omit<LeaseCoordinatorOptions, 'onAcquired' | 'onLost'> {
  /**
   * Catches up with Genesys after an adoption: fetches the unit's current adherence and hands it to the monitor as
   * `restore` observations (the Genesys client's `restoreUnit`). Absent: no catch-up beyond the stored state.
   */
  readonly restoreUnit?: (managementUnitId: string) => Promise<unknown>;
  /** Delay before a failed adoption or restore is tried again while the unit is still ours; default 5 s. */
  readonly retryInMs?: number;
}

/**
 * Shares the management units among running instances: a lease per unit (LeaseCoordinator); on taking a lease,
 * Genesys restores the unit's current adherence and then the processor adopts the unit (stored state, re-armed checks,
 * pending alerts); on losing one the processor releases the unit at once. It is the one gate on who processes a unit:
 * pass it to the DriftMonitor as `units`.
 */
export class UnitOwnership implements UnitGate {
  readonly coordinator: LeaseCoordinator;
  private readonly log: Logger;
  private readonly retryInMs: number;
  private readonly running = new Set<Promise<unknown>>();
  private processor: UnitProcessor | undefined;
  private unitIds: readonly string[];

  constructor(private readonly options: UnitOwnershipOptions) {
    this.log = options.logger.child({ component: 'unit-ownership', instanceId: options.instanceId });
    this.retryInMs = options.retryInMs ?? 5_000;
    this.unitIds = [...options.unitIds];
    this.coordinator = new LeaseCoordinator({
      ...options,
      onAcquired: (unitId) => this.adopt(unitId),
      onLost: (unitId) => this.release(unitId),
    });
  }

  /** True while this instance holds the unit's lease. */
  readonly ownsUnit = (managementUnitId: string): boolean => this.coordinator.owns(managementUnitId);

  /** Starts taking leases; each unit taken is adopted by `processor`. */
  start(processor: UnitProcessor): void {
    this.processor = processor;
    this.coordinator.start();
  }

  /** First step of a drain: takes no new unit (units held stay held and renewed until {@link stop}). */
  async stopAcquiring(): Promise<void> {
    await this.coordinator.stopAcquiring();
  }

  /** Stops renewing, releases every unit (processor first, then the leases, so another instance takes over at once). */
  async stop(): Promise<void> {
    await this.coordinator.stop();
    for (const unitId of this.unitIds) this.options.scheduler.cancel(retryKey(unitId));
    await this.idle();
  }

  /**
   * Replaces the units shared among instances (units found or gone in Genesys): new ones are leased from the next round
   * on, and a removed one is released by the processor first, then its lease handed back.
   */
  async setUnitIds(unitIds: readonly string[]): Promise<void> {
    for (const unitId of this.unitIds)
      if (!unitIds.includes(unitId)) this.options.scheduler.cancel(retryKey(unitId));
    this.unitIds = [...unitIds];
    await this.coordinator.setUnitIds(unitIds);
  }

  /** The unit vanished from Genesys: it is no longer shared, and its lease (if held) is released by the processor first. */
  async handBack(managementUnitId: string): Promise<void> {
    if (this.unitIds.includes(managementUnitId))
      await this.setUnitIds(this.unitIds.filter((unitId) => unitId !== managementUnitId));
  }

  /** Resolves when no adoption or restore is running. */
  async idle(): Promise<void> {
    await this.coordinator.settled();
    while (this.running.size > 0) await Promise.allSettled([...this.running]);
  }

  private adopt(unitId: string): void {
    const work = this.adoptAndRestore(unitId);
    this.running.add(work);
    void work.finally(() => this.running.delete(work));
  }

  private async adoptAndRestore(unitId: string): Promise<void> {
    const processor = this.processor;
    if (processor === undefined || !this.ownsUnit(unitId)) return;
    try {
      const restore = this.options.restoreUnit;
      await processor.adoptUnit(unitId, restore === undefined ? undefined : () => restore(unitId));
    } catch (error) {
      this.log.error(
        { managementUnitId: unitId, err: describeError(error), retryInMs: this.retryInMs },
        'unit adoption failed; retrying while the lease is ours',
      );
      this.options.scheduler.schedule(retryKey(unitId), this.options.clock.now() + this.retryInMs, () =>
        this.adopt(unitId),
      );
    }
  }

  private release(unitId: string): void {
    this.options.scheduler.cancel(retryKey(unitId));
    this.processor?.releaseUnit(unitId);
  }
}

function retryKey(unitId: string): string {
  return `job:unitAdoption:${unitId}`;
}
