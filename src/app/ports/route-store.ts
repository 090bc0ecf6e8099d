/** What a supervisor channel watches: everything, a management unit or a work team. */
export type RouteScope = 'all' | 'managementUnit' | 'team';

/** One routing rule: alerts for `scope`/`targetId` go to the channel `conversationKey`. */
export interface RouteRecord {
  readonly scope: RouteScope;
  /** Unit or team id; `*` for `all`. */
  readonly targetId: string;
  readonly conversationKey: string;
  readonly createdBy?: string;
  readonly createdAt: number;
}

/** Routing: management unit or team -> supervisor channel. */
export interface RouteStore {
  upsert(route: RouteRecord): Promise<void>;
  delete(scope: RouteScope, targetId: string, conversationKey: string): Promise<void>;
  list(): AsyncIterable<RouteRecord>;
  listByConversation(conversationKey: string): Promise<RouteRecord[]>;
}
