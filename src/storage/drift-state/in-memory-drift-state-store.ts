import type { AgentKey, DriftStateStore, Modification } from '../../app/ports/drift-state-store';
import type { AgentDriftState } from '../../domain/drift-episode';

const keyOf = (key: AgentKey): string => `${key.managementUnitId}\u0000${key.agentId}`;

/** Drift state in a Map: the in-memory twin of the Table store (same contract, no persistence). */
export class InMemoryDriftStateStore implements DriftStateStore {
  private readonly rows = new Map<string, AgentDriftState>();

  async get(key: AgentKey): Promise<AgentDriftState | undefined> {
    return this.rows.get(keyOf(key));
  }

  async modify<T>(
    key: AgentKey,
    mutate: (current: AgentDriftState | undefined) => Modification<T>,
  ): Promise<T> {
    // Single-threaded: nothing can interleave between the read and the write, so no version check is needed.
    const id = keyOf(key);
    const { next, result } = mutate(this.rows.get(id));
    if (next === undefined) this.rows.delete(id);
    else this.rows.set(id, next);
    return result;
  }

  async delete(key: AgentKey): Promise<void> {
    this.rows.delete(keyOf(key));
  }

  async *list(managementUnitId?: string): AsyncIterable<AgentDriftState> {
    for (const state of [...this.rows.values()]) {
      if (managementUnitId === undefined || state.managementUnitId === managementUnitId) yield state;
    }
  }
}
