import type { AlertPresentation } from '../../domain/alert-budget';
import type { DriftEpisode } from '../../domain/drift-episode';

/** Who an outbox row is for: the agent's personal chat, the supervisor channel, or the Slack webhook. */
export type AlertRecipient = 'agent' | 'supervisorChannel' | 'slack';

/** Kind of a proactive message. */
export type AlertKind = 'nudge' | 'supervisorAlert' | 'supervisorReAlert';

/** State of an outbox row. */
export type OutboxStatus = 'pending' | 'sent' | 'deadLettered';

/**
 * One proactive message in the durable outbox and ledger. `id` = `${episodeId}|${kind}|${recipient}` is the
 * idempotency key: enqueuing it twice sends once.
 */
export interface OutboxAlert {
  readonly id: string;
  readonly episodeId: string;
  readonly agentId: string;
  readonly managementUnitId: string;
  readonly kind: AlertKind;
  readonly recipient: AlertRecipient;
  readonly status: OutboxStatus;
  readonly createdAt: number;
  /**
   * When the message was due (epoch ms): the episode's threshold instant for its kind, or the snooze end for a re-alert.
   * A send is measured against it (alert lateness in /metrics). Absent on rows written before it existed.
   */
  readonly dueAt?: number;
  /** Do not attempt before this instant (backoff), epoch ms. */
  readonly notBefore: number;
  readonly attempts: number;
  /** The episode as it was when the alert was raised. */
  readonly episode: DriftEpisode;
  /** Where the message landed, so it can be updated in place. */
  readonly conversationId?: string;
  readonly activityId?: string;
  /**
   * How a supervisor alert reached its channel: `board` = as a row of the channel's live drift board (then
   * `activityId` is the board card's, and updates go to the board); absent = its own card.
   */
  readonly presentation?: AlertPresentation;
  readonly sentAt?: number;
  readonly lastError?: string;
  /**
   * When a dispatcher claimed the row to send it (epoch ms); cleared when the outcome is recorded. A row still claimed
   * when a new owner starts or adopts its unit was in flight when its sender stopped: the outcome is unknown.
   */
  readonly claimedAt?: number;
  /** Row version from the store (ETag); `update` fails when it is no longer current. */
  readonly etag?: string;
}

/** The alert outbox and ledger. */
export interface AlertOutbox {
  /** Adds a pending row; an existing id is left as it is and reported as `exists`. */
  enqueue(alert: OutboxAlert): Promise<'enqueued' | 'exists'>;
  get(id: string): Promise<OutboxAlert | undefined>;
  /** Replaces a row guarded by its version; returns false when someone else changed it first. */
  update(alert: OutboxAlert): Promise<boolean>;
  /** As {@link update}, answering the row as stored (with its new version), or undefined when it was refused. */
  replace(alert: OutboxAlert): Promise<OutboxAlert | undefined>;
  listPending(): AsyncIterable<OutboxAlert>;
  listByEpisode(episodeId: string): Promise<OutboxAlert[]>;
}
