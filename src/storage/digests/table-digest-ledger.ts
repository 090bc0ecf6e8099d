import type { TableClient, TableEntityResult } from '@azure/data-tables';
import type { DigestLedger, DigestRecord, DigestStatus } from '../../app/ports/digest-ledger';
import {
  doubleProperty,
  encodeKey,
  optionalDouble,
  readNumber,
  readString,
  requireNumber,
  withoutUndefined,
} from '../table-codec';
import { InsertOnceLedgerTable, maxLedgerErrorLength, type LedgerRow } from '../ledger-rows';

type Row = LedgerRow;

/**
 * Weekly digest rows in Azure Table Storage: PartitionKey = Monday of the reported week (`YYYY-MM-DD`), RowKey = the
 * channel's conversation key. `create` is an insert (409 = the channel already has that week's row), so of several
 * instances only the first sends; `update` is guarded by the ETag.
 */
export class TableDigestLedger extends InsertOnceLedgerTable<DigestRecord> implements DigestLedger {
  constructor(client: TableClient) {
    super(client, { toRow, fromRow });
  }

  get(weekStart: string, conversationKey: string): Promise<DigestRecord | undefined> {
    return this.find(weekStart, encodeKey(conversationKey));
  }
}

function toRow(record: DigestRecord): Row {
  return withoutUndefined({
    partitionKey: record.weekStart,
    rowKey: encodeKey(record.conversationKey),
    conversationKey: record.conversationKey,
    status: record.status,
    timeZone: record.timeZone,
    dueAt: doubleProperty(record.dueAt),
    attempts: record.attempts,
    notBefore: doubleProperty(record.notBefore),
    claimedBy: record.claimedBy,
    claimedAt: optionalDouble(record.claimedAt),
    sentAt: optionalDouble(record.sentAt),
    conversationId: record.conversationId,
    activityId: record.activityId,
    lastError: record.lastError?.slice(0, maxLedgerErrorLength),
    isInDoubt: record.isInDoubt,
  });
}

function fromRow(row: TableEntityResult<Row>): DigestRecord {
  const record: DigestRecord = {
    weekStart: row.partitionKey,
    conversationKey: readString(row.conversationKey) ?? '',
    status: readString(row.status) as DigestStatus,
    timeZone: readString(row.timeZone) ?? 'UTC',
    dueAt: requireNumber(row.dueAt, 'dueAt'),
    attempts: readNumber(row.attempts) ?? 0,
    notBefore: requireNumber(row.notBefore, 'notBefore'),
    claimedBy: readString(row.claimedBy),
    claimedAt: readNumber(row.claimedAt),
    sentAt: readNumber(row.sentAt),
    conversationId: readString(row.conversationId),
    activityId: readString(row.activityId),
    lastError: readString(row.lastError),
    isInDoubt: row.isInDoubt === true ? true : undefined,
    etag: row.etag,
  };
  return withoutUndefined(record as unknown as Record<string, unknown>) as unknown as DigestRecord;
}
