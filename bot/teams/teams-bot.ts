import type {
  AdaptiveCardInvokeResponse,
  AdaptiveCardInvokeValue,
  ChannelAccount,
  TurnContext,
} from 'botbuilder';
import { CardFactory, TeamsActivityHandler, TurnContext as Turn } from 'botbuilder';
import type { Logger } from '../../src/platform/logger';
import { ADAPTIVE_CARD_CONTENT_TYPE } from '../cards/adaptive-card';
import type { CommandHandler } from '../commands/command-handler';
import type { TeamsCallGate } from '../delivery/teams-call-gate';
import type { CardActionHandler, CardActionOutcome } from '../handlers/card-action-handler';
import type { InstallationHandler } from '../handlers/installation-handler';
import type { BotReply, TurnInfo } from '../handlers/turn-info';
import { describeError } from '../../src/platform/describe-error';

/** The SDK-free handlers the Teams activity handler calls. */
export interface TeamsBotHandlers {
  readonly installation: InstallationHandler;
  readonly commands: CommandHandler;
  readonly cardActions: CardActionHandler;
  readonly logger: Logger;
  /** The Teams budget every reply sent in a turn waits for; none = unlimited (unit tests). */
  readonly gate?: TeamsCallGate;
  /** Counts replies the budget could not fit in time. */
  readonly metrics?: { repliesDropped: number };
}

/** Invoke response body type for a plain message (learn.microsoft.com/adaptive-cards/authoring-cards/universal-action-model, invoke response). */
const ACTIVITY_MESSAGE_CONTENT_TYPE = 'application/vnd.microsoft.activity.message';

/**
 * Translates Teams activities into calls on the SDK-free handlers: installs and removals, messages (commands and
 * Action.Submit fallbacks) and Universal Action invokes. Every invoke is answered with HTTP 200: botbuilder mirrors
 * the body's `statusCode` into the HTTP status (activityHandler.ts), so refusals go out as 200 + a message.
 */
export class TeamsBot extends TeamsActivityHandler {
  private readonly log: Logger;

  constructor(private readonly deps: TeamsBotHandlers) {
    super();
    this.log = deps.logger.child({ component: 'teams-bot' });
    this.onInstallationUpdateAdd(async (context, next) => {
      // botbuilder routes both `add` and `add-upgrade` here (botbuilder-core src/activityHandlerBase.ts); an upgrade
      // re-stores the references and welcomes nobody.
      const kind = { isUpgrade: context.activity.action === 'add-upgrade' };
      const turn = toTurnInfo(context);
      if (turn.conversationType === 'personal') await deps.installation.onPersonalInstalled(turn, kind);
      else if (turn.teamId !== undefined) await deps.installation.onTeamInstalled(turn, kind);
      await next();
    });
    this.onInstallationUpdateRemove(async (context, next) => {
      const turn = toTurnInfo(context);
      if (turn.conversationType === 'personal') await deps.installation.onPersonalUninstalled(turn);
      else await deps.installation.onTeamUninstalled(turn);
      await next();
    });
    this.onMessage(async (context, next) => {
      await this.onMessageTurn(context);
      await next();
    });
  }

  /** Every reply of the turn waits for the Teams budget it shares with proactive sends (invoke answers are HTTP only). */
  override async run(context: TurnContext): Promise<void> {
    const gate = this.deps.gate;
    if (gate !== undefined) {
      const conversationId = context.activity.conversation?.id ?? '';
      const tenantId = toTurnInfo(context).tenantId;
      context.onSendActivities(async (_context, activities, next) => {
        for (let i = activities.length - 1; i >= 0; i -= 1) {
          const type = activities[i].type;
          if (type === 'invokeResponse' || type === 'trace') continue;
          if (!(await gate.take(conversationId, tenantId))) {
            activities.splice(i, 1);
            this.dropped('reply');
          }
        }
        return next();
      });
      context.onUpdateActivity(async (_context, _activity, next) => {
        if (await gate.take(conversationId, tenantId)) return next();
        this.dropped('card update');
      });
    }
    await super.run(context);
  }

  /** conversationUpdate: the bot added (the same install as installationUpdate: one welcome), the bot or members removed. */
  protected override async dispatchConversationUpdateActivity(context: TurnContext): Promise<void> {
    const turn = toTurnInfo(context);
    const botId = context.activity.recipient?.id;
    const added = context.activity.membersAdded ?? [];
    const removed = context.activity.membersRemoved ?? [];
    if (added.some((member) => member.id === botId)) {
      const kind = { isUpgrade: false };
      if (turn.conversationType === 'personal') await this.deps.installation.onPersonalInstalled(turn, kind);
      else if (turn.teamId !== undefined) await this.deps.installation.onTeamInstalled(turn, kind);
    }
    if (removed.some((member) => member.id === botId)) {
      if (turn.conversationType === 'personal') await this.deps.installation.onPersonalUninstalled(turn);
      else await this.deps.installation.onTeamUninstalled(turn);
    } else if (removed.length > 0 && turn.teamId !== undefined) {
      await this.deps.installation.onMembersRemoved(turn, removed.map(toRemovedMember));
    }
  }

  protected override async onAdaptiveCardInvoke(
    context: TurnContext,
    invokeValue: AdaptiveCardInvokeValue,
  ): Promise<AdaptiveCardInvokeResponse> {
    const outcome = await this.deps.cardActions.handle(
      toTurnInfo(context),
      invokeValue.action.verb,
      invokeValue.action.data,
    );
    return toInvokeResponse(outcome);
  }

  private async onMessageTurn(context: TurnContext): Promise<void> {
    const turn = toTurnInfo(context);
    if (turn.conversationType === 'channel') await this.deps.installation.rememberChannel(turn);
    const value = context.activity.value as Record<string, unknown> | undefined;
    const text = context.activity.text ?? '';
    // Action.Submit (the fallback of our Action.Execute buttons) arrives as a message whose `value` is the data.
    if (value !== null && typeof value === 'object' && typeof value.verb === 'string' && text.trim() === '') {
      const outcome = await this.deps.cardActions.handle(turn, undefined, value);
      if (outcome.kind === 'card' && context.activity.replyToId) {
        // Action.Submit cannot return a card: the card is replaced with updateActivity on replyToId.
        await context.updateActivity({
          type: 'message',
          id: context.activity.replyToId,
          attachments: [CardFactory.adaptiveCard(outcome.card)],
        });
      } else if (outcome.kind === 'message') {
        await context.sendActivity(outcome.text);
      }
      return;
    }
    if (turn.conversationType === 'personal' && turn.from.aadObjectId !== undefined)
      await this.ensurePersonal(turn);
    await reply(context, await this.deps.commands.handle(turn, text));
  }

  private dropped(what: string): void {
    if (this.deps.metrics) this.deps.metrics.repliesDropped += 1;
    this.log.warn({ what }, 'not sent: the Teams budget had no slot in time');
  }

  /** A personal chat whose install event was missed is stored on its first message. */
  private async ensurePersonal(turn: TurnInfo): Promise<void> {
    try {
      await this.deps.installation.ensurePersonal(turn);
    } catch (error) {
      this.log.warn({ err: describeError(error) }, 'could not store the personal conversation');
    }
  }
}

/** The SDK-free view of the turn's activity. */
function toTurnInfo(context: TurnContext): TurnInfo {
  const activity = context.activity;
  const channelData = (activity.channelData ?? {}) as {
    tenant?: { id?: string };
    team?: { id?: string; name?: string };
    channel?: { id?: string; name?: string };
  };
  return {
    serviceUrl: activity.serviceUrl,
    tenantId: activity.conversation?.tenantId ?? channelData.tenant?.id,
    conversationId: activity.conversation?.id ?? '',
    // No guess when Teams gives no type: personal handling needs an explicit personal conversation.
    conversationType: activity.conversation?.conversationType ?? '',
    from: { id: activity.from?.id ?? '', aadObjectId: activity.from?.aadObjectId, name: activity.from?.name },
    botId: activity.recipient?.id,
    teamId: channelData.team?.id,
    teamName: channelData.team?.name,
    channelId: channelData.channel?.id,
    channelName: channelData.channel?.name,
    reference: Turn.getConversationReference(activity),
  };
}

/** Maps a card action outcome to an invoke response; always statusCode 200 (see the class comment). */
function toInvokeResponse(outcome: CardActionOutcome): AdaptiveCardInvokeResponse {
  if (outcome.kind === 'card')
    return {
      statusCode: 200,
      type: ADAPTIVE_CARD_CONTENT_TYPE,
      value: outcome.card as Record<string, unknown>,
    };
  return {
    statusCode: 200,
    type: ACTIVITY_MESSAGE_CONTENT_TYPE,
    value: outcome.text as unknown as Record<string, unknown>,
  };
}

async function reply(context: TurnContext, answer: BotReply): Promise<void> {
  if (answer.kind === 'card')
    await context.sendActivity({ type: 'message', attachments: [CardFactory.adaptiveCard(answer.card)] });
  else if (answer.kind === 'text') await context.sendActivity(answer.text);
}

function toRemovedMember(member: ChannelAccount): { id: string; aadObjectId?: string } {
  return { id: member.id, aadObjectId: member.aadObjectId ?? (member as { objectId?: string }).objectId };
}
