/**
 * Abort signals per management unit on top of one for everything: a send waiting (for a Teams turn) ends unsent when
 * its sender stops or loses the unit to another replica.
 */
export class UnitStopSignals {
  private readonly all = new AbortController();
  private readonly units = new Map<string, AbortController>();

  /** The signal that aborts when everything stops or the unit is lost. */
  of(managementUnitId: string): AbortSignal {
    let unit = this.units.get(managementUnitId);
    if (unit === undefined) {
      unit = new AbortController();
      this.units.set(managementUnitId, unit);
    }
    return AbortSignal.any([this.all.signal, unit.signal]);
  }

  /** The unit was lost: its waiting sends end. */
  stopUnit(managementUnitId: string): void {
    this.units.get(managementUnitId)?.abort();
    this.units.delete(managementUnitId);
  }

  /** Everything stops. */
  stopAll(): void {
    this.all.abort();
  }
}
