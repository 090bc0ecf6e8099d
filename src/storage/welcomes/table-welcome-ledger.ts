import { odata, type TableClient, type TableEntityResult } from '@azure/data-tables';
import type { WelcomeLedger, WelcomeRecord, WelcomeScope } from '../../app/ports/welcome-ledger';
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
 * Welcome markers in Azure Table Storage: PartitionKey = scope (`personal` | `team`), RowKey = Entra object id or
 * team id. `create` is an insert (409 = the scope already has its welcome), so two instances receiving the two install
 * events at once still welcome once; `update` is guarded by the ETag.
 */
export class TableWelcomeLedger extends InsertOnceLedgerTable<WelcomeRecord> implements WelcomeLedger {
  constructor(client: TableClient) {
    super(client, { toRow, fromRow });
  }

  get(scope: WelcomeScope, scopeId: string): Promise<WelcomeRecord | undefined> {
    return this.find(scope, encodeKey(scopeId));
  }

  async *listPending(): AsyncIterable<WelcomeRecord> {
    const filter = odata`status eq ${'pending'}`;
    for await (const row of this.client.listEntities<Row>({ queryOptions: { filter } })) yield fromRow(row);
  }
}

function toRow(record: WelcomeRecord): Row {
  return withoutUndefined({
    partitionKey: record.scope,
    rowKey: encodeKey(record.scopeId),
    scopeId: record.scopeId,
    status: record.status,
    tenantId: record.tenantId,
    serviceUrl: record.serviceUrl,
    conversationId: record.conversationId,
    referenceJson: JSON.stringify(record.reference),
    cardJson: record.card === undefined ? undefined : JSON.stringify(record.card),
    createdAt: doubleProperty(record.createdAt),
    attempts: record.attempts,
    notBefore: doubleProperty(record.notBefore),
    claimedAt: optionalDouble(record.claimedAt),
    sentAt: optionalDouble(record.sentAt),
    lastError: record.lastError?.slice(0, maxLedgerErrorLength),
  });
}

function fromRow(row: TableEntityResult<Row>): WelcomeRecord {
  const cardJson = readString(row.cardJson);
  const record: WelcomeRecord = {
    scope: row.partitionKey as WelcomeScope,
    scopeId: readString(row.scopeId) ?? '',
    status: readString(row.status) as WelcomeRecord['status'],
    tenantId: readString(row.tenantId),
    serviceUrl: readString(row.serviceUrl) ?? '',
    conversationId: readString(row.conversationId) ?? '',
    reference: JSON.parse(readString(row.referenceJson) ?? '{}') as Record<string, unknown>,
    card: cardJson === undefined ? undefined : (JSON.parse(cardJson) as object),
    createdAt: requireNumber(row.createdAt, 'createdAt'),
    attempts: readNumber(row.attempts) ?? 0,
    notBefore: requireNumber(row.notBefore, 'notBefore'),
    claimedAt: readNumber(row.claimedAt),
    sentAt: readNumber(row.sentAt),
    lastError: readString(row.lastError),
    etag: row.etag,
  };
  return withoutUndefined(record as unknown as Record<string, unknown>) as unknown as WelcomeRecord;
}
