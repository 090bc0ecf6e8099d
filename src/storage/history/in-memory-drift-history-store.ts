import type { DriftHistoryRecord, DriftHistoryStore } from '../../app/ports/drift-history-store';

/** Drift history in a Map keyed by episode id: the in-memory twin of the Table store. */
export class InMemoryDriftHistoryStore implements DriftHistoryStore {
  private readonly rows = new Map<string, DriftHistoryRecord>();

  async upsert(record: DriftHistoryRecord): Promise<void> {
    this.rows.set(record.episode.id, record);
  }

  async get(episodeId: string, managementUnitId: string): Promise<DriftHistoryRecord | undefined> {
    const row = this.rows.get(episodeId);
    return row && row.episode.managementUnitId === managementUnitId ? row : undefined;
  }

  async *list(query: {
    from: number;
    to: number;
    managementUnitIds?: readonly string[];
  }): AsyncIterable<DriftHistoryRecord> {
    for (const row of [...this.rows.values()]) {
      const startedAt = row.episode.driftStartedAt;
      if (startedAt < query.from || startedAt >= query.to) continue;
      if (query.managementUnitIds && !query.managementUnitIds.includes(row.episode.managementUnitId))
        continue;
      yield row;
    }
  }

  async deleteOlderThan(before: number): Promise<number> {
    let deleted = 0;
    for (const [id, row] of this.rows) {
      if (row.episode.driftStartedAt < before) {
        this.rows.delete(id);
        deleted += 1;
      }
    }
    return deleted;
  }
}
