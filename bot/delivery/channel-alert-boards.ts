import {
  AlertBoardConflictError,
  type AlertBoardLedger,
  type AlertPlacementResult,
} from '../../src/app/alert-board-ledger';
import type { DeliveryResult } from '../../src/app/ports/alert-notifier';
import type { OutboxAlert } from '../../src/app/ports/alert-outbox';
import type { ConversationRecord, ConversationStore } from '../../src/app/ports/conversation-store';
import type { EpisodeChange } from '../../src/domain/drift-commands';
import type { DriftEpisode } from '../../src/domain/drift-episode';
import type { Clock } from '../../src/platform/clock';
import { describeError } from '../../src/platform/describe-error';
import type { Logger } from '../../src/platform/logger';
import type { AdaptiveCard } from '../cards/adaptive-card';
import { baseConversationId, channelKey } from '../handlers/turn-info';
import type { DeliveryMetrics } from './delivery-metrics';
import { countInto } from './delivery-metrics';
import { DriftBoardPublisher, type DriftBoardPublisherDeps } from './drift-board-publisher';

/**
 * The supervisor alert budget of a notifier: beyond it, alerts join the channel's live drift board instead of single
 * cards.
 */
export interface AlertBudgetOptions {
  readonly ledger: AlertBoardLedger;
  /** The supervisor board tab, linked from a board card that leaves rows off. */
  readonly boardUrl?: () => string | undefined;
  /** The clock the budget's rolling hour is counted on; default the notifier's (tests move it an hour ahead). */
  readonly clock?: Clock;
}

/** What the notifier shares with its boards: the Teams gateway, limiter, stores and its failure rule. */
export type ChannelAlertBoardsParts = Omit<DriftBoardPublisherDeps, 'ledger' | 'boardUrl'> & {
  readonly conversations: ConversationStore;
};

/** Builds the boards of a notifier from its budget options and the parts it shares with them. */
export function createChannelAlertBoards(
  budget: AlertBudgetOptions,
  parts: ChannelAlertBoardsParts,
): ChannelAlertBoards {
  return new ChannelAlertBoards({
    ledger: budget.ledger,
    conversations: parts.conversations,
    budgetClock: budget.clock ?? parts.clock,
    metrics: parts.metrics,
    logger: parts.logger,
    publisher: new DriftBoardPublisher({ ...parts, ledger: budget.ledger, boardUrl: budget.boardUrl }),
  });
}

/** Ports of {@link ChannelAlertBoards}. */
interface ChannelAlertBoardsDeps {
  readonly ledger: AlertBoardLedger;
  readonly publisher: DriftBoardPublisher;
  readonly conversations: ConversationStore;
  /** The clock the budget's rolling hour is counted on. */
  readonly budgetClock: Clock;
  readonly metrics: DeliveryMetrics;
  readonly logger: Logger;
}

/**
 * The supervisor alert budget at the Teams edge: decides (once per alert, durably, through the ledger) whether a
 * supervisor alert goes to its channel as a card of its own or as a row of the channel's live drift board, and keeps
 * board rows in line with their episodes. The single card itself is the notifier's to send.
 */
export class ChannelAlertBoards {
  private readonly log: Logger;

  constructor(private readonly deps: ChannelAlertBoardsDeps) {
    this.log = deps.logger;
  }

  /** The live drift board card of a channel (by its ConversationStore key) as it stands now; undefined: none there. */
  render(key: string): Promise<AdaptiveCard | undefined> {
    return this.deps.publisher.render(key);
  }

  /** Delivers a supervisor alert to `channel`: `postCard` while the channel is within its budget, else the board. */
  async deliver(
    channel: ConversationRecord,
    alert: OutboxAlert,
    episode: DriftEpisode,
    postCard: () => Promise<DeliveryResult>,
    signal?: AbortSignal,
  ): Promise<DeliveryResult> {
    const { ledger, budgetClock } = this.deps;
    let placement: AlertPlacementResult;
    try {
      placement = await ledger.place(channel.key, alert.id, episode, budgetClock.now());
    } catch (error) {
      if (!(error instanceof AlertBoardConflictError)) throw error;
      // Other replicas kept changing the board through every retry: the alert goes out as a card of its own (not
      // counted against the budget) rather than wait and risk being dead-lettered. Nothing is dropped.
      this.log.warn(
        { alertId: alert.id, channel: channel.key, err: describeError(error) },
        'alert board busy: the alert goes out as a card of its own',
      );
      countInto(this.deps.metrics.supervisorAlerts, 'card');
      return postCard();
    }
    if (placement.reason !== 'decided') countInto(this.deps.metrics.supervisorAlerts, placement.presentation);
    if (placement.presentation === 'card') {
      const result = await postCard();
      // The card counts from when it went out (it counted from the decision until now). Not awaited: the outbox must
      // record the card as sent at once, or a supervisor's first click on it would find no sent row and be refused.
      if (result.status === 'sent')
        void ledger
          .recordCardSent(channel.key, alert.id, budgetClock.now())
          .catch((error: unknown) =>
            this.log.warn(
              { alertId: alert.id, err: describeError(error) },
              'could not record when the card was sent',
            ),
          );
      return result;
    }
    const shown = await this.deps.publisher.publish(channel, signal);
    if (shown.status === 'shown')
      return { status: 'sent', ...locationOf(shown.location), presentation: 'board' };
    if (shown.status === 'closed')
      // The episode ended before its row was shown (a retried delivery): nothing is left to show for it.
      return {
        status: 'sent',
        ...(shown.location
          ? locationOf(shown.location)
          : { conversationId: channel.conversationId, activityId: '' }),
        presentation: 'board',
      };
    return shown;
  }

  /** The episode changed: its rows on the boards its sent alerts joined follow it, and those boards are shown again. */
  async follow(episode: DriftEpisode, change: EpisodeChange, rows: readonly OutboxAlert[]): Promise<void> {
    const keys = new Set<string>();
    for (const row of rows)
      if (row.presentation === 'board' && row.status === 'sent' && row.conversationId !== undefined)
        keys.add(channelKey(baseConversationId(row.conversationId)));
    for (const key of keys) {
      const log = this.log.child({ episodeId: episode.id, channel: key });
      // One channel's storage or Teams failure must not keep the others' boards from following the episode.
      await this.followOn(key, episode, change, log).catch((error: unknown) =>
        log.error({ change, err: describeError(error) }, 'board update failed'),
      );
    }
  }

  private async followOn(
    key: string,
    episode: DriftEpisode,
    change: EpisodeChange,
    log: Logger,
  ): Promise<void> {
    if (!(await this.deps.ledger.updateRow(key, episode))) return;
    const channel = await this.deps.conversations.get(key);
    if (channel === undefined || channel.deadReason !== undefined) {
      log.warn({ change }, 'board row changed, but the channel can no longer be reached');
      return;
    }
    const shown = await this.deps.publisher.publish(channel);
    log.info({ change, outcome: shown.status }, 'board update');
  }
}

function locationOf(location: { readonly conversationId: string; readonly activityId: string }): {
  conversationId: string;
  activityId: string;
} {
  return { conversationId: location.conversationId, activityId: location.activityId };
}
