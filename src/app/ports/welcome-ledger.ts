/** Where a welcome goes: a person's personal chat, or a team (its General channel or the channel it was added from). */
export type WelcomeScope = 'personal' | 'team';

/**
 * The one welcome a scope gets, ever: created when the app is first installed there (whichever of the install
 * events arrives first, on whichever instance), delivered through the Teams budget, and kept as a marker afterwards.
 * `skipped` marks a scope that must not be welcomed (an app upgrade reached it first).
 */
export interface WelcomeRecord {
  readonly scope: WelcomeScope;
  /** Entra object id (personal) or Teams team id (team). */
  readonly scopeId: string;
  readonly status: 'pending' | 'sent' | 'skipped' | 'failed';
  readonly tenantId?: string;
  readonly serviceUrl: string;
  readonly conversationId: string;
  readonly reference: Readonly<Record<string, unknown>>;
  /** The welcome card (Adaptive Card JSON) while pending. */
  readonly card?: object;
  readonly createdAt: number;
  readonly attempts: number;
  /** Do not attempt before this instant (epoch ms). */
  readonly notBefore: number;
  /** Set while an instance is sending it (epoch ms). */
  readonly claimedAt?: number;
  readonly sentAt?: number;
  readonly lastError?: string;
  /** Row version (ETag); `update` fails when it is no longer current. */
  readonly etag?: string;
}

/** Welcome markers and the queue of welcomes not sent yet. */
export interface WelcomeLedger {
  /** Adds the record unless the scope already has one (of any status); false = it had one. */
  create(record: WelcomeRecord): Promise<boolean>;
  get(scope: WelcomeScope, scopeId: string): Promise<WelcomeRecord | undefined>;
  /** Replaces a record guarded by its etag; false when someone else changed it first. */
  update(record: WelcomeRecord): Promise<boolean>;
  listPending(): AsyncIterable<WelcomeRecord>;
}
