/**
 * Decides which management units this instance processes (timers, sends, state changes from observations). In
 * production it is the unit leases ({@link UnitOwnership} in unit-ownership.ts); the DriftMonitor and its outbox
 * dispatcher ask it and keep no ownership state of their own.
 */
export interface UnitGate {
  /** True while this instance processes the unit. */
  ownsUnit(managementUnitId: string): boolean;
  /** The unit vanished from Genesys: nobody processes it here from now on, and its lease (if any) is handed back. */
  handBack(managementUnitId: string): Promise<void>;
}

/** The gate of an instance that runs alone (no leases: tests, replay, simulation): every unit until handed back. */
export class EveryUnitGate implements UnitGate {
  private readonly handedBack = new Set<string>();

  ownsUnit(managementUnitId: string): boolean {
    return !this.handedBack.has(managementUnitId);
  }

  handBack(managementUnitId: string): Promise<void> {
    this.handedBack.add(managementUnitId);
    return Promise.resolve();
  }
}
