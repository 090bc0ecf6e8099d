import type { AlertPresentation } from '../../domain/alert-budget';
import type { EpisodeChange } from '../../domain/drift-commands';
import type { DriftEpisode } from '../../domain/drift-episode';
import type { OutboxAlert } from './alert-outbox';

/** Outcome of one delivery attempt (expected outcomes are values, not exceptions). */
export type DeliveryResult =
  | {
      readonly status: 'sent';
      readonly conversationId: string;
      readonly activityId: string;
      /** `board`: the alert joined the channel's live drift board (recorded on the outbox row). */
      readonly presentation?: AlertPresentation;
    }
  | { readonly status: 'throttled'; readonly retryAfterMs: number }
  | { readonly status: 'recipientGone'; readonly reason: string }
  | { readonly status: 'failed'; readonly reason: string; readonly isRetryable: boolean }
  /** Not attempted: the sender is stopping and nothing left this process, so the row goes back to pending as it was. */
  | { readonly status: 'notSent'; readonly reason: string };

/** What a delivery may be told by its caller. */
export interface DeliveryOptions {
  /**
   * Aborted when the sender starts draining (SIGTERM): a send still waiting (e.g. for a rate-limit slot) answers
   * `notSent` instead of going out. A request already on the wire is never cut off: its outcome must be recorded.
   */
  readonly signal?: AbortSignal;
}

/** Sends alerts and updates their cards (Teams, Slack). Implemented at the edge (bot/). */
export interface AlertNotifier {
  deliver(alert: OutboxAlert, options?: DeliveryOptions): Promise<DeliveryResult>;
  /**
   * Re-renders every card of the episode in place, for everyone. `rows`: the episode's outbox rows as they stand (its
   * ledger): the sent ones are the cards to re-render; a dead-lettered one tells the cards what did not arrive.
   */
  updateCards(episode: DriftEpisode, change: EpisodeChange, rows: readonly OutboxAlert[]): Promise<void>;
}
