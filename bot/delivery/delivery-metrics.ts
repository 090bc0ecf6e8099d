/** Counters of Teams and Slack delivery, incremented in place and rendered by /metrics. */
export interface DeliveryMetrics {
  /** Delivery attempts by result (`sent`, `throttled`, `recipientGone`, `failed`). */
  deliveries: Record<string, number>;
  /** Card updates (PUT) by result (`updated`, `throttled`, `gone`, `failed`, `skipped`). */
  cardUpdates: Record<string, number>;
  /** Supervisor alerts by how they reached the channel: `card` (within the budget) or `board` (joined the live board). */
  supervisorAlerts: Record<string, number>;
  /** Live drift board cards `posted`, `updated`, `closed` (all clear) and `replaced` (the message was deleted). */
  boardCards: Record<string, number>;
  /** 429 answers from Teams or Slack. */
  throttled: number;
  /** Times a tenant-wide pause was set from a Retry-After. */
  tenantPauses: number;
  /** Personal chats created for agents known only from a team roster. */
  conversationsCreated: number;
  /** Stored references marked dead after a 403 or 404. */
  referencesMarkedDead: number;
  /** Replies in a turn not sent because the Teams budget had no slot in time. */
  repliesDropped: number;
}

/** Fresh zeroed counters. */
export function createDeliveryMetrics(): DeliveryMetrics {
  return {
    deliveries: {},
    cardUpdates: {},
    supervisorAlerts: {},
    boardCards: {},
    throttled: 0,
    tenantPauses: 0,
    conversationsCreated: 0,
    referencesMarkedDead: 0,
    repliesDropped: 0,
  };
}

/** Adds one to `counts[key]`. */
export function countInto(counts: Record<string, number>, key: string): void {
  counts[key] = (counts[key] ?? 0) + 1;
}
