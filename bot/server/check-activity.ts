import { isEntraObjectId } from '../handlers/turn-info';

/** Longest id we accept (conversation, user, team, channel, activity); Teams ids are far shorter, Azure Table keys cap at 1 KiB. */
const MAX_ID_LENGTH = 256;
/** Longest service URL we accept. */
const MAX_SERVICE_URL_LENGTH = 2_048;
/** Longest message text we accept (a Teams message is capped near 28 KB of text). */
const MAX_TEXT_LENGTH = 32_000;
/** Most members one conversationUpdate may name. */
const MAX_MEMBERS = 1_000;

/** The only invoke our cards send (Universal Actions); Teams sends no other invoke to an app like ours. */
const ADAPTIVE_CARD_ACTION_INVOKE = 'adaptiveCard/action';

const CONVERSATION_TYPES = new Set(['personal', 'channel', 'groupChat']);

/** Why an activity was refused before it reached botbuilder; each is a label of the rejection counter. */
export type ActivityRejectionReason =
  | 'unsupportedChannel'
  | 'invalidType'
  | 'invalidServiceUrl'
  | 'invalidConversation'
  | 'invalidConversationType'
  | 'invalidFrom'
  | 'invalidAadObjectId'
  | 'invalidRecipient'
  | 'invalidTenant'
  | 'invalidChannelData'
  | 'invalidText'
  | 'invalidMembers'
  | 'invalidField'
  | 'unsupportedInvoke'
  | 'invalidInvokeValue';

/** The result of {@link checkActivity}: fine, or the reason and a message naming the field. */
export type ActivityCheck =
  | { readonly ok: true }
  | { readonly ok: false; readonly reason: ActivityRejectionReason; readonly message: string };

/** Options of {@link checkActivity}. */
export interface CheckActivityOptions {
  /** Bot Framework auth is off (local runs): Agents Playground's mock object ids are accepted too. */
  readonly allowPlaygroundIds?: boolean;
}

/**
 * Checks the shape of an inbound activity before botbuilder sees it (pure): a Teams channel, a string `type`, an
 * http(s) `serviceUrl`, a non-empty `conversation.id` and `from.id`, a known conversation type, an Entra object id
 * that is a GUID, ids no longer than {@link MAX_ID_LENGTH}, and only the invoke our cards send. Anything else is
 * answered 400 with the reason, so a malformed activity never reaches the handlers or overwrites a stored reference.
 */
export function checkActivity(
  activity: Record<string, unknown>,
  options: CheckActivityOptions = {},
): ActivityCheck {
  const refuse = (reason: ActivityRejectionReason, message: string): ActivityCheck => ({
    ok: false,
    reason,
    message,
  });
  if (activity.channelId !== 'msteams') return refuse('unsupportedChannel', 'channelId must be msteams');
  const type = activity.type;
  if (typeof type !== 'string' || type === '' || type.length > 64)
    return refuse('invalidType', 'type must be a non-empty string');
  if (!isHttpUrl(activity.serviceUrl))
    return refuse('invalidServiceUrl', 'serviceUrl must be an http(s) URL');
  const conversation = activity.conversation;
  if (!isObject(conversation) || !isId(conversation.id))
    return refuse('invalidConversation', 'conversation.id must be a non-empty string');
  if (!CONVERSATION_TYPES.has(conversation.conversationType as string))
    return refuse(
      'invalidConversationType',
      'conversation.conversationType must be personal, channel or groupChat',
    );
  if (!isOptionalId(conversation.tenantId))
    return refuse('invalidTenant', 'conversation.tenantId is malformed');
  const from = activity.from;
  if (!isObject(from) || !isId(from.id)) return refuse('invalidFrom', 'from.id must be a non-empty string');
  if (!isOptionalObjectId(from.aadObjectId, options))
    return refuse('invalidAadObjectId', 'from.aadObjectId must be an Entra object id (GUID)');
  if (activity.recipient !== undefined && !(isObject(activity.recipient) && isId(activity.recipient.id)))
    return refuse('invalidRecipient', 'recipient.id must be a non-empty string');
  const channelDataProblem = checkChannelData(activity.channelData);
  if (channelDataProblem) return refuse(channelDataProblem[0], channelDataProblem[1]);
  for (const field of [
    'id',
    'replyToId',
    'action',
    'name',
    'locale',
    'timestamp',
    'localTimestamp',
  ] as const) {
    if (!isOptionalId(activity[field])) return refuse('invalidField', `${field} must be a short string`);
  }
  if (activity.text !== undefined && activity.text !== null) {
    if (typeof activity.text !== 'string' || activity.text.length > MAX_TEXT_LENGTH)
      return refuse('invalidText', `text must be a string of at most ${MAX_TEXT_LENGTH} characters`);
  }
  for (const field of ['membersAdded', 'membersRemoved'] as const) {
    if (!areMembers(activity[field], options))
      return refuse('invalidMembers', `${field} must be a list of members with ids`);
  }
  if (type === 'invoke') return checkInvoke(activity);
  return { ok: true };
}

function checkInvoke(activity: Record<string, unknown>): ActivityCheck {
  if (activity.name !== ADAPTIVE_CARD_ACTION_INVOKE)
    return {
      ok: false,
      reason: 'unsupportedInvoke',
      message: `only ${ADAPTIVE_CARD_ACTION_INVOKE} invokes are handled`,
    };
  const value = activity.value;
  const action = isObject(value) ? value.action : undefined;
  if (
    !isObject(action) ||
    action.type !== 'Action.Execute' ||
    typeof action.verb !== 'string' ||
    action.verb.length > 64 ||
    (action.data !== undefined && action.data !== null && !isObject(action.data))
  )
    return {
      ok: false,
      reason: 'invalidInvokeValue',
      message: 'value.action must be an Action.Execute with a verb and object data',
    };
  return { ok: true };
}

function checkChannelData(channelData: unknown): [ActivityRejectionReason, string] | undefined {
  if (channelData === undefined || channelData === null) return undefined;
  if (!isObject(channelData)) return ['invalidChannelData', 'channelData must be an object'];
  for (const field of ['tenant', 'team', 'channel'] as const) {
    const part = channelData[field];
    if (part === undefined || part === null) continue;
    if (!isObject(part) || !isId(part.id))
      return ['invalidChannelData', `channelData.${field}.id must be a non-empty string`];
    if (part.name !== undefined && part.name !== null && !isOptionalId(part.name))
      return ['invalidChannelData', `channelData.${field}.name must be a short string`];
  }
  return undefined;
}

function areMembers(members: unknown, options: CheckActivityOptions): boolean {
  if (members === undefined || members === null) return true;
  if (!Array.isArray(members) || members.length > MAX_MEMBERS) return false;
  return members.every(
    (member) =>
      isObject(member) &&
      isId(member.id) &&
      isOptionalObjectId(member.aadObjectId, options) &&
      isOptionalObjectId(member.objectId, options),
  );
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function isId(value: unknown): value is string {
  return typeof value === 'string' && value.trim() !== '' && value.length <= MAX_ID_LENGTH;
}

function isOptionalId(value: unknown): boolean {
  return (
    value === undefined || value === null || (typeof value === 'string' && value.length <= MAX_ID_LENGTH)
  );
}

function isOptionalObjectId(value: unknown, options: CheckActivityOptions): boolean {
  return (
    value === undefined ||
    value === null ||
    (typeof value === 'string' && isEntraObjectId(value, options.allowPlaygroundIds === true))
  );
}

function isHttpUrl(value: unknown): boolean {
  if (typeof value !== 'string' || value.length > MAX_SERVICE_URL_LENGTH) return false;
  try {
    const url = new URL(value);
    return (url.protocol === 'https:' || url.protocol === 'http:') && url.hostname !== '';
  } catch {
    return false;
  }
}
