import { odata, type TableClient, type TableEntityResult, type TransactionAction } from '@azure/data-tables';
import type { AgentKey, DriftStateStore, Modification } from '../../app/ports/drift-state-store';
import type { AgentDriftState, DriftEpisode } from '../../domain/drift-episode';
import { computeBackoffInMs } from '../../platform/backoff';
import { sleep } from '../../platform/timers';
import { StorageConflictError } from '../storage-conflict-error';
import {
  decodeKey,
  encodeKey,
  hasStatus,
  optionalDouble,
  doubleProperty,
  readNumber,
  readString,
  requireNumber,
  withoutUndefined,
} from '../table-codec';

/** Tuning of {@link TableDriftStateStore}. */
export interface TableDriftStateStoreOptions {
  /** Read-modify-write attempts before a {@link StorageConflictError}, default 30. */
  readonly maxAttempts?: number;
  /** Upper bound of the jittered pause between attempts, default 100 ms. */
  readonly maxBackoffInMs?: number;
}

type Row = Record<string, unknown> & { partitionKey: string; rowKey: string };

/** A Table Storage transaction holds at most 100 operations, all in one partition. */
const maxBatchSize = 100;

/**
 * Agent drift state in Azure Table Storage: PartitionKey = management unit id, RowKey = agent id; `modify` is a
 * read-modify-write guarded by the row's ETag that retries from a fresh read on 412/409.
 */
export class TableDriftStateStore implements DriftStateStore {
  private readonly maxAttempts: number;
  private readonly maxBackoffInMs: number;

  constructor(
    private readonly client: TableClient,
    options: TableDriftStateStoreOptions = {},
  ) {
    this.maxAttempts = options.maxAttempts ?? 30;
    this.maxBackoffInMs = options.maxBackoffInMs ?? 100;
  }

  async get(key: AgentKey): Promise<AgentDriftState | undefined> {
    const row = await this.read(key);
    return row && fromRow(row);
  }

  async modify<T>(
    key: AgentKey,
    mutate: (current: AgentDriftState | undefined) => Modification<T>,
  ): Promise<T> {
    const partitionKey = encodeKey(key.managementUnitId);
    const rowKey = encodeKey(key.agentId);
    for (let attempt = 1; attempt <= this.maxAttempts; attempt += 1) {
      const row = await this.read(key);
      const current = row && fromRow(row);
      const { next, result } = mutate(current);
      try {
        if (next === current) return result;
        if (next === undefined) {
          if (row) await this.client.deleteEntity(partitionKey, rowKey, { etag: row.etag });
        } else if (row) {
          await this.client.updateEntity(toRow(key, next), 'Replace', { etag: row.etag });
        } else {
          await this.client.createEntity(toRow(key, next));
        }
        return result;
      } catch (error) {
        // 412: someone wrote since our read; 409: someone created the row first; 404: someone deleted it.
        if (!hasStatus(error, 412) && !hasStatus(error, 409) && !hasStatus(error, 404)) throw error;
        await sleep(computeBackoffInMs(attempt + 1, { baseInMs: 5, maxInMs: this.maxBackoffInMs }));
      }
    }
    throw new StorageConflictError(this.client.tableName, partitionKey, rowKey, this.maxAttempts);
  }

  async delete(key: AgentKey): Promise<void> {
    try {
      await this.client.deleteEntity(encodeKey(key.managementUnitId), encodeKey(key.agentId));
    } catch (error) {
      if (!hasStatus(error, 404)) throw error;
    }
  }

  async *list(managementUnitId?: string): AsyncIterable<AgentDriftState> {
    const filter =
      managementUnitId === undefined ? undefined : odata`PartitionKey eq ${encodeKey(managementUnitId)}`;
    for await (const row of this.client.listEntities<Row>({ queryOptions: { filter } })) yield fromRow(row);
  }

  /**
   * Writes many states unconditionally (no ETag) in transactions of up to 100 rows of one partition; for bulk
   * restore only, never on an alert's path. Later states of the same agent win. Returns how many rows were written.
   */
  async upsertMany(states: readonly AgentDriftState[]): Promise<number> {
    const byPartition = new Map<string, Map<string, Row>>();
    for (const state of states) {
      const row = toRow(state, state);
      const partition = byPartition.get(row.partitionKey) ?? new Map<string, Row>();
      partition.set(row.rowKey, row);
      byPartition.set(row.partitionKey, partition);
    }
    let written = 0;
    for (const partition of byPartition.values()) {
      const rows = [...partition.values()];
      for (let start = 0; start < rows.length; start += maxBatchSize) {
        const actions: TransactionAction[] = rows
          .slice(start, start + maxBatchSize)
          .map((row) => ['upsert', row, 'Replace']);
        await this.client.submitTransaction(actions);
        written += actions.length;
      }
    }
    return written;
  }

  private async read(key: AgentKey): Promise<TableEntityResult<Row> | undefined> {
    try {
      return await this.client.getEntity<Row>(encodeKey(key.managementUnitId), encodeKey(key.agentId));
    } catch (error) {
      if (hasStatus(error, 404)) return undefined;
      throw error;
    }
  }
}

/** Fields stored in their own columns; any other (newer) field travels in `extraJson`, so none is lost. */
const columnFields = new Set<string>([
  'agentId',
  'managementUnitId',
  'teamId',
  'lastAdherenceState',
  'lastAdherenceChangedAt',
  'lastObservedAt',
  'snoozedUntil',
  'nextDueAt',
  'episode',
]);

function toRow(key: AgentKey, state: AgentDriftState): Row {
  const episode = state.episode;
  const extra = Object.fromEntries(
    Object.entries(state).filter(([field, value]) => !columnFields.has(field) && value !== undefined),
  );
  return withoutUndefined({
    partitionKey: encodeKey(key.managementUnitId),
    rowKey: encodeKey(key.agentId),
    schemaVersion: 1,
    agentId: state.agentId,
    managementUnitId: state.managementUnitId,
    teamId: state.teamId,
    lastAdherenceState: state.lastAdherenceState,
    lastAdherenceChangedAt: doubleProperty(state.lastAdherenceChangedAt),
    lastObservedAt: doubleProperty(state.lastObservedAt),
    snoozedUntil: optionalDouble(state.snoozedUntil),
    nextDueAt: optionalDouble(state.nextDueAt),
    episodeId: episode?.id,
    episodeStage: episode?.stage,
    driftStartedAt: optionalDouble(episode?.driftStartedAt),
    episodeJson: episode === undefined ? undefined : JSON.stringify(episode),
    extraJson: Object.keys(extra).length === 0 ? undefined : JSON.stringify(extra),
  });
}

function fromRow(row: Row): AgentDriftState {
  const episodeJson = readString(row.episodeJson);
  const extraJson = readString(row.extraJson);
  const state: AgentDriftState = {
    ...(extraJson === undefined ? {} : (JSON.parse(extraJson) as object)),
    agentId: readString(row.agentId) ?? decodeKey(row.rowKey),
    managementUnitId: readString(row.managementUnitId) ?? decodeKey(row.partitionKey),
    teamId: readString(row.teamId),
    lastAdherenceState: readString(row.lastAdherenceState) ?? '',
    lastAdherenceChangedAt: requireNumber(row.lastAdherenceChangedAt, 'lastAdherenceChangedAt'),
    lastObservedAt: requireNumber(row.lastObservedAt, 'lastObservedAt'),
    episode: episodeJson === undefined ? undefined : (JSON.parse(episodeJson) as DriftEpisode),
    snoozedUntil: readNumber(row.snoozedUntil),
    nextDueAt: readNumber(row.nextDueAt),
  };
  return withoutUndefined(state as unknown as Record<string, unknown>) as unknown as AgentDriftState;
}
