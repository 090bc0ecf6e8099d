import { odata, type TableClient, type TableEntityResult, type TransactionAction } from '@azure/data-tables';
import type { AgentKey, DriftStateStore, Modification } from '../../app/ports/drift-state-store';
import type { AgentDriftState, DriftEpisode } from '../../domain/drift-episode';
import { computeBackoffInMs } from '../../platform/backoff';
import { sleep } from '../../platform/timers';
import { PartitionBatcher } from '../partition-batcher';
import { StorageConflictError } from '../storage-conflict-error';
import {
  decodeKey,
  encodeKey,
  hasStatus,
  optionalDouble,
  ownCopy,
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

/** A row as this instance last read or wrote it: the state and the ETag a write must match. */
interface KnownRow {
  readonly state: AgentDriftState;
  readonly etag: string | undefined;
}

/** A write of one row: created, or replaced if its ETag still matches. */
type RowWrite =
  | { readonly kind: 'create'; readonly row: Row }
  | { readonly kind: 'replace'; readonly row: Row; readonly etag: string };

/**
 * Agent drift state in Azure Table Storage: PartitionKey = management unit id, RowKey = agent id; `modify` is a
 * read-modify-write guarded by the row's ETag that retries from a fresh read on 412/409.
 *
 * At scale (tens of thousands of agents) two things keep it to a fraction of a transaction per event: it keeps the
 * rows it last read or wrote (state and ETag), so a write needs no read first (a stale copy only costs a 412 and a
 * fresh read: the ETag still guards every write, as other replicas write card actions), and it writes through a
 * {@link PartitionBatcher}: writes of one unit that come while another of its writes is in flight go out together as
 * one transaction of up to 100 rows, each with its own ETag. A unit listed to the end is known whole, so a row it did
 * not have is created without reading it first (a 409 sends that agent back to reading).
 */
export class TableDriftStateStore implements DriftStateStore {
  private readonly maxAttempts: number;
  private readonly maxBackoffInMs: number;
  /** The rows this instance last read or wrote, by partition key, then row key. */
  private readonly known = new Map<string, Map<string, KnownRow>>();
  /** Partitions listed to the end: a row not in {@link known} is not in the table either (until a 409 says so). */
  private readonly wholePartitions = new Set<string>();
  private readonly batcher: PartitionBatcher<RowWrite>;

  constructor(
    private readonly client: TableClient,
    options: TableDriftStateStoreOptions = {},
  ) {
    this.maxAttempts = options.maxAttempts ?? 30;
    this.maxBackoffInMs = options.maxBackoffInMs ?? 100;
    this.batcher = new PartitionBatcher<RowWrite>({
      writer: {
        submitBatch: async (_partitionKey, writes) => {
          const response = await this.client.submitTransaction(
            writes.map((write): TransactionAction =>
              write.kind === 'create'
                ? ['create', write.row]
                : ['update', write.row, 'Replace', { etag: write.etag }],
            ),
          );
          // Sub-responses come in the order of the operations; only a create's names its row (Location). The ETags are
          // kept (one per agent), so each is copied out of the transaction's answer.
          return writes.map((_write, index) => {
            const etag = response.subResponses[index]?.etag;
            return etag === undefined ? undefined : ownCopy(etag);
          });
        },
        submitOne: async (_partitionKey, write) => {
          const response =
            write.kind === 'create'
              ? await this.client.createEntity(write.row)
              : await this.client.updateEntity(write.row, 'Replace', { etag: write.etag });
          return response.etag;
        },
      },
    });
  }

  async get(key: AgentKey): Promise<AgentDriftState | undefined> {
    const row = await this.read(key);
    return row && fromRow(row);
  }

  /** The copy this instance last read or wrote, else a read (which is kept). */
  async current(key: AgentKey): Promise<AgentDriftState | undefined> {
    const partitionKey = encodeKey(key.managementUnitId);
    const known = this.known.get(partitionKey)?.get(encodeKey(key.agentId));
    if (known !== undefined) return known.state;
    if (this.wholePartitions.has(partitionKey)) return undefined;
    return this.modify(key, (state) => ({ next: state, result: state }));
  }

  async modify<T>(
    key: AgentKey,
    mutate: (current: AgentDriftState | undefined) => Modification<T>,
  ): Promise<T> {
    const partitionKey = encodeKey(key.managementUnitId);
    const rowKey = encodeKey(key.agentId);
    let mustRead = false;
    for (let attempt = 1; attempt <= this.maxAttempts; attempt += 1) {
      let known = mustRead ? undefined : this.known.get(partitionKey)?.get(rowKey);
      if (known === undefined && (mustRead || !this.wholePartitions.has(partitionKey))) {
        const row = await this.read(key);
        known = row && { state: fromRow(row), etag: row.etag };
        if (known === undefined) this.forget(partitionKey, rowKey, true);
        else this.keep(partitionKey, rowKey, known);
      }
      const current = known?.state;
      const { next, result } = mutate(current);
      try {
        if (next === current) return result;
        if (next === undefined) {
          if (known) await this.client.deleteEntity(partitionKey, rowKey, { etag: known.etag });
          this.forget(partitionKey, rowKey, true);
        } else {
          const row = toRow(key, next);
          const etag = await this.batcher.write(
            partitionKey,
            rowKey,
            known?.etag === undefined ? { kind: 'create', row } : { kind: 'replace', row, etag: known.etag },
          );
          // Without the new ETag the next write of the row reads it first.
          if (etag === undefined) this.forget(partitionKey, rowKey, false);
          else this.keep(partitionKey, rowKey, { state: next, etag });
        }
        return result;
      } catch (error) {
        // 412: someone wrote since our read; 409: someone created the row first; 404: someone deleted it.
        this.forget(partitionKey, rowKey, false);
        if (!hasStatus(error, 412) && !hasStatus(error, 409) && !hasStatus(error, 404)) throw error;
        // A copy of ours was stale: read afresh at once; a conflict on a fresh read is a race, so back off.
        if (mustRead)
          await sleep(computeBackoffInMs(attempt + 1, { baseInMs: 5, maxInMs: this.maxBackoffInMs }));
        mustRead = true;
      }
    }
    throw new StorageConflictError(this.client.tableName, partitionKey, rowKey, this.maxAttempts);
  }

  async delete(key: AgentKey): Promise<void> {
    this.forget(encodeKey(key.managementUnitId), encodeKey(key.agentId), true);
    try {
      await this.client.deleteEntity(encodeKey(key.managementUnitId), encodeKey(key.agentId));
    } catch (error) {
      if (!hasStatus(error, 404)) throw error;
    }
  }

  async *list(managementUnitId?: string): AsyncIterable<AgentDriftState> {
    const filter =
      managementUnitId === undefined ? undefined : odata`PartitionKey eq ${encodeKey(managementUnitId)}`;
    const partitionKey = managementUnitId === undefined ? undefined : encodeKey(managementUnitId);
    // Listed rows are the freshest copies there are; a partition listed to the end is known whole.
    for await (const row of this.client.listEntities<Row>({ queryOptions: { filter } })) {
      const state = fromRow(row);
      this.keep(row.partitionKey, row.rowKey, { state, etag: row.etag });
      yield state;
    }
    if (partitionKey !== undefined) this.wholePartitions.add(partitionKey);
  }

  /** Forgets the copies of a unit's rows (its lease was lost: others write it now). */
  forgetUnit(managementUnitId: string): void {
    const partitionKey = encodeKey(managementUnitId);
    this.wholePartitions.delete(partitionKey);
    this.known.delete(partitionKey);
  }

  /** The unit's agents when it is known whole (listed to the end, and every row written since kept), else undefined. */
  knownAgentIds(managementUnitId: string): readonly string[] | undefined {
    const partitionKey = encodeKey(managementUnitId);
    if (!this.wholePartitions.has(partitionKey)) return undefined;
    return [...(this.known.get(partitionKey)?.values() ?? [])].map((row) => row.state.agentId);
  }

  private keep(partitionKey: string, rowKey: string, row: KnownRow): void {
    let partition = this.known.get(partitionKey);
    if (partition === undefined) {
      partition = new Map();
      this.known.set(partitionKey, partition);
    }
    partition.set(rowKey, row);
  }

  /**
   * Drops the copy of a row; `isGone`: the row is not in the table (deleted, or not found), so the partition is still
   * known whole. Otherwise the row exists but its copy is stale or unknown: the partition is no longer known whole.
   */
  private forget(partitionKey: string, rowKey: string, isGone: boolean): void {
    this.known.get(partitionKey)?.delete(rowKey);
    if (!isGone) this.wholePartitions.delete(partitionKey);
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
