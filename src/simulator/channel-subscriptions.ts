import type { ChannelCaller, ChannelRecord } from './channel-registry';
import { parseTopic } from './topic-catalogue';
import { errorBody, type WireObject } from './wire-format';

/** An HTTP status with a JSON body. */
export interface HubReply {
  readonly status: number;
  readonly body?: unknown;
}

/** What a subscribe call is checked against. */
export interface SubscriptionRules {
  /** Permissions of the OAuth client's role. */
  readonly permissions: readonly string[];
  readonly maxTopicsPerChannel: number;
}

/** The accepted topics of a subscribe call, or the answer refusing it. */
export type SubscriptionOutcome =
  | {
      readonly accepted: true;
      readonly topics: ReadonlySet<string>;
      readonly rejected: readonly WireObject[];
    }
  | { readonly accepted: false; readonly reply: HubReply };

/** `GET …/subscriptions`: every topic of the channel, permitted. */
export function listSubscriptions(channel: ChannelRecord): HubReply {
  return { status: 200, body: { entities: [...channel.topics].map((id) => ({ id, state: 'Permitted' })) } };
}

/**
 * Checks a `POST` (add) or `PUT` (replace) `…/subscriptions?ignoreErrors=` body of `[{id}]` against the topic
 * catalogue, the client's permissions and the topic limit, and answers the channel's next topic set or the refusal.
 */
export function checkSubscription(
  channel: ChannelRecord,
  caller: ChannelCaller,
  body: unknown,
  mode: 'add' | 'replace',
  ignoreErrors: boolean,
  rules: SubscriptionRules,
): SubscriptionOutcome {
  if (
    !Array.isArray(body) ||
    body.some((t) => typeof t !== 'object' || t === null || typeof (t as { id?: unknown }).id !== 'string')
  ) {
    return refuse(
      400,
      errorBody(400, 'bad.request', 'The request body must be a JSON array of topics: [{"id":"v2...."}]'),
    );
  }
  const requested = [...new Set((body as Array<{ id: string }>).map((t) => t.id))];
  const permitted: string[] = [];
  const rejected: WireObject[] = [];
  for (const topic of requested) {
    const rejection = rejectionOf(topic, caller, rules);
    if (rejection) rejected.push(rejection);
    else permitted.push(topic);
  }
  if (!ignoreErrors && rejected.length > 0) {
    // Genesys announcement "Permission enforcement for adherence notifications" (2021-12-13): without
    // ignoreErrors one failing topic fails the whole request and nothing is subscribed.
    const invalid = rejected.filter((r) => (r.missingPermissions as string[]).length === 0);
    if (invalid.length > 0) {
      return refuse(
        400,
        errorBody(400, 'bad.request', `Invalid topic(s): ${invalid.map((r) => r.id).join(', ')}`, {
          messageParams: { topics: invalid.map((r) => r.id).join(',') },
        }),
      );
    }
    const missing = [...new Set(rejected.flatMap((r) => r.missingPermissions as string[]))];
    return refuse(
      403,
      errorBody(
        403,
        'missing.any.permissions',
        `Unable to perform the requested action. You are missing the following permission(s): ${missing.join(', ')}`,
        { messageParams: { permissions: missing.join(', ') } },
      ),
    );
  }
  const next = mode === 'replace' ? new Set(permitted) : new Set([...channel.topics, ...permitted]);
  if (next.size > rules.maxTopicsPerChannel) {
    // developer.genesys.cloud/forum/t/notifications-service-limits-concepts/10312, quoting the notification
    // service docs: over 1,000 topics per channel returns 400.
    return refuse(
      400,
      errorBody(
        400,
        'bad.request',
        `A channel may hold at most ${rules.maxTopicsPerChannel} topics; this request would make ${next.size}.`,
        {
          limit: { key: 'topics.per.channel', namespace: 'notifications', value: rules.maxTopicsPerChannel },
        },
      ),
    );
  }
  return { accepted: true, topics: next, rejected };
}

/** Why `topic` may not be subscribed by `caller`, as a `Rejected` ChannelTopic; undefined when it may. */
function rejectionOf(topic: string, caller: ChannelCaller, rules: SubscriptionRules): WireObject | undefined {
  const parsed = parseTopic(topic);
  if (!parsed) {
    // UNCONFIRMED: Genesys's wording for an unknown topic; we reject it like a permission failure but with 400.
    return {
      id: topic,
      state: 'Rejected',
      rejectionReason: 'Invalid topic: not a known notification topic',
      missingPermissions: [],
    };
  }
  if (!parsed.anyOfPermissions.some((p) => rules.permissions.includes(p))) {
    return {
      id: topic,
      state: 'Rejected',
      rejectionReason: 'Missing permissions',
      missingPermissions: [...parsed.anyOfPermissions],
    };
  }
  if (
    (parsed.kind === 'userScheduleSearch' || parsed.kind === 'userMuScheduleSearchComplete') &&
    parsed.entityId !== caller.clientId
  ) {
    // UNCONFIRMED: a search-result topic belongs to the requester (MyPureCloud/platform-client-sdk-javascript
    // notificationMappings.json), for a client-credentials token the OAuth client (public integrations subscribe
    // v2.users.{client id}.workforcemanagement.* result topics); others' topics are refused.
    return {
      id: topic,
      state: 'Rejected',
      rejectionReason: 'Topic belongs to another requester',
      missingPermissions: [],
    };
  }
  return undefined;
}

function refuse(status: number, body: unknown): SubscriptionOutcome {
  return { accepted: false, reply: { status, body } };
}
