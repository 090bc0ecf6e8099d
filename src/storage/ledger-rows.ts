import type { TableClient, TableEntity, TableEntityResult } from '@azure/data-tables';
import { hasStatus } from './table-codec';

type Row = Record<string, unknown> & { partitionKey: string; rowKey: string };

/**
 * The three row operations of an insert-once ledger (welcomes, weekly digests): `createOnce` is an insert that answers
 * false when the row exists (409: someone else has it), `getRow` undefined when it does not (404), and
 * `replaceIfCurrent` a replace guarded by the ETag that answers false when the row changed or went (412, 404).
 */
export async function createOnce(client: TableClient, row: TableEntity<Row>): Promise<boolean> {
  try {
    await client.createEntity(row);
    return true;
  } catch (error) {
    if (hasStatus(error, 409)) return false;
    throw error;
  }
}

/** The row, or undefined when there is none (404). */
export async function getRow<T extends Row>(
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
export async function replaceIfCurrent(
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
