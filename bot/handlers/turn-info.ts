/**
 * An inbound Teams activity reduced to what our handlers need, free of any SDK type. `reference` is the
 * opaque Bot Framework conversation reference to store for proactive messages.
 */
export interface TurnInfo {
  readonly serviceUrl: string;
  readonly tenantId?: string;
  /** The conversation the activity came from (a channel thread id looks like `19:…@thread.tacv2;messageid=…`). */
  readonly conversationId: string;
  /** `personal`, `channel` or `groupChat`. */
  readonly conversationType: string;
  readonly from: { readonly id: string; readonly aadObjectId?: string; readonly name?: string };
  readonly botId?: string;
  readonly teamId?: string;
  readonly teamName?: string;
  /** The Teams channel id (`channelData.channel.id`) when the activity came from a channel. */
  readonly channelId?: string;
  readonly channelName?: string;
  readonly reference: Readonly<Record<string, unknown>>;
}

/** What a handler answers in the turn: a card, a plain message, or nothing. */
export type BotReply =
  | { readonly kind: 'card'; readonly card: object }
  | { readonly kind: 'text'; readonly text: string }
  | { readonly kind: 'none' };

/** The channel id a thread conversation id belongs to (`19:x@thread.tacv2;messageid=1` -> `19:x@thread.tacv2`). */
export function baseConversationId(conversationId: string): string {
  const cut = conversationId.indexOf(';messageid=');
  return cut === -1 ? conversationId : conversationId.slice(0, cut);
}

/** The ConversationStore key of a channel. */
export function channelKey(teamsChannelId: string): string {
  return `channel:${teamsChannelId}`;
}

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
// Microsoft 365 Agents Playground 0.2.28's mock users have 13 digits in the last group (its default config in
// @microsoft/m365agentsplayground dist/index.js, e.g. 00000000-0000-0000-0000-0000000000020).
const PLAYGROUND_OBJECT_ID = /^0{8}-0{4}-0{4}-0{4}-\d{13}$/;

/**
 * Whether `id` has the shape of an Entra object id (a GUID), the only personal key the conversation store takes;
 * `allowPlaygroundIds` also accepts Agents Playground's mock ids (local runs with auth off). Pure.
 */
export function isEntraObjectId(id: string, allowPlaygroundIds = false): boolean {
  return GUID.test(id) || (allowPlaygroundIds && PLAYGROUND_OBJECT_ID.test(id));
}

/** Whether `key` may be a personal ConversationStore key: object-id shaped, so never a `channel:` key. Pure. */
export function isPersonalKey(key: string | undefined): key is string {
  return key !== undefined && isEntraObjectId(key, true);
}
