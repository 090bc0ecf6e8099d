import type { AlertNotifier, DeliveryOptions, DeliveryResult } from '../../src/app/ports/alert-notifier';
import type { AlertOutbox, OutboxAlert } from '../../src/app/ports/alert-outbox';
import { outboxAlertId } from '../../src/app/outbox-alert';
import type { ConversationRecord, ConversationStore } from '../../src/app/ports/conversation-store';
import type { DriftHistoryStore } from '../../src/app/ports/drift-history-store';
import type { DriftStateStore } from '../../src/app/ports/drift-state-store';
import type { RouteStore } from '../../src/app/ports/route-store';
import type { Clock } from '../../src/platform/clock';
import type { Logger } from '../../src/platform/logger';
import type { EpisodeChange } from '../../src/domain/drift-commands';
import type { DriftEpisode } from '../../src/domain/drift-episode';
import type { TeamAwareDirectory } from '../commands/watch-target-resolver';
import { baseConversationId, channelKey } from '../handlers/turn-info';
import {
  createChannelAlertBoards,
  type AlertBudgetOptions,
  type ChannelAlertBoards,
} from './channel-alert-boards';
import type { AlertCardRenderer } from './alert-card-renderer';
import type { DeliveryMetrics } from './delivery-metrics';
import { findSupervisorChannel } from './supervisor-channel';
import { countInto, createDeliveryMetrics } from './delivery-metrics';
import type { AdaptiveCard } from '../cards/adaptive-card';
import type { ConversationLocation, TeamsCallResult, TeamsMessenger } from './teams-messenger';
import type { TeamsSendLimiter } from './teams-send-limiter';

/** Ports of a {@link TeamsAlertNotifier}. */
export interface TeamsAlertNotifierDeps {
  readonly messenger: TeamsMessenger;
  readonly conversations: ConversationStore;
  readonly routes: RouteStore;
  readonly outbox: AlertOutbox;
  readonly directory: TeamAwareDirectory;
  readonly renderer: AlertCardRenderer;
  readonly limiter: TeamsSendLimiter;
  readonly clock: Clock;
  readonly logger: Logger;
  /** When given, a delivery renders the episode as it is now rather than as it was when the alert was raised. */
  readonly driftState?: DriftStateStore;
  /** With `driftState`: an episode that ended before its (retried) delivery is rendered as it ended. */
  readonly history?: DriftHistoryStore;
  readonly metrics?: DeliveryMetrics;
  /** The supervisor alert budget and live drift boards; absent: every supervisor alert is a card of its own. */
  readonly boards?: AlertBudgetOptions;
}

/** Reason given when no personal chat can be reached for the agent (shown on the supervisor card). */
export const APP_NOT_INSTALLED = 'app not installed for the agent';
/** Reason given when no channel watches the agent's unit or team. */
export const NO_SUPERVISOR_CHANNEL = 'no supervisor channel watches this unit';

/**
 * Delivers nudges to the agent's personal chat and alerts to the supervisor channel that watches the agent's team,
 * else unit, else everything: as a card of its own while the channel is within its alert budget, else as a row of the
 * channel's live drift board; keeps within Teams limits; marks references dead on 403/404; and re-renders every sent
 * card of an episode in place (PUT), board rows on their board, so every viewer sees the change, not only the clicker.
 */
export class TeamsAlertNotifier implements AlertNotifier {
  readonly metrics: DeliveryMetrics;
  private readonly log: Logger;
  private readonly boards?: ChannelAlertBoards;

  constructor(private readonly deps: TeamsAlertNotifierDeps) {
    this.metrics = deps.metrics ?? createDeliveryMetrics();
    this.log = deps.logger.child({ component: 'teams-notifier' });
    if (deps.boards !== undefined)
      this.boards = createChannelAlertBoards(deps.boards, {
        ...deps,
        metrics: this.metrics,
        noteFailure: (channel, failure) => this.noteFailure(channel, failure),
      });
  }

  /** The live drift board card of a channel (by its ConversationStore key) as it stands now; undefined: none there. */
  async renderBoard(key: string): Promise<AdaptiveCard | undefined> {
    return this.boards?.render(key);
  }

  async deliver(alert: OutboxAlert, options: DeliveryOptions = {}): Promise<DeliveryResult> {
    const result = await this.deliverNow(alert, options.signal);
    countInto(this.metrics.deliveries, result.status);
    const fields = {
      alertId: alert.id,
      episodeId: alert.episodeId,
      agentId: alert.agentId,
      status: result.status,
    };
    if (result.status === 'sent')
      this.log.info({ ...fields, presentation: result.presentation }, 'teams message sent');
    else
      this.log.warn(
        { ...fields, reason: 'reason' in result ? result.reason : undefined },
        'teams message not sent',
      );
    return result;
  }

  async updateCards(
    episode: DriftEpisode,
    change: EpisodeChange,
    rows: readonly OutboxAlert[],
  ): Promise<void> {
    // The whole ledger (dead-lettered rows too) tells the supervisor card whether the nudge got through.
    for (const row of rows) {
      if (
        row.presentation === 'board' ||
        row.status !== 'sent' ||
        row.recipient === 'slack' ||
        row.conversationId === undefined ||
        row.activityId === undefined
      )
        continue;
      const outcome = await this.updateOne(row, episode, rows);
      countInto(this.metrics.cardUpdates, outcome);
      this.log.child({ episodeId: episode.id, alertId: row.id }).info({ change, outcome }, 'card update');
    }
    await this.boards?.follow(episode, change, rows);
  }

  private async deliverNow(alert: OutboxAlert, signal?: AbortSignal): Promise<DeliveryResult> {
    if (alert.recipient === 'slack')
      return {
        status: 'failed',
        reason: 'Slack rows are delivered by the Slack notifier',
        isRetryable: false,
      };
    // A card needs of the ledger only whether the nudge was dead-lettered: its one row, read by id (a nudge is it).
    const nudgeId = outboxAlertId(alert.episodeId, 'nudge', 'agent');
    const nudge = alert.id === nudgeId ? alert : await this.deps.outbox.get(nudgeId);
    const rows = nudge === undefined ? [] : [nudge];
    const episode = await this.latestEpisode(alert);
    if (alert.recipient === 'agent')
      return this.deliverToAgent(alert, this.deps.renderer.render(alert.kind, episode, rows), signal);
    return this.deliverToChannel(alert, episode, rows, signal);
  }

  private async latestEpisode(alert: OutboxAlert): Promise<DriftEpisode> {
    if (this.deps.driftState === undefined) return alert.episode;
    const state = await this.deps.driftState.get({
      managementUnitId: alert.managementUnitId,
      agentId: alert.agentId,
    });
    if (state?.episode?.id === alert.episodeId) return state.episode;
    // No longer the agent's current episode: it ended; history keeps it as it ended.
    const ended = await this.deps.history?.get(alert.episodeId, alert.managementUnitId);
    return ended?.episode ?? alert.episode;
  }

  private async deliverToAgent(
    alert: OutboxAlert,
    card: object,
    signal?: AbortSignal,
  ): Promise<DeliveryResult> {
    let record = await this.findAgentConversation(alert.agentId);
    if (record === undefined) return { status: 'recipientGone', reason: APP_NOT_INSTALLED };
    if (record.deadReason !== undefined && !isConversationNotFound(record.deadReason))
      return { status: 'recipientGone', reason: record.deadReason };
    for (let attempt = 0; attempt < 2; attempt += 1) {
      if (record.conversationId === '' || record.deadReason !== undefined) {
        const created = await this.createConversation(record, signal);
        if (created.status !== 'ok')
          return created.status === 'recipientGone'
            ? { status: 'recipientGone', reason: APP_NOT_INSTALLED }
            : created;
        record = created.value;
      }
      const result = await this.send(record, () => this.deps.messenger.sendToPersonal(record!, card), signal);
      // 404 ConversationNotFound (the chat was deleted): create the chat again once (learn.microsoft.com/microsoftteams/platform/bots/how-to/conversations/conversation-messages, status codes).
      if (
        result.status === 'recipientGone' &&
        isConversationNotFound(result.reason) &&
        record.aadObjectId !== undefined &&
        attempt === 0
      ) {
        record = { ...record, deadReason: result.reason };
        continue;
      }
      return result;
    }
    return { status: 'recipientGone', reason: APP_NOT_INSTALLED };
  }

  private async deliverToChannel(
    alert: OutboxAlert,
    episode: DriftEpisode,
    rows: readonly OutboxAlert[],
    signal?: AbortSignal,
  ): Promise<DeliveryResult> {
    const channel = await findSupervisorChannel(episode, this.deps);
    if (channel === undefined) return { status: 'recipientGone', reason: NO_SUPERVISOR_CHANNEL };
    const postCard = (): Promise<DeliveryResult> => {
      const card = this.deps.renderer.render(alert.kind, episode, rows);
      return this.send(channel, () => this.deps.messenger.postToChannel(channel, card), signal);
    };
    // The alert budget decides, once per alert, durably: a card of its own, or a row of the channel's live board.
    return this.boards === undefined
      ? postCard()
      : this.boards.deliver(channel, alert, episode, postCard, signal);
  }

  /** The agent's personal chat by Genesys agent id, else a record known by the agent's email (then linked). */
  private async findAgentConversation(agentId: string): Promise<ConversationRecord | undefined> {
    const linked = await this.deps.conversations.findByAgentId(agentId);
    if (linked) return linked;
    const email = this.deps.directory.getAgent(agentId)?.email;
    if (email === undefined) return undefined;
    const byEmail = await this.deps.conversations.findByEmail(email);
    if (byEmail === undefined || byEmail.kind !== 'personal') return undefined;
    const record = { ...byEmail, agentId, updatedAt: this.deps.clock.now() };
    await this.deps.conversations.upsert(record);
    return record;
  }

  private async createConversation(
    record: ConversationRecord,
    signal?: AbortSignal,
  ): Promise<TeamsCallResult<ConversationRecord>> {
    if (record.aadObjectId === undefined) return { status: 'recipientGone', reason: APP_NOT_INSTALLED };
    const wait = await this.deps.limiter.acquire(`create:${record.aadObjectId}`, record.tenantId, signal);
    if (signal?.aborted) return NOT_SENT;
    if (wait > 0) return { status: 'throttled', retryAfterMs: wait };
    const created = await this.deps.messenger.createPersonalConversation({
      aadObjectId: record.aadObjectId,
      tenantId: record.tenantId,
      serviceUrl: record.serviceUrl,
    });
    if (created.status !== 'ok') {
      await this.noteFailure(record, created);
      return created;
    }
    const next: ConversationRecord = {
      ...record,
      conversationId: created.value.conversationId,
      reference: created.value.reference,
      deadReason: undefined,
      updatedAt: this.deps.clock.now(),
    };
    await this.deps.conversations.upsert(next);
    this.metrics.conversationsCreated += 1;
    this.log.info({ agentId: record.agentId }, 'personal chat created for a rostered agent');
    return { status: 'ok', value: next };
  }

  /** Waits for a slot, then calls Teams; a drain signalled while waiting answers `notSent` (nothing went out). */
  private async send(
    record: ConversationRecord,
    call: () => Promise<DeliveryResult>,
    signal?: AbortSignal,
  ): Promise<DeliveryResult> {
    const wait = await this.deps.limiter.acquire(record.conversationId, record.tenantId, signal);
    if (signal?.aborted) return NOT_SENT;
    if (wait > 0) return { status: 'throttled', retryAfterMs: wait };
    const result = await call();
    if (result.status !== 'sent') await this.noteFailure(record, result);
    return result;
  }

  /** 429 pauses the tenant; 403/404 mark the stored reference dead so nobody uses it again. */
  private async noteFailure(
    record: ConversationRecord,
    result: Exclude<DeliveryResult, { status: 'sent' }>,
  ): Promise<void> {
    if (result.status === 'throttled') {
      this.metrics.throttled += 1;
      this.metrics.tenantPauses += 1;
      this.deps.limiter.pauseTenant(record.tenantId, this.deps.clock.now() + result.retryAfterMs);
      this.log.warn({ retryAfterMs: result.retryAfterMs }, 'teams throttled: tenant paused');
    } else if (result.status === 'recipientGone') {
      this.metrics.referencesMarkedDead += 1;
      await this.deps.conversations.upsert({
        ...record,
        deadReason: result.reason,
        updatedAt: this.deps.clock.now(),
      });
      this.log.warn(
        { key: record.kind === 'channel' ? record.key : undefined, kind: record.kind, reason: result.reason },
        'conversation reference marked dead',
      );
    }
  }

  private async updateOne(
    row: OutboxAlert,
    episode: DriftEpisode,
    ledger: readonly OutboxAlert[],
  ): Promise<string> {
    const location = await this.locate(row);
    if (location === undefined) return 'skipped';
    const card = this.deps.renderer.render(row.kind, episode, ledger);
    for (let attempt = 0; attempt < 2; attempt += 1) {
      const wait = await this.deps.limiter.acquire(location.conversationId, location.tenantId);
      if (wait > 0) return 'skipped';
      const result = await this.deps.messenger.updateCard(location, row.activityId!, card);
      if (result.status === 'ok') return 'updated';
      if (result.status === 'throttled') {
        this.metrics.throttled += 1;
        this.metrics.tenantPauses += 1;
        this.deps.limiter.pauseTenant(location.tenantId, this.deps.clock.now() + result.retryAfterMs);
        continue;
      }
      if (result.status === 'failed' && result.isRetryable) continue;
      // 404 ActivityNotFoundInConversation on an update means the message was deleted: nothing to mark dead.
      return result.status === 'recipientGone' ? 'gone' : 'failed';
    }
    return 'failed';
  }

  /** Where a sent row's message lives: its conversation with the service URL of the stored reference. */
  private async locate(row: OutboxAlert): Promise<ConversationLocation | undefined> {
    const conversationId = row.conversationId!;
    const record =
      row.recipient === 'supervisorChannel'
        ? await this.deps.conversations.get(channelKey(baseConversationId(conversationId)))
        : await this.deps.conversations.findByAgentId(row.agentId);
    if (record === undefined) {
      this.log.warn({ alertId: row.id }, 'no stored conversation for a sent card; cannot update it');
      return undefined;
    }
    return {
      serviceUrl: record.serviceUrl,
      conversationId,
      tenantId: record.tenantId,
      reference: record.reference,
    };
  }
}

const NOT_SENT: Extract<DeliveryResult, { status: 'notSent' }> = {
  status: 'notSent',
  reason: 'draining: the send was still waiting for a slot',
};

function isConversationNotFound(reason: string): boolean {
  return reason.includes('ConversationNotFound') || reason.startsWith('404');
}
