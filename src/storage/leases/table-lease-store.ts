import { odata, type TableClient, type TableEntityResult } from '@azure/data-tables';
import type { Lease, LeaseStore } from '../../app/ports/lease-store';
import { doubleProperty, encodeKey, hasStatus, readString, requireNumber } from '../table-codec';

type Row = Record<string, unknown> & { partitionKey: string; rowKey: string };

const partitionKey = 'lease';

/**
 * Leases in Azure Table Storage: PartitionKey `lease`, RowKey = resource. Taking a free lease is a create (409 means
 * another instance won); taking an expired or own lease is a replace guarded by the ETag (412 means another won).
 */
export class TableLeaseStore implements LeaseStore {
  constructor(private readonly client: TableClient) {}

  async acquire(resource: string, owner: string, ttlMs: number, now: number): Promise<Lease | undefined> {
    const lease: Lease = { resource, owner, expiresAt: now + ttlMs };
    const entity = {
      partitionKey,
      rowKey: encodeKey(resource),
      resource,
      owner,
      expiresAt: doubleProperty(lease.expiresAt),
    };
    // Two rounds: losing a create race re-reads once, since the winner may be this same owner (a concurrent renew).
    for (let round = 0; round < 2; round += 1) {
      const row = await this.read(resource);
      try {
        if (!row) {
          await this.client.createEntity(entity);
          return lease;
        }
        if (readString(row.owner) !== owner && requireNumber(row.expiresAt, 'expiresAt') > now)
          return undefined;
        await this.client.updateEntity(entity, 'Replace', { etag: row.etag });
        return lease;
      } catch (error) {
        if (!hasStatus(error, 409) && !hasStatus(error, 412) && !hasStatus(error, 404)) throw error;
      }
    }
    return undefined;
  }

  async release(resource: string, owner: string): Promise<void> {
    const row = await this.read(resource);
    if (!row || readString(row.owner) !== owner) return;
    try {
      await this.client.deleteEntity(partitionKey, encodeKey(resource), { etag: row.etag });
    } catch (error) {
      // 412: someone took it over since our read, so it is not ours to delete any more.
      if (!hasStatus(error, 404) && !hasStatus(error, 412)) throw error;
    }
  }

  async *list(): AsyncIterable<Lease> {
    for await (const row of this.client.listEntities<Row>({
      queryOptions: { filter: odata`PartitionKey eq ${partitionKey}` },
    })) {
      yield {
        resource: readString(row.resource) ?? '',
        owner: readString(row.owner) ?? '',
        expiresAt: requireNumber(row.expiresAt, 'expiresAt'),
      };
    }
  }

  private async read(resource: string): Promise<TableEntityResult<Row> | undefined> {
    try {
      return await this.client.getEntity<Row>(partitionKey, encodeKey(resource));
    } catch (error) {
      if (hasStatus(error, 404)) return undefined;
      throw error;
    }
  }
}
