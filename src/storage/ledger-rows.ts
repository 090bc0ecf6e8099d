import type { TableClient, TableEntity, TableEntityResult } from '@azure/data-tables';
import { hasStatus } from './table-codec';

/** A ledger row as written: PartitionKey, RowKey and the record's properties. */
export type LedgerRow = Record<string, unknown> & { partitionKey: string; rowKey: string };
type Row = LedgerRow;

/** Keeps a ledger row's `lastError` well under the 64 KB limit of a string property. */
export const maxLedgerErrorLength = 2000;

/** How an insert-once ledger maps its record to and from a row. */
export interface LedgerRowMapping<TRecord> {
  toRow(record: TRecord): LedgerRow;
  fromRow(row: TableEntityResult<LedgerRow>): TRecord;
}

/**
 * An insert-once ledger table (welcomes, weekly digests): `create` inserts (false when the row exists: someone else
 * has it), `find` reads by keys (undefined when absent), `update` replaces while the record's ETag is current.
 */
export class InsertOnceLedgerTable<TRecord extends { readonly etag?: string }> {
  constructor(
    protected readonly client: TableClient,
    private readonly mapping: LedgerRowMapping<TRecord>,
  ) {}

  create(record: TRecord): Promise<boolean> {
    return createOnce(this.client, this.mapping.toRow(record));
  }

  update(record: TRecord): Promise<boolean> {
    return replaceIfCurrent(this.client, this.mapping.toRow(record), record.etag);
  }

  protected async find(partitionKey: string, rowKey: string): Promise<TRecord | undefined> {
    const row = await getRow<LedgerRow>(this.client, partitionKey, rowKey);
    return row === undefined ? undefined : this.mapping.fromRow(row);
  }
}

/**
 * The three row operations of an insert-once ledger (welcomes, weekly digests): `createOnce` is an insert that answers
 * false when the row exists (409: someone else has it), `getRow` undefined when it does not (404), and
 * `replaceIfCurrent` a replace guarded by the ETag that answers false when the row changed or went (412, 404).
 */
async function createOnce(client: TableClient, row: TableEntity<Row>): Promise<boolean> {
  try {
    await client.createEntity(row);
    return true;
  } catch (error) {
    if (hasStatus(error, 409)) return false;
    throw error;
  }
}

/** The row, or undefined when there is none (404). */
async function getRow<T extends Row>(
  client: TableClient,
  partitionKey: string,
  rowKey: string,
): Promise<TableEntityResult<T> | undefined> {
  try {
    return await client.getEntity<T>(partitionKey, rowKey);
  } catch (error) {
    if (hasStatus(error, 404)) return undefined;
    throw error;
  }
}

/** Replaces the row if `etag` is still its version; false when someone changed or deleted it first. */
async function replaceIfCurrent(
  client: TableClient,
  row: TableEntity<Row>,
  etag: string | undefined,
): Promise<boolean> {
  if (etag === undefined) return false;
  try {
    await client.updateEntity(row, 'Replace', { etag });
    return true;
  } catch (error) {
    if (hasStatus(error, 412) || hasStatus(error, 404)) return false;
    throw error;
  }
}
