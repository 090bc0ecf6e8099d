import type { RouteRecord, RouteScope, RouteStore } from '../../app/ports/route-store';

const keyOf = (scope: RouteScope, targetId: string, conversationKey: string): string =>
  `${scope}\u0000${targetId}\u0000${conversationKey}`;

/** Routing rules in a Map: the in-memory twin of the Table store. */
export class InMemoryRouteStore implements RouteStore {
  private readonly rows = new Map<string, RouteRecord>();

  async upsert(route: RouteRecord): Promise<void> {
    this.rows.set(keyOf(route.scope, route.targetId, route.conversationKey), route);
  }

  async delete(scope: RouteScope, targetId: string, conversationKey: string): Promise<void> {
    this.rows.delete(keyOf(scope, targetId, conversationKey));
  }

  async *list(): AsyncIterable<RouteRecord> {
    for (const row of [...this.rows.values()]) yield row;
  }

  async listByConversation(conversationKey: string): Promise<RouteRecord[]> {
    return [...this.rows.values()].filter((row) => row.conversationKey === conversationKey);
  }
}
