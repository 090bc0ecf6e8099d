import type { ActionSink } from '../../src/app/ports/action-sink';
import type { AlertOutbox, OutboxAlert } from '../../src/app/ports/alert-outbox';
import type { ConversationStore } from '../../src/app/ports/conversation-store';
import type { Clock } from '../../src/platform/clock';
import type { Logger } from '../../src/platform/logger';
import type { DriftAction } from '../../src/domain/drift-commands';
import type { CardActionRequest } from '../cards/card-actions';
import { parseCardAction } from '../cards/card-actions';
import { isBoardAction } from '../cards/drift-board-card';
import type { AlertCardRenderer } from '../delivery/alert-card-renderer';
import type { TurnInfo } from './turn-info';
import { baseConversationId, channelKey } from './turn-info';

/** Ports and settings of a {@link CardActionHandler}. */
export interface CardActionHandlerDeps {
  readonly outbox: AlertOutbox;
  readonly conversations: ConversationStore;
  /** Applies the action and answers with the episode it produced (the DriftMonitor). */
  readonly actions: ActionSink;
  readonly renderer: AlertCardRenderer;
  readonly clock: Clock;
  readonly logger: Logger;
  /** How long "Approved overtime" holds alerts for the episode; default 4 hours. */
  readonly approvedOvertimeForInMs?: number;
  /** Refused actions by reason (`invalid`, `forbidden`, `stale`), rendered by /metrics. */
  readonly refusals?: Record<string, number>;
  /** A channel's live drift board card as it stands now: the answer to a click on a board row. */
  readonly renderBoard?: (channelKey: string) => Promise<object | undefined>;
}

/** The answer to a card action: the updated card, or a message that nothing changed and why. */
export type CardActionOutcome =
  | { readonly kind: 'card'; readonly card: object; readonly result: 'applied' | 'unchanged' }
  | { readonly kind: 'message'; readonly text: string; readonly reason: 'invalid' | 'forbidden' | 'stale' };

/**
 * Takes a card action (Action.Execute invoke or Action.Submit message), SDK-free. Authorization is decided on the
 * server from who clicked (`from.aadObjectId`) and where (the conversation/channel), never from ids in the card
 * data: supervisor actions only from the channel the episode's alert was delivered to (per the outbox ledger),
 * the agent's reply only from the agent the episode belongs to (per the stored link). Data only names the episode.
 */
export class CardActionHandler {
  private readonly log: Logger;

  constructor(private readonly deps: CardActionHandlerDeps) {
    this.log = deps.logger.child({ component: 'card-actions' });
  }

  /** Authorizes and applies one action; a refused or stale action changes nothing (and is counted by reason). */
  async handle(turn: TurnInfo, verb: string | undefined, data: unknown): Promise<CardActionOutcome> {
    const outcome = await this.decide(turn, verb, data);
    if (outcome.kind === 'message' && this.deps.refusals)
      this.deps.refusals[outcome.reason] = (this.deps.refusals[outcome.reason] ?? 0) + 1;
    return outcome;
  }

  private async decide(turn: TurnInfo, verb: string | undefined, data: unknown): Promise<CardActionOutcome> {
    const request = parseCardAction(verb, data);
    if (request === undefined)
      return { kind: 'message', text: "Sorry, I couldn't read that action.", reason: 'invalid' };
    const rows = await this.deps.outbox.listByEpisode(request.episodeId);
    const first = rows[0];
    const log = this.log.child({ episodeId: request.episodeId, action: request.kind });
    if (first === undefined)
      return {
        kind: 'message',
        text: 'This alert is no longer active, so nothing changed.',
        reason: 'stale',
      };
    const { agentId, managementUnitId } = first;
    const isAgentAction = request.kind === 'agentReply';
    const allowed = isAgentAction ? await this.isTheAgent(turn, agentId) : this.isAlertChannel(turn, rows);
    if (!allowed) {
      log.warn(
        { conversationType: turn.conversationType },
        'card action refused: not from the alert channel or not the agent',
      );
      return {
        kind: 'message',
        text: isAgentAction
          ? 'Only the person this check-in is for can answer it.'
          : 'Only the supervisor channel this alert was sent to can act on it. Nothing changed.',
        reason: 'forbidden',
      };
    }
    const action = this.toDriftAction(request, turn);
    const { result, episode } = await this.deps.actions.act(managementUnitId, agentId, action);
    if (result === 'stale') {
      log.info({}, 'card action on an episode that is over');
      return {
        kind: 'message',
        text: 'This drift episode has already ended, so nothing changed.',
        reason: 'stale',
      };
    }
    log.info({ result }, 'card action taken');
    // A click on a board row answers with the board (the action has already updated it for everyone).
    const board = isAgentAction || !isBoardAction(data) ? undefined : await this.boardHere(turn, rows);
    if (board !== undefined) return { kind: 'card', card: board, result };
    const kind = isAgentAction
      ? 'nudge'
      : rows.some((row) => row.kind === 'supervisorReAlert' && row.status === 'sent')
        ? 'supervisorReAlert'
        : 'supervisorAlert';
    // Rendered from the episode the action produced; the row's copy only if the sink named none.
    return { kind: 'card', card: this.deps.renderer.render(kind, episode ?? first.episode, rows), result };
  }

  private isAlertChannel(turn: TurnInfo, rows: readonly OutboxAlert[]): boolean {
    if (turn.conversationType !== 'channel') return false;
    const here = new Set([
      baseConversationId(turn.conversationId),
      ...(turn.channelId ? [turn.channelId] : []),
    ]);
    return rows.some(
      (row) =>
        row.recipient === 'supervisorChannel' &&
        row.status === 'sent' &&
        row.conversationId !== undefined &&
        here.has(baseConversationId(row.conversationId)),
    );
  }

  /** The live board of the channel the click came from, if the episode's alert joined it there. */
  private async boardHere(turn: TurnInfo, rows: readonly OutboxAlert[]): Promise<object | undefined> {
    const here = new Set([
      baseConversationId(turn.conversationId),
      ...(turn.channelId ? [turn.channelId] : []),
    ]);
    const row = rows.find(
      (candidate) =>
        candidate.presentation === 'board' &&
        candidate.status === 'sent' &&
        candidate.conversationId !== undefined &&
        here.has(baseConversationId(candidate.conversationId)),
    );
    if (row === undefined || this.deps.renderBoard === undefined) return undefined;
    return this.deps.renderBoard(channelKey(baseConversationId(row.conversationId!)));
  }

  private async isTheAgent(turn: TurnInfo, agentId: string): Promise<boolean> {
    if (turn.conversationType !== 'personal' || turn.from.aadObjectId === undefined) return false;
    const record = await this.deps.conversations.get(turn.from.aadObjectId);
    return record?.agentId === agentId;
  }

  private toDriftAction(request: CardActionRequest, turn: TurnInfo): DriftAction {
    const at = this.deps.clock.now();
    const by = {
      id: turn.from.aadObjectId ?? turn.from.id,
      ...(turn.from.name ? { name: turn.from.name } : {}),
    };
    const { episodeId } = request;
    switch (request.kind) {
      case 'acknowledge':
        return { type: 'acknowledge', episodeId, by, at };
      case 'snooze':
        return { type: 'snooze', episodeId, by, at, until: at + request.minutes * 60_000 };
      case 'approveOvertime':
        return {
          type: 'approveOvertime',
          episodeId,
          by,
          at,
          until: at + (this.deps.approvedOvertimeForInMs ?? 4 * 3_600_000),
        };
      case 'agentReply':
        return {
          type: 'agentReply',
          episodeId,
          by,
          at,
          reason: request.reason,
          ...(request.text !== undefined ? { text: request.text } : {}),
        };
    }
  }
}
