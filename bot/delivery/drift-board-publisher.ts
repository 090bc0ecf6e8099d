import type { AlertBoardLedger } from '../../src/app/alert-board-ledger';
import type { DeliveryResult } from '../../src/app/ports/alert-notifier';
import type { ConversationRecord } from '../../src/app/ports/conversation-store';
import type { Clock } from '../../src/platform/clock';
import type { Logger } from '../../src/platform/logger';
import { describeError } from '../../src/platform/describe-error';
import type { BoardCardLocation, BoardRow } from '../../src/domain/alert-board';
import type { AdaptiveCard } from '../cards/adaptive-card';
import { buildClosedDriftBoardCard, buildDriftBoardCard } from '../cards/drift-board-card';
import { describeEpisode } from '../cards/episode-view';
import type { TeamAwareDirectory } from '../commands/watch-target-resolver';
import type { DeliveryMetrics } from './delivery-metrics';
import { countInto } from './delivery-metrics';
import type { TeamsFailure, TeamsMessenger } from './teams-messenger';
import type { TeamsSendLimiter } from './teams-send-limiter';

/** Ports and settings of a {@link DriftBoardPublisher}. */
export interface DriftBoardPublisherDeps {
  readonly ledger: AlertBoardLedger;
  readonly messenger: TeamsMessenger;
  readonly limiter: TeamsSendLimiter;
  readonly directory: TeamAwareDirectory;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly metrics: DeliveryMetrics;
  /** The supervisor board tab, linked from a board that leaves rows off. */
  readonly boardUrl?: () => string | undefined;
  /** How long a claim to post a channel's board card keeps other instances from posting one; default 60 s. */
  readonly postClaimInMs?: number;
  /** A Teams failure of a channel call (429 pauses the tenant, 403/404 marks the channel dead): the notifier's rule. */
  readonly noteFailure: (channel: ConversationRecord, failure: TeamsFailure) => Promise<void>;
}

/** What showing a channel's board came to. */
export type BoardPublication =
  /** The card shows the board as it was at some version at or after the caller's change. */
  | { readonly status: 'shown'; readonly location: BoardCardLocation }
  /** The last row left: the card says all clear (or there was no card to close). */
  | { readonly status: 'closed'; readonly location?: BoardCardLocation }
  | TeamsFailure;

/** How long to wait before asking again while another instance posts the board card. */
const BUSY_RETRY_IN_MS = 2_000;
/** Rounds of render-and-check before this caller leaves further changes to those who made them. */
const MAX_ROUNDS = 5;

/**
 * Shows each supervisor channel's live drift board in Teams: posts the board card once (one instance claims the post
 * through the ledger), then replaces it in place (PUT) as rows join, change and leave, and says all clear when the
 * last row left. Every call goes through the Teams limiter. Concurrent changes converge: a render is checked against
 * the ledger's version after its PUT and rendered again if the board moved on meanwhile, and within one process the
 * changes to one channel queue behind the render in flight and are shown by one more render, not one each.
 */
export class DriftBoardPublisher {
  private readonly log: Logger;
  private readonly postClaimInMs: number;
  /** Per channel key: the render in flight and at most one queued behind it. */
  private readonly queues = new Map<
    string,
    { running: Promise<BoardPublication>; queued?: Promise<BoardPublication> }
  >();

  constructor(private readonly deps: DriftBoardPublisherDeps) {
    this.log = deps.logger.child({ component: 'drift-board' });
    this.postClaimInMs = deps.postClaimInMs ?? 60_000;
  }

  /**
   * Brings the channel's board card in line with the ledger (after the caller changed it): resolves once a card
   * showing that change (or a later state) is in Teams, or with the Teams failure that stopped it.
   */
  publish(channel: ConversationRecord, signal?: AbortSignal): Promise<BoardPublication> {
    const key = channel.key;
    const queue = this.queues.get(key);
    if (queue === undefined) {
      const running = this.runThenNext(key, channel, signal);
      this.queues.set(key, { running });
      return running;
    }
    // A render in flight may have read the board before the caller's change: one more render after it shows it.
    queue.queued ??= queue.running.then(
      () => this.startQueued(key, channel, signal),
      () => this.startQueued(key, channel, signal),
    );
    return queue.queued;
  }

  /** The board card as it stands now (all clear when it has no row), for a click's answer; undefined: no board here. */
  async render(channelKey: string): Promise<AdaptiveCard | undefined> {
    const { ledger, rows } = await this.deps.ledger.read(channelKey);
    if (ledger === undefined || (ledger.boardCard === undefined && rows.length === 0)) return undefined;
    return rows.length === 0 ? this.closedCard() : this.cardOf(rows);
  }

  private startQueued(
    key: string,
    channel: ConversationRecord,
    signal?: AbortSignal,
  ): Promise<BoardPublication> {
    const queue = this.queues.get(key)!;
    const running = this.runThenNext(key, channel, signal);
    queue.running = running;
    queue.queued = undefined;
    return running;
  }

  private runThenNext(
    key: string,
    channel: ConversationRecord,
    signal?: AbortSignal,
  ): Promise<BoardPublication> {
    const run = this.run(channel, signal).catch((error: unknown): BoardPublication => {
      const reason = describeError(error);
      this.log.error({ key, err: reason }, 'board update failed');
      return { status: 'failed', reason, isRetryable: true };
    });
    void run.then(() => {
      const queue = this.queues.get(key);
      if (queue !== undefined && queue.running === run && queue.queued === undefined) this.queues.delete(key);
    });
    return run;
  }

  private async run(channel: ConversationRecord, signal?: AbortSignal): Promise<BoardPublication> {
    const { ledger: boards } = this.deps;
    let shown: BoardPublication | undefined;
    for (let round = 0; round < MAX_ROUNDS; round += 1) {
      const { ledger, rows } = await boards.read(channel.key);
      if (ledger === undefined) return { status: 'closed' };
      const card = ledger.boardCard;
      if (rows.length === 0) {
        if (card === undefined) return { status: 'closed' };
        const closed = await this.put(channel, card, this.closedCard(), signal);
        if (closed.status !== 'ok' && closed.status !== 'gone') return closed;
        // Forgotten only if no row joined meanwhile; else the next round shows the board again in the same card.
        if (await boards.forgetBoardCard(channel.key, card.activityId, ledger.version)) {
          countInto(this.deps.metrics.boardCards, 'closed');
          this.log.info({ key: channel.key }, 'drift board closed: all clear');
          return { status: 'closed', location: card };
        }
        continue;
      }
      const rendered = ledger.version;
      if (card === undefined) {
        const posted = await this.post(channel, rows, signal);
        if (posted.status !== 'posted') return posted;
        shown = { status: 'shown', location: posted.location };
      } else {
        const result = await this.put(channel, card, this.cardOf(rows), signal);
        if (result.status === 'gone') {
          // The board message was deleted in Teams: forget it, and the next round posts a new one.
          await boards.forgetBoardCard(channel.key, card.activityId);
          countInto(this.deps.metrics.boardCards, 'replaced');
          continue;
        }
        if (result.status !== 'ok') return result;
        countInto(this.deps.metrics.boardCards, 'updated');
        shown = { status: 'shown', location: card };
      }
      // Shown as of `rendered`; if the board moved on meanwhile, show it again (its writer may be waiting on us).
      if ((await boards.versionOf(channel.key)) === rendered) return shown;
    }
    return shown ?? { status: 'failed', reason: 'the board kept changing', isRetryable: true };
  }

  /** Claims the post, posts the board card as a new thread in the channel, records where it landed. */
  private async post(
    channel: ConversationRecord,
    rows: readonly BoardRow[],
    signal?: AbortSignal,
  ): Promise<{ readonly status: 'posted'; readonly location: BoardCardLocation } | BoardPublication> {
    const { ledger: boards } = this.deps;
    const claim = await boards.claimBoardPost(channel.key, this.now(), this.postClaimInMs);
    if (claim.kind === 'busy') return { status: 'throttled', retryAfterMs: BUSY_RETRY_IN_MS };
    if (claim.kind === 'notNeeded')
      return claim.ledger?.boardCard === undefined
        ? { status: 'closed' }
        : { status: 'posted', location: claim.ledger.boardCard };
    const wait = await this.deps.limiter.acquire(channel.conversationId, channel.tenantId, signal);
    const isSlotTaken = !signal?.aborted && wait === 0;
    const result: DeliveryResult = isSlotTaken
      ? await this.deps.messenger.postToChannel(channel, this.cardOf(rows))
      : signal?.aborted
        ? { status: 'notSent', reason: 'draining: the board was still waiting for a slot' }
        : { status: 'throttled', retryAfterMs: wait };
    if (result.status !== 'sent') {
      await boards.releaseBoardPost(channel.key);
      // What Teams answered (429, 403/404) is noted like any channel send; a wait for our own limiter is not.
      if (isSlotTaken) await this.deps.noteFailure(channel, result);
      return result;
    }
    const location = {
      conversationId: result.conversationId,
      activityId: result.activityId,
      postedAt: this.now(),
    };
    await boards.recordBoardPosted(channel.key, location);
    countInto(this.deps.metrics.boardCards, 'posted');
    this.log.info({ key: channel.key, rows: rows.length }, 'drift board posted');
    return { status: 'posted', location };
  }

  /** Replaces the board card in place, within the Teams limits; `gone`: the message no longer exists. */
  private async put(
    channel: ConversationRecord,
    card: BoardCardLocation,
    content: AdaptiveCard,
    signal?: AbortSignal,
  ): Promise<{ readonly status: 'ok' } | { readonly status: 'gone' } | TeamsFailure> {
    const location = {
      serviceUrl: channel.serviceUrl,
      conversationId: card.conversationId,
      tenantId: channel.tenantId,
      reference: channel.reference,
    };
    const wait = await this.deps.limiter.acquire(card.conversationId, channel.tenantId, signal);
    if (signal?.aborted)
      return { status: 'notSent', reason: 'draining: the board was still waiting for a slot' };
    if (wait > 0) return { status: 'throttled', retryAfterMs: wait };
    const result = await this.deps.messenger.updateCard(location, card.activityId, content);
    countInto(this.deps.metrics.cardUpdates, result.status === 'ok' ? 'updated' : result.status);
    if (result.status === 'ok') return { status: 'ok' };
    // 404 ActivityNotFoundInConversation on an update: the message was deleted; nothing to mark dead.
    if (result.status === 'recipientGone') return { status: 'gone' };
    if (result.status === 'throttled') await this.deps.noteFailure(channel, result);
    return result;
  }

  private cardOf(rows: readonly BoardRow[]): AdaptiveCard {
    const now = this.now();
    return buildDriftBoardCard(
      rows.map((row) => describeEpisode(row.episode, this.deps.directory, now)),
      { perHour: this.deps.ledger.perHour, now, boardUrl: this.deps.boardUrl?.() },
    );
  }

  private closedCard(): AdaptiveCard {
    return buildClosedDriftBoardCard({ perHour: this.deps.ledger.perHour, now: this.now() });
  }

  private now(): number {
    return this.deps.clock.now();
  }
}
