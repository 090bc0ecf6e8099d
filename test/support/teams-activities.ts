import { AAD } from './bot-fakes';

/** A Teams account as activities carry it (`from`, `recipient`). */
export interface TeamsAccount {
  readonly id: string;
  readonly aadObjectId?: string;
  readonly name?: string;
}

/** The example people of bot-fakes.ts as Teams names them, and the bot. */
export const TEAMS_ACCOUNTS = Object.freeze({
  ana: { id: '29:ana', aadObjectId: AAD.ana, name: 'Ana Alvarez' },
  ben: { id: '29:ben', aadObjectId: AAD.ben, name: 'Ben Brown' },
  cai: { id: '29:cai', aadObjectId: AAD.cai, name: 'Cai Chen' },
  sup: { id: '29:sup', aadObjectId: AAD.sup, name: 'Sam Supervisor' },
  bot: { id: '28:bot', name: 'Drift' },
} satisfies Record<string, TeamsAccount>);

/** Where a personal-chat activity comes from. */
export interface PersonalScope {
  readonly tenantId: string;
  readonly from: TeamsAccount;
  /** Default `a:<from.id without 29:>`. */
  readonly conversationId?: string;
}

/** Where a channel activity comes from: the team and one of its channels (the General channel's id is the team's). */
export interface ChannelScope {
  readonly tenantId: string;
  readonly from: TeamsAccount;
  readonly team: { readonly id: string; readonly name?: string };
  readonly channel: { readonly id: string; readonly name?: string };
}

/** What Teams adds to every activity it POSTs to /api/messages. */
export interface TeamsEnvelope {
  /** The Bot Connector the bot answers through (the stand-in's URL in tests). */
  readonly serviceUrl?: string;
  readonly recipient?: TeamsAccount;
}

/**
 * An activity of `type` in a personal chat, as Teams sends it (conversation, tenant in channelData); `extra` adds or
 * replaces fields (`undefined` removes one from the JSON).
 */
export function personalActivity(
  type: string,
  scope: PersonalScope,
  extra: Record<string, unknown> = {},
): Record<string, unknown> {
  return {
    type,
    from: scope.from,
    conversation: {
      id: scope.conversationId ?? `a:${scope.from.id.replace(/^29:/, '')}`,
      conversationType: 'personal',
      tenantId: scope.tenantId,
    },
    channelData: { tenant: { id: scope.tenantId } },
    ...extra,
  };
}

/** An activity of `type` in a team's channel, as Teams sends it (team and channel in channelData). */
export function channelActivity(
  type: string,
  scope: ChannelScope,
  extra: Record<string, unknown> = {},
): Record<string, unknown> {
  return {
    type,
    from: scope.from,
    conversation: {
      id: scope.channel.id,
      conversationType: 'channel',
      isGroup: true,
      tenantId: scope.tenantId,
    },
    channelData: { tenant: { id: scope.tenantId }, team: scope.team, channel: scope.channel },
    ...extra,
  };
}

/** The activity as Teams POSTs it: channel `msteams`, the service URL and the bot as recipient, then the activity. */
export function fromTeams(
  activity: Record<string, unknown>,
  envelope: TeamsEnvelope = {},
): Record<string, unknown> {
  return {
    channelId: 'msteams',
    ...(envelope.serviceUrl === undefined ? {} : { serviceUrl: envelope.serviceUrl }),
    recipient: envelope.recipient ?? TEAMS_ACCOUNTS.bot,
    ...activity,
  };
}

/**
 * The fields of an `adaptiveCard/action` invoke (Universal Actions) for a click on an Action.Execute button with this
 * verb and data; spread it into {@link personalActivity} or {@link channelActivity} with type `invoke`.
 * https://learn.microsoft.com/microsoftteams/platform/task-modules-and-cards/cards/universal-actions-for-adaptive-cards/work-with-universal-actions-for-adaptive-cards
 */
export function cardActionInvoke(verb: string, data: unknown): Record<string, unknown> {
  return {
    type: 'invoke',
    name: 'adaptiveCard/action',
    value: { action: { type: 'Action.Execute', verb, data }, trigger: 'manual' },
  };
}

/** What the bot answered to a POST of an activity: the HTTP status and the parsed JSON body (undefined when empty). */
export interface BotAnswer {
  readonly status: number;
  readonly body: unknown;
}

/**
 * POSTs an activity to the bot's /api/messages as the Teams service does: a fresh id and timestamp, `channelId`
 * msteams, and the envelope's serviceUrl (the Bot Connector stand-in) and recipient.
 */
export async function postToBot(
  botUrl: string,
  activity: Record<string, unknown>,
  envelope: TeamsEnvelope = {},
): Promise<BotAnswer> {
  const response = await fetch(`${botUrl}/api/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(
      fromTeams(
        { id: `in-${Math.random().toString(36).slice(2)}`, timestamp: new Date().toISOString(), ...activity },
        envelope,
      ),
    ),
  });
  const text = await response.text();
  return { status: response.status, body: text ? (JSON.parse(text) as unknown) : undefined };
}
