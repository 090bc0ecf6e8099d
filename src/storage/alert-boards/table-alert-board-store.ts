import { odata, type TableClient, type TableEntityResult, type TransactionAction } from '@azure/data-tables';
import type { AlertBoardStore } from '../../app/ports/alert-board-store';
import type { BoardRow, BudgetedCard, ChannelAlertLedger } from '../../domain/alert-board';
import type { DriftEpisode } from '../../domain/drift-episode';
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

type Row = Record<string, unknown> & { partitionKey: string; rowKey: string };

/** RowKey of a channel's ledger; its board rows are `agent-<agent id>`. */
const LEDGER_ROW_KEY = 'ledger';
const AGENT_ROW_PREFIX = 'agent-';
/** An entity group transaction holds at most 100 operations (learn.microsoft.com/rest/api/storageservices/performing-entity-group-transactions). */
const MAX_TRANSACTION_OPERATIONS = 100;
/**
 * A $filter holds at most 15 discrete comparisons (learn.microsoft.com/rest/api/storageservices/querying-tables-and-entities):
 * the PartitionKey and 14 RowKeys per query.
 */
const ROW_KEYS_PER_QUERY = 14;

/**
 * The supervisor channels' budget ledgers and live drift boards in Azure Table Storage, one partition per channel:
 * PartitionKey = channel key (`channel:<id>`), RowKey `ledger` for the ledger and `agent-<agent id>` for each row on
 * the board. A commit is one entity group transaction (the ledger replaced with its ETag, or created, plus the rows
 * written and removed), so the ledger's ETag guards the whole board: a replica that read an older board cannot
 * write over a newer one.
 */
export class TableAlertBoardStore implements AlertBoardStore {
  constructor(private readonly client: TableClient) {}

  async get(channelKey: string): Promise<ChannelAlertLedger | undefined> {
    try {
      return ledgerFromRow(await this.client.getEntity<Row>(encodeKey(channelKey), LEDGER_ROW_KEY));
    } catch (error) {
      if (hasStatus(error, 404)) return undefined;
      throw error;
    }
  }

  async getRow(channelKey: string, agentId: string): Promise<BoardRow | undefined> {
    try {
      return boardRowFromRow(await this.client.getEntity<Row>(encodeKey(channelKey), agentRowKey(agentId)));
    } catch (error) {
      if (hasStatus(error, 404)) return undefined;
      throw error;
    }
  }

  async getRows(channelKey: string, agentIds: readonly string[]): Promise<ReadonlyMap<string, BoardRow>> {
    const found = new Map<string, BoardRow>();
    if (agentIds.length === 1) {
      const row = await this.getRow(channelKey, agentIds[0]);
      if (row !== undefined) found.set(row.agentId, row);
      return found;
    }
    const partitionKey = encodeKey(channelKey);
    const queries: Promise<void>[] = [];
    for (let start = 0; start < agentIds.length; start += ROW_KEYS_PER_QUERY) {
      const rowKeys = agentIds.slice(start, start + ROW_KEYS_PER_QUERY).map(agentRowKey);
      const filter = `${odata`PartitionKey eq ${partitionKey}`} and (${rowKeys
        .map((rowKey) => odata`RowKey eq ${rowKey}`)
        .join(' or ')})`;
      queries.push(
        (async () => {
          for await (const entity of this.client.listEntities<Row>({ queryOptions: { filter } })) {
            const row = boardRowFromRow(entity);
            found.set(row.agentId, row);
          }
        })(),
      );
    }
    await Promise.all(queries);
    return found;
  }

  async read(channelKey: string): Promise<{ ledger?: ChannelAlertLedger; rows: BoardRow[] }> {
    const filter = odata`PartitionKey eq ${encodeKey(channelKey)}`;
    let ledger: ChannelAlertLedger | undefined;
    const rows: BoardRow[] = [];
    for await (const entity of this.client.listEntities<Row>({ queryOptions: { filter } })) {
      if (entity.rowKey === LEDGER_ROW_KEY) ledger = ledgerFromRow(entity);
      else if (entity.rowKey.startsWith(AGENT_ROW_PREFIX)) rows.push(boardRowFromRow(entity));
    }
    return ledger === undefined ? { rows } : { ledger, rows };
  }

  async commit(
    ledger: ChannelAlertLedger,
    rows: { readonly upsert?: readonly BoardRow[]; readonly remove?: readonly string[] } = {},
  ): Promise<boolean> {
    const partitionKey = encodeKey(ledger.channelKey);
    const actions: TransactionAction[] = [
      ledger.etag === undefined
        ? ['create', ledgerToRow(ledger)]
        : ['update', ledgerToRow(ledger), 'Replace', { etag: ledger.etag }],
    ];
    for (const row of rows.upsert ?? [])
      actions.push(['upsert', boardRowToRow(ledger.channelKey, row), 'Replace']);
    for (const agentId of rows.remove ?? [])
      actions.push(['delete', { partitionKey, rowKey: agentRowKey(agentId) }]);
    if (actions.length > MAX_TRANSACTION_OPERATIONS)
      throw new Error(`a board commit of ${actions.length} operations exceeds one transaction`);
    try {
      await this.client.submitTransaction(actions);
      return true;
    } catch (error) {
      // 412: the ledger changed since it was read; 409: it was created meanwhile; 404: a row to remove was gone
      // (only after a change the ledger's ETag would have shown). Nothing was written: the caller reads again.
      if (hasStatus(error, 412) || hasStatus(error, 409) || hasStatus(error, 404)) return false;
      throw error;
    }
  }
}

function agentRowKey(agentId: string): string {
  return `${AGENT_ROW_PREFIX}${encodeKey(agentId)}`;
}

function ledgerToRow(ledger: ChannelAlertLedger): Row {
  return withoutUndefined({
    partitionKey: encodeKey(ledger.channelKey),
    rowKey: LEDGER_ROW_KEY,
    channelKey: ledger.channelKey,
    version: doubleProperty(ledger.version),
    cardsJson: JSON.stringify(ledger.cards),
    recentAlertsAtJson: JSON.stringify(ledger.recentAlertsAt),
    rowCount: ledger.rowCount,
    boardConversationId: ledger.boardCard?.conversationId,
    boardActivityId: ledger.boardCard?.activityId,
    boardPostedAt: optionalDouble(ledger.boardCard?.postedAt),
    postingSince: optionalDouble(ledger.postingSince),
  });
}

function ledgerFromRow(row: TableEntityResult<Row>): ChannelAlertLedger {
  const conversationId = readString(row.boardConversationId);
  const activityId = readString(row.boardActivityId);
  const postedAt = readNumber(row.boardPostedAt);
  const postingSince = readNumber(row.postingSince);
  return {
    channelKey: readString(row.channelKey) ?? '',
    version: requireNumber(row.version, 'version'),
    cards: JSON.parse(readString(row.cardsJson) ?? '[]') as BudgetedCard[],
    recentAlertsAt: JSON.parse(readString(row.recentAlertsAtJson) ?? '[]') as number[],
    rowCount: readNumber(row.rowCount) ?? 0,
    ...(conversationId !== undefined && activityId !== undefined && postedAt !== undefined
      ? { boardCard: { conversationId, activityId, postedAt } }
      : {}),
    ...(postingSince === undefined ? {} : { postingSince }),
    ...(row.etag === undefined ? {} : { etag: row.etag }),
  };
}

function boardRowToRow(channelKey: string, row: BoardRow): Row {
  return {
    partitionKey: encodeKey(channelKey),
    rowKey: agentRowKey(row.agentId),
    agentId: row.agentId,
    managementUnitId: row.managementUnitId,
    episodeJson: JSON.stringify(row.episode),
    joinedAt: doubleProperty(row.joinedAt),
    alertIdsJson: JSON.stringify(row.alertIds),
  };
}

function boardRowFromRow(row: TableEntityResult<Row>): BoardRow {
  return {
    agentId: readString(row.agentId) ?? '',
    managementUnitId: readString(row.managementUnitId) ?? '',
    episode: JSON.parse(readString(row.episodeJson) ?? '{}') as DriftEpisode,
    joinedAt: requireNumber(row.joinedAt, 'joinedAt'),
    alertIds: JSON.parse(readString(row.alertIdsJson) ?? '[]') as string[],
  };
}
