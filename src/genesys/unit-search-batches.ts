/** Agents of one unit waiting for the next search of their unit, and what it will find for each. */
interface SearchBatch<T> {
  readonly agentIds: Set<string>;
  readonly found: Promise<ReadonlyMap<string, T> | undefined>;
}

/** Most agents one search asks for (the unit adherence reads take 100 user ids a request too). */
const MAX_AGENTS_PER_SEARCH = 100;

/**
 * Group commit of per-agent searches by unit: a search goes out at once when the unit has none in flight; agents asked
 * for meanwhile wait for it and then go together in the next (up to 100 per search), so a burst of first nudges costs a
 * few searches per unit instead of one per agent and stays within the Genesys rate limit.
 */
export class UnitSearchBatches<T> {
  /** Per unit: the batch still taking agents (it goes out when the unit's search in flight is done). */
  private readonly nextBatch = new Map<string, SearchBatch<T>>();
  /** Per unit: the search in flight (settled), so one unit has one search at a time. */
  private readonly inFlight = new Map<string, Promise<unknown>>();

  /** What `search` (called with the batch's agent ids) finds for the agent; rejects when that search fails. */
  find(
    managementUnitId: string,
    agentId: string,
    search: (agentIds: readonly string[]) => Promise<ReadonlyMap<string, T> | undefined>,
  ): Promise<T | undefined> {
    let batch = this.nextBatch.get(managementUnitId);
    if (batch === undefined || batch.agentIds.size >= MAX_AGENTS_PER_SEARCH) {
      const agentIds = new Set<string>();
      const before = this.inFlight.get(managementUnitId) ?? Promise.resolve();
      const found = before.then(() => {
        if (this.nextBatch.get(managementUnitId) === batch) this.nextBatch.delete(managementUnitId);
        return search([...agentIds]);
      });
      batch = { agentIds, found };
      this.nextBatch.set(managementUnitId, batch);
      const settled = found.then(
        () => undefined,
        () => undefined,
      );
      this.inFlight.set(managementUnitId, settled);
      void settled.then(() => {
        if (this.inFlight.get(managementUnitId) === settled) this.inFlight.delete(managementUnitId);
      });
    }
    batch.agentIds.add(agentId);
    return batch.found.then((results) => results?.get(agentId));
  }
}
