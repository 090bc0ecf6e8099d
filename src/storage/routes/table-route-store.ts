import { odata, type TableClient, type TableEntityResult } from '@azure/data-tables';
import type { RouteRecord, RouteScope, RouteStore } from '../../app/ports/route-store';
import {
  doubleProperty,
  encodeKey,
  hasStatus,
  readString,
  requireNumber,
  withoutUndefined,
} from '../table-codec';

type Row = Record<string, unknown> & { partitionKey: string; rowKey: string };

/** Routing rules in Azure Table Storage: PartitionKey = scope, RowKey = `<target id>|<conversation key>`. */
export class TableRouteStore implements RouteStore {
  constructor(private readonly client: TableClient) {}

  async upsert(route: RouteRecord): Promise<void> {
    await this.client.upsertEntity(
      withoutUndefined({
        partitionKey: route.scope,
        rowKey: rowKeyOf(route.targetId, route.conversationKey),
        scope: route.scope,
        targetId: route.targetId,
        conversationKey: route.conversationKey,
        createdBy: route.createdBy,
        createdAt: doubleProperty(route.createdAt),
      }),
      'Replace',
    );
  }

  async delete(scope: RouteScope, targetId: string, conversationKey: string): Promise<void> {
    try {
      await this.client.deleteEntity(scope, rowKeyOf(targetId, conversationKey));
    } catch (error) {
      if (!hasStatus(error, 404)) throw error;
    }
  }

  async *list(): AsyncIterable<RouteRecord> {
    for await (const row of this.client.listEntities<Row>()) yield fromRow(row);
  }

  async listByConversation(conversationKey: string): Promise<RouteRecord[]> {
    const routes: RouteRecord[] = [];
    for await (const row of this.client.listEntities<Row>({
      queryOptions: { filter: odata`conversationKey eq ${conversationKey}` },
    })) {
      routes.push(fromRow(row));
    }
    return routes;
  }
}

function rowKeyOf(targetId: string, conversationKey: string): string {
  return `${encodeKey(targetId)}|${encodeKey(conversationKey)}`;
}

function fromRow(row: TableEntityResult<Row>): RouteRecord {
  const route: RouteRecord = {
    scope: readString(row.scope) as RouteScope,
    targetId: readString(row.targetId) ?? '',
    conversationKey: readString(row.conversationKey) ?? '',
    createdBy: readString(row.createdBy),
    createdAt: requireNumber(row.createdAt, 'createdAt'),
  };
  return withoutUndefined(route as unknown as Record<string, unknown>) as unknown as RouteRecord;
}
