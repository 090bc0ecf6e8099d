import type {
  Activity,
  CloudAdapter,
  ConversationParameters,
  ConversationReference,
  TurnContext,
} from 'botbuilder';
import { CardFactory, TeamsInfo } from 'botbuilder';
import type { ConnectorClient } from 'botframework-connector';
import type { DeliveryResult } from '../../src/app/ports/alert-notifier';
import type { ConversationRecord } from '../../src/app/ports/conversation-store';
import type { Clock } from '../../src/platform/clock';
import type {
  ConversationLocation,
  CreatedConversation,
  PersonalTarget,
  TeamsCallResult,
  TeamsChannelInfo,
  TeamsMember,
  TeamsMessenger,
} from '../delivery/teams-messenger';
import { mapTeamsError } from './map-teams-error';

/** Page size for roster reads; Teams clamps it to 50-500 (learn.microsoft.com/microsoftteams/platform/bots/how-to/get-teams-context, paged members). */
const ROSTER_PAGE_SIZE = 500;

/**
 * The one place that talks to the Bot Connector (botbuilder CloudAdapter): proactive sends with
 * continueConversationAsync, personal chat creation with the Entra object id in members[].id, channel posts,
 * in-place card updates, members and channels. Every call answers with a value; HTTP errors are mapped by
 * {@link mapTeamsError}. The legacy `continueConversation` throws on CloudAdapter, so it is never used.
 */
export class TeamsGateway implements TeamsMessenger {
  /** `appId` is the bot's app id ('' with auth off); `clock` dates a Retry-After given as an HTTP date. */
  constructor(
    private readonly adapter: CloudAdapter,
    private readonly appId: string,
    private readonly clock: Clock,
  ) {}

  async sendToPersonal(target: ConversationRecord | PersonalTarget, card: object): Promise<DeliveryResult> {
    let location: ConversationLocation;
    if ('conversationId' in target && target.conversationId !== '') {
      location = target;
    } else {
      const created = await this.createPersonalConversation({
        aadObjectId: target.aadObjectId!,
        tenantId: target.tenantId,
        serviceUrl: target.serviceUrl,
      });
      if (created.status !== 'ok') return created;
      location = {
        serviceUrl: target.serviceUrl,
        tenantId: target.tenantId,
        conversationId: created.value.conversationId,
        reference: created.value.reference,
      };
    }
    return this.run(location, async (context) => {
      const response = await context.sendActivity(cardActivity(card));
      return { status: 'sent', conversationId: location.conversationId, activityId: response?.id ?? '' };
    });
  }

  async createPersonalConversation(target: PersonalTarget): Promise<TeamsCallResult<CreatedConversation>> {
    // The object id goes in members[].id; in `aadObjectId` Teams answers 400 (MicrosoftDocs/msteams-docs#14079).
    const parameters = {
      isGroup: false,
      bot: { id: this.appId, name: '' },
      members: [{ id: target.aadObjectId, name: '' }],
      tenantId: target.tenantId,
      channelData: { tenant: { id: target.tenantId } },
    } as ConversationParameters;
    try {
      let created: CreatedConversation | undefined;
      await this.adapter.createConversationAsync(
        this.appId,
        'msteams',
        target.serviceUrl,
        '',
        parameters,
        (context) => {
          const reference = referenceOf(context);
          created = {
            conversationId: context.activity.conversation.id,
            reference: reference as unknown as Record<string, unknown>,
          };
          return Promise.resolve();
        },
      );
      return created
        ? { status: 'ok', value: created }
        : { status: 'failed', reason: 'createConversation returned no conversation', isRetryable: true };
    } catch (error) {
      return mapTeamsError(error, this.clock.now());
    }
  }

  async sendCard(location: ConversationLocation, card: object): Promise<DeliveryResult> {
    return this.run(location, async (context) => {
      const response = await context.sendActivity(cardActivity(card));
      return { status: 'sent', conversationId: location.conversationId, activityId: response?.id ?? '' };
    });
  }

  async postToChannel(channel: ConversationRecord, card: object): Promise<DeliveryResult> {
    const teamsChannelId = channel.channelId ?? channel.conversationId;
    return this.run(channel, async (context) => {
      // Created with the connector directly: on CloudAdapter, TeamsInfo.sendMessageToTeamsChannel returns the new
      // conversation id in place of the activity id (botbuilder-js teamsInfo.ts + cloudAdapterBase.createCreateActivity).
      const client = connectorOf(context);
      const response = await client.conversations.createConversation({
        isGroup: true,
        channelData: { channel: { id: teamsChannelId } },
        activity: cardActivity(card) as Activity,
        tenantId: channel.tenantId,
      } as ConversationParameters);
      const threadId = response.id;
      // The thread id is `<channelId>;messageid=<rootMessageId>`; the root message is our card.
      const activityId = response.activityId ?? /;messageid=(.+)$/.exec(threadId)?.[1] ?? '';
      return { status: 'sent', conversationId: threadId, activityId };
    });
  }

  async updateCard(
    location: ConversationLocation,
    activityId: string,
    card: object,
  ): Promise<TeamsCallResult<void>> {
    return this.run(location, async (context) => {
      await context.updateActivity({
        ...cardActivity(card),
        id: activityId,
        conversation: context.activity.conversation,
      });
      return { status: 'ok', value: undefined };
    });
  }

  async getMember(
    location: ConversationLocation,
    userId: string,
  ): Promise<TeamsCallResult<TeamsMember | undefined>> {
    return this.run(location, async (context) => ({
      status: 'ok',
      value: toMember(await TeamsInfo.getMember(context, userId)),
    }));
  }

  async getPagedTeamMembers(
    location: ConversationLocation,
    teamId: string,
    beforeEachPage?: () => Promise<boolean>,
  ): Promise<TeamsCallResult<TeamsMember[]>> {
    return this.run(location, async (context) => {
      const members: TeamsMember[] = [];
      let token: string | undefined;
      do {
        if (beforeEachPage && !(await beforeEachPage())) break;
        // Arguments in order (pageSize, then token): a Microsoft sample passes the token as pageSize.
        const page = await TeamsInfo.getPagedTeamMembers(context, teamId, ROSTER_PAGE_SIZE, token);
        for (const member of page.members ?? []) {
          const mapped = toMember(member);
          if (mapped) members.push(mapped);
        }
        token = page.continuationToken || undefined;
      } while (token !== undefined);
      return { status: 'ok', value: members };
    });
  }

  async listTeamChannels(
    location: ConversationLocation,
    teamId: string,
  ): Promise<TeamsCallResult<TeamsChannelInfo[]>> {
    return this.run(location, async (context) => {
      const channels = await TeamsInfo.getTeamChannels(context, teamId);
      return {
        status: 'ok',
        value: channels
          .filter((channel) => channel.id)
          .map((channel) => ({ id: channel.id!, name: channel.name || undefined })),
      };
    });
  }

  /** Runs `logic` in a proactive turn on the location's conversation and maps any error. */
  private async run<T extends { status: string }>(
    location: ConversationLocation,
    logic: (context: TurnContext) => Promise<T>,
  ): Promise<T | ReturnType<typeof mapTeamsError>> {
    const reference = toReference(location);
    let result: T | ReturnType<typeof mapTeamsError> | undefined;
    try {
      await this.adapter.continueConversationAsync(this.appId, reference, async (context) => {
        // Caught here: an error thrown out of the turn goes to adapter.onTurnError and is swallowed there.
        try {
          result = await logic(context);
        } catch (error) {
          result = mapTeamsError(error, this.clock.now());
        }
      });
    } catch (error) {
      return mapTeamsError(error, this.clock.now());
    }
    return result ?? { status: 'failed', reason: 'the proactive turn did not run', isRetryable: true };
  }
}

/** A message activity carrying only the card: text plus attachment would be split by Teams and lose the id. */
function cardActivity(card: object): Partial<Activity> {
  return { type: 'message', attachments: [CardFactory.adaptiveCard(card)] };
}

function connectorOf(context: TurnContext): ConnectorClient {
  const adapter = context.adapter as CloudAdapter;
  return context.turnState.get<ConnectorClient>(adapter.ConnectorClientKey);
}

function referenceOf(context: TurnContext): Partial<ConversationReference> {
  const activity = context.activity;
  return {
    channelId: activity.channelId,
    serviceUrl: activity.serviceUrl,
    conversation: activity.conversation,
    bot: activity.recipient ?? activity.from,
  };
}

/** A Bot Framework reference for the location: the stored one with the location's conversation id and service URL. */
function toReference(location: ConversationLocation): Partial<ConversationReference> {
  const stored = (location.reference ?? {}) as Partial<ConversationReference>;
  return {
    ...stored,
    channelId: stored.channelId ?? 'msteams',
    serviceUrl: location.serviceUrl,
    conversation: {
      ...(stored.conversation ?? {}),
      id: location.conversationId,
      tenantId: location.tenantId ?? stored.conversation?.tenantId,
    } as ConversationReference['conversation'],
  };
}

/** Raw REST members carry the object id as `objectId`; botbuilder copies it only in the deprecated getMembers. */
function toMember(member: unknown): TeamsMember | undefined {
  if (member === null || typeof member !== 'object') return undefined;
  const raw = member as Record<string, unknown>;
  const text = (value: unknown): string | undefined =>
    typeof value === 'string' && value !== '' ? value : undefined;
  const id = text(raw.id);
  if (id === undefined) return undefined;
  return {
    id,
    aadObjectId: text(raw.aadObjectId) ?? text(raw.objectId),
    name: text(raw.name),
    email: text(raw.email),
    userPrincipalName: text(raw.userPrincipalName),
    tenantId: text(raw.tenantId),
  };
}
