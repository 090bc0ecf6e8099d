import type { TableClient, TableEntityResult, TransactionAction } from '@azure/data-tables';
import type { DriftHistoryRecord, DriftHistoryStore } from '../../app/ports/drift-history-store';
import type { DriftEpisode } from '../../domain/drift-episode';
import {
  doubleLiteral,
  doubleProperty,
  encodeKey,
  hasStatus,
  optionalDouble,
  readString,
  requireNumber,
  stringLiteral,
  withoutUndefined,
} from '../table-codec';

type Row = Record<string, unknown> & { partitionKey: string; rowKey: string };

const maxBatchSize = 100;
/** Above this many units the unit filter is applied here rather than in the OData query (keeps URLs short). */
const maxUnitsInFilter = 20;

/**
 * Drift history in Azure Table Storage, one row per episode: PartitionKey = UTC day of `driftStartedAt`
 * (`yyyy-mm-dd`), RowKey = `<unit id>|<episode id>`. A date range is one PartitionKey range query and retention
 * deletes whole old days, in batches of 100.
 */
export class TableDriftHistoryStore implements DriftHistoryStore {
  constructor(private readonly client: TableClient) {}

  async upsert(record: DriftHistoryRecord): Promise<void> {
    await this.client.upsertEntity(toRow(record), 'Replace');
  }

  async get(episodeId: string, managementUnitId: string): Promise<DriftHistoryRecord | undefined> {
    const rowKey = rowKeyOf(managementUnitId, episodeId);
    const startedAt = startedAtOfEpisodeId(episodeId);
    if (startedAt === undefined) {
      // Not a `${agentId}:${driftStartedAt}` id: the day is unknown, so scan by RowKey (slow, but never wrong).
      for await (const row of this.client.listEntities<Row>({
        queryOptions: { filter: `RowKey eq ${stringLiteral(rowKey)}` },
      }))
        return fromRow(row);
      return undefined;
    }
    try {
      return fromRow(await this.client.getEntity<Row>(dayOf(startedAt), rowKey));
    } catch (error) {
      if (hasStatus(error, 404)) return undefined;
      throw error;
    }
  }

  async *list(query: {
    from: number;
    to: number;
    managementUnitIds?: readonly string[];
  }): AsyncIterable<DriftHistoryRecord> {
    if (query.from >= query.to) return;
    const units = query.managementUnitIds;
    if (units !== undefined && units.length === 0) return;
    const clauses = [
      `PartitionKey ge ${stringLiteral(dayOf(query.from))}`,
      `PartitionKey le ${stringLiteral(dayOf(query.to - 1))}`,
      `driftStartedAt ge ${doubleLiteral(query.from)}`,
      `driftStartedAt lt ${doubleLiteral(query.to)}`,
    ];
    if (units !== undefined && units.length <= maxUnitsInFilter) {
      clauses.push(`(${units.map((unit) => `managementUnitId eq ${stringLiteral(unit)}`).join(' or ')})`);
    }
    for await (const row of this.client.listEntities<Row>({
      queryOptions: { filter: clauses.join(' and ') },
    })) {
      const record = fromRow(row);
      const startedAt = record.episode.driftStartedAt;
      if (startedAt < query.from || startedAt >= query.to) continue;
      if (units !== undefined && !units.includes(record.episode.managementUnitId)) continue;
      yield record;
    }
  }

  async deleteOlderThan(before: number): Promise<number> {
    const filter = `PartitionKey le ${stringLiteral(dayOf(before))} and driftStartedAt lt ${doubleLiteral(before)}`;
    const byPartition = new Map<string, string[]>();
    for await (const row of this.client.listEntities<Row>({
      queryOptions: { filter, select: ['PartitionKey', 'RowKey'] },
    })) {
      const rows = byPartition.get(row.partitionKey) ?? [];
      rows.push(row.rowKey);
      byPartition.set(row.partitionKey, rows);
    }
    let deleted = 0;
    for (const [partitionKey, rowKeys] of byPartition) {
      for (let start = 0; start < rowKeys.length; start += maxBatchSize) {
        const actions: TransactionAction[] = rowKeys
          .slice(start, start + maxBatchSize)
          .map((rowKey) => ['delete', { partitionKey, rowKey }]);
        await this.client.submitTransaction(actions);
        deleted += actions.length;
      }
    }
    return deleted;
  }
}

/** `yyyy-mm-dd` (UTC) of an instant. */
function dayOf(instant: number): string {
  return new Date(instant).toISOString().slice(0, 10);
}

function rowKeyOf(managementUnitId: string, episodeId: string): string {
  return `${encodeKey(managementUnitId)}|${encodeKey(episodeId)}`;
}

/** Episode ids are `${agentId}:${driftStartedAt}` (src/domain/drift-episode.ts). */
function startedAtOfEpisodeId(episodeId: string): number | undefined {
  const tail = episodeId.slice(episodeId.lastIndexOf(':') + 1);
  const startedAt = /^\d+$/.test(tail) ? Number(tail) : NaN;
  return Number.isSafeInteger(startedAt) ? startedAt : undefined;
}

function toRow(record: DriftHistoryRecord): Row {
  const episode = record.episode;
  return withoutUndefined({
    partitionKey: dayOf(episode.driftStartedAt),
    rowKey: rowKeyOf(episode.managementUnitId, episode.id),
    episodeId: episode.id,
    agentId: episode.agentId,
    managementUnitId: episode.managementUnitId,
    teamId: episode.teamId,
    agentName: record.agentName,
    teamName: record.teamName,
    stage: episode.stage,
    outcome: episode.outcome,
    suppression: episode.suppression,
    driftStartedAt: doubleProperty(episode.driftStartedAt),
    nudgedAt: optionalDouble(episode.nudgedAt),
    supervisorAlertedAt: optionalDouble(episode.supervisorAlertedAt),
    formalExceptionAt: optionalDouble(episode.formalExceptionAt),
    endedAt: optionalDouble(episode.endedAt),
    acknowledgedBy: episode.acknowledged?.by.id,
    agentReplyReason: episode.agentReply?.reason,
    recordedAt: doubleProperty(record.recordedAt),
    episodeJson: JSON.stringify(episode),
  });
}

function fromRow(row: TableEntityResult<Row>): DriftHistoryRecord {
  const record: DriftHistoryRecord = {
    episode: JSON.parse(readString(row.episodeJson) ?? '{}') as DriftEpisode,
    agentName: readString(row.agentName),
    teamName: readString(row.teamName),
    recordedAt: requireNumber(row.recordedAt, 'recordedAt'),
  };
  return withoutUndefined(record as unknown as Record<string, unknown>) as unknown as DriftHistoryRecord;
}
