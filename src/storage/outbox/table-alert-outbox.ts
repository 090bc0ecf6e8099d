import { odata, type TableClient, type TableEntityResult, type TransactionAction } from '@azure/data-tables';
import type {
  AlertKind,
  AlertOutbox,
  AlertRecipient,
  OutboxAlert,
  OutboxStatus,
} from '../../app/ports/alert-outbox';
import type { Clock } from '../../platform/clock';
import type { DriftEpisode } from '../../domain/drift-episode';
import { PartitionBatcher } from '../partition-batcher';
import {
  doubleProperty,
  encodeKey,
  hasStatus,
  optionalDouble,
  readNumber,
  readString,
  requireNumber,
  withoutUndefined,
} from '../table-codec';

/** Tuning of {@link TableAlertOutbox}. */
export interface TableAlertOutboxOptions {
  /** Lets `listPending` drop index rows whose alert row never got written (a crash inside `enqueue`). */
  readonly clock?: Clock;
  /** Age after which such an orphan index row is dropped, default 10 minutes. */
  readonly orphanAfterInMs?: number;
}

type Row = Record<string, unknown> & { partitionKey: string; rowKey: string };

const pendingPartition = 'pending';
/** Keeps `lastError` well under the 64 KB limit of a string property (32 K UTF-16 characters). */
const maxErrorLength = 4000;

/**
 * The alert outbox and ledger in Azure Table Storage. Ledger rows: PartitionKey = episode id, RowKey = alert id,
 * so `listByEpisode` is one partition query. A second table holds one index row per pending alert
 * (PartitionKey `pending`), so `listPending` never scans the ledger.
 */
export class TableAlertOutbox implements AlertOutbox {
  private readonly orphanAfterInMs: number;
  /**
   * The index rows all live in one partition, so the index writes of a burst (thousands of alerts due at once) go out
   * together, as transactions of up to 100 rows, instead of one request each; a lone write still goes out at once.
   */
  private readonly indexWrites: PartitionBatcher<TransactionAction>;

  constructor(
    private readonly ledger: TableClient,
    private readonly pendingIndex: TableClient,
    private readonly options: TableAlertOutboxOptions = {},
  ) {
    this.orphanAfterInMs = options.orphanAfterInMs ?? 10 * 60_000;
    this.indexWrites = new PartitionBatcher<TransactionAction>({
      writer: {
        submitBatch: async (_partitionKey, actions) => {
          const response = await this.pendingIndex.submitTransaction([...actions]);
          return actions.map((_action, index) => response.subResponses[index]?.etag);
        },
        submitOne: async (_partitionKey, action) => {
          const [kind, entity] = action;
          if (kind === 'delete') {
            try {
              await this.pendingIndex.deleteEntity(entity.partitionKey, entity.rowKey);
            } catch (error) {
              // Already gone (a transaction refused for that row is written row by row, so it lands here).
              if (!hasStatus(error, 404)) throw error;
            }
            return undefined;
          }
          return (await this.pendingIndex.upsertEntity(entity, 'Replace')).etag;
        },
      },
    });
  }

  async enqueue(alert: OutboxAlert): Promise<'enqueued' | 'exists'> {
    // Index first: a crash between the two writes leaves an orphan index row (dropped later), never a pending
    // alert that listPending cannot see.
    if (alert.status === 'pending') await this.writeIndex(alert);
    try {
      await this.ledger.createEntity(toRow(alert));
      return 'enqueued';
    } catch (error) {
      if (!hasStatus(error, 409)) throw error;
    }
    const existing = await this.get(alert.id);
    if (existing && existing.status !== 'pending') await this.deleteIndex(alert.id);
    return 'exists';
  }

  async get(id: string): Promise<OutboxAlert | undefined> {
    try {
      return fromRow(await this.ledger.getEntity<Row>(encodeKey(episodeIdOf(id)), encodeKey(id)));
    } catch (error) {
      if (hasStatus(error, 404)) return undefined;
      throw error;
    }
  }

  async update(alert: OutboxAlert): Promise<boolean> {
    return (await this.replace(alert)) !== undefined;
  }

  async replace(alert: OutboxAlert): Promise<OutboxAlert | undefined> {
    if (alert.etag === undefined) return undefined;
    let etag: string | undefined;
    try {
      etag = (await this.ledger.updateEntity(toRow(alert), 'Replace', { etag: alert.etag })).etag;
    } catch (error) {
      if (hasStatus(error, 412) || hasStatus(error, 404)) return undefined;
      throw error;
    }
    // A pending row keeps the index row its enqueue wrote (a claim or a retry changes nothing the index holds that
    // anyone reads); a row that left `pending` never comes back to it, so its index row goes.
    if (alert.status !== 'pending') await this.deleteIndex(alert.id);
    // Without the new version (the service always sends one) the next write of the row reads it first.
    return { ...alert, etag };
  }

  async *listPending(): AsyncIterable<OutboxAlert> {
    const filter = odata`PartitionKey eq ${pendingPartition}`;
    for await (const index of this.pendingIndex.listEntities<Row>({ queryOptions: { filter } })) {
      const id = readString(index.alertId) ?? '';
      const alert = await this.get(id);
      if (alert?.status === 'pending') {
        yield alert;
      } else if (alert) {
        // The alert left `pending` but the process stopped before its index row was deleted.
        await this.deleteIndex(id);
      } else if (this.isOrphan(index)) {
        await this.deleteIndex(id);
      }
    }
  }

  async listByEpisode(episodeId: string): Promise<OutboxAlert[]> {
    const filter = odata`PartitionKey eq ${encodeKey(episodeId)}`;
    const alerts: OutboxAlert[] = [];
    for await (const row of this.ledger.listEntities<Row>({ queryOptions: { filter } }))
      alerts.push(fromRow(row));
    return alerts;
  }

  private async writeIndex(alert: OutboxAlert): Promise<void> {
    const rowKey = encodeKey(alert.id);
    const row = {
      partitionKey: pendingPartition,
      rowKey,
      alertId: alert.id,
      episodeId: alert.episodeId,
      notBefore: doubleProperty(alert.notBefore),
    };
    await this.indexWrites.write(pendingPartition, rowKey, ['upsert', row, 'Replace']);
  }

  private async deleteIndex(id: string): Promise<void> {
    const rowKey = encodeKey(id);
    await this.indexWrites.write(pendingPartition, rowKey, [
      'delete',
      { partitionKey: pendingPartition, rowKey },
    ]);
  }

  private isOrphan(index: TableEntityResult<Row>): boolean {
    const clock = this.options.clock;
    if (!clock || !index.timestamp) return false;
    return clock.now() - Date.parse(index.timestamp) > this.orphanAfterInMs;
  }
}

/** The episode id inside an alert id `${episodeId}|${kind}|${recipient}` (episode ids may not end the split early). */
function episodeIdOf(id: string): string {
  const last = id.lastIndexOf('|');
  const beforeLast = last > 0 ? id.lastIndexOf('|', last - 1) : -1;
  return beforeLast > 0 ? id.slice(0, beforeLast) : id;
}

function toRow(alert: OutboxAlert): Row {
  return withoutUndefined({
    partitionKey: encodeKey(alert.episodeId),
    rowKey: encodeKey(alert.id),
    id: alert.id,
    episodeId: alert.episodeId,
    agentId: alert.agentId,
    managementUnitId: alert.managementUnitId,
    kind: alert.kind,
    recipient: alert.recipient,
    status: alert.status,
    createdAt: doubleProperty(alert.createdAt),
    dueAt: optionalDouble(alert.dueAt),
    notBefore: doubleProperty(alert.notBefore),
    attempts: alert.attempts,
    episodeJson: JSON.stringify(alert.episode),
    conversationId: alert.conversationId,
    activityId: alert.activityId,
    presentation: alert.presentation,
    sentAt: optionalDouble(alert.sentAt),
    claimedAt: optionalDouble(alert.claimedAt),
    lastError: alert.lastError?.slice(0, maxErrorLength),
  });
}

function fromRow(row: TableEntityResult<Row>): OutboxAlert {
  const alert: OutboxAlert = {
    id: readString(row.id) ?? '',
    episodeId: readString(row.episodeId) ?? '',
    agentId: readString(row.agentId) ?? '',
    managementUnitId: readString(row.managementUnitId) ?? '',
    kind: readString(row.kind) as AlertKind,
    recipient: readString(row.recipient) as AlertRecipient,
    status: readString(row.status) as OutboxStatus,
    createdAt: requireNumber(row.createdAt, 'createdAt'),
    dueAt: readNumber(row.dueAt),
    notBefore: requireNumber(row.notBefore, 'notBefore'),
    attempts: requireNumber(row.attempts, 'attempts'),
    episode: JSON.parse(readString(row.episodeJson) ?? '{}') as DriftEpisode,
    conversationId: readString(row.conversationId),
    activityId: readString(row.activityId),
    presentation: readString(row.presentation) as OutboxAlert['presentation'],
    sentAt: readNumber(row.sentAt),
    claimedAt: readNumber(row.claimedAt),
    lastError: readString(row.lastError),
    etag: row.etag,
  };
  return withoutUndefined(alert as unknown as Record<string, unknown>) as unknown as OutboxAlert;
}
