import type { AdherenceObservation } from '../domain/adherence-observation';
import type { BoardRow, ChannelAlertLedger } from '../domain/alert-board';
import type { AlertPresentation } from '../domain/alert-budget';
import type { ActionResult, DriftAction, EpisodeChange } from '../domain/drift-commands';
import type { AgentDriftState, DriftEpisode, ScheduleCoverage } from '../domain/drift-episode';

// The time and logging ports are the platform's own (src/platform implements them); the app names them from here.
export type { Clock, Scheduler } from '../platform/clock';
export type { Logger } from '../platform/logger';

/** Identity of an agent's drift state row. */
export interface AgentKey {
  readonly managementUnitId: string;
  readonly agentId: string;
}

/**
 * What a read-modify-write returns: the next state (or `undefined` to delete the row) and a value for the caller.
 * `mutate` may run more than once (optimistic concurrency retries) and must be pure.
 */
export interface Modification<T> {
  readonly next: AgentDriftState | undefined;
  readonly result: T;
}

/** Per-agent drift state, one row per agent. */
export interface DriftStateStore {
  get(key: AgentKey): Promise<AgentDriftState | undefined>;
  /** Reads, applies `mutate`, writes guarded by the row's version; on a conflict re-reads and re-applies. */
  modify<T>(key: AgentKey, mutate: (current: AgentDriftState | undefined) => Modification<T>): Promise<T>;
  delete(key: AgentKey): Promise<void>;
  list(managementUnitId?: string): AsyncIterable<AgentDriftState>;
}

/** Who an outbox row is for: the agent's personal chat, the supervisor channel, or the Slack webhook. */
export type AlertRecipient = 'agent' | 'supervisorChannel' | 'slack';

/** Kind of a proactive message. */
export type AlertKind = 'nudge' | 'supervisorAlert' | 'supervisorReAlert';

/** State of an outbox row. */
export type OutboxStatus = 'pending' | 'sent' | 'deadLettered';

/**
 * One proactive message in the durable outbox and ledger. `id` = `${episodeId}|${kind}|${recipient}` is the
 * idempotency key: enqueuing it twice sends once.
 */
export interface OutboxAlert {
  readonly id: string;
  readonly episodeId: string;
  readonly agentId: string;
  readonly managementUnitId: string;
  readonly kind: AlertKind;
  readonly recipient: AlertRecipient;
  readonly status: OutboxStatus;
  readonly createdAt: number;
  /**
   * When the message was due (epoch ms): the episode's threshold instant for its kind, or the snooze end for a re-alert.
   * A send is measured against it (alert lateness in /metrics). Absent on rows written before it existed.
   */
  readonly dueAt?: number;
  /** Do not attempt before this instant (backoff), epoch ms. */
  readonly notBefore: number;
  readonly attempts: number;
  /** The episode as it was when the alert was raised. */
  readonly episode: DriftEpisode;
  /** Where the message landed, so it can be updated in place. */
  readonly conversationId?: string;
  readonly activityId?: string;
  /**
   * How a supervisor alert reached its channel: `board` = as a row of the channel's live drift board (then
   * `activityId` is the board card's, and updates go to the board); absent = its own card.
   */
  readonly presentation?: AlertPresentation;
  readonly sentAt?: number;
  readonly lastError?: string;
  /**
   * When a dispatcher claimed the row to send it (epoch ms); cleared when the outcome is recorded. A row still claimed
   * when a new owner starts or adopts its unit was in flight when its sender stopped: the outcome is unknown.
   */
  readonly claimedAt?: number;
  /** Row version from the store (ETag); `update` fails when it is no longer current. */
  readonly etag?: string;
}

/** The alert outbox and ledger. */
export interface AlertOutbox {
  /** Adds a pending row; an existing id is left as it is and reported as `exists`. */
  enqueue(alert: OutboxAlert): Promise<'enqueued' | 'exists'>;
  get(id: string): Promise<OutboxAlert | undefined>;
  /** Replaces a row guarded by its version; returns false when someone else changed it first. */
  update(alert: OutboxAlert): Promise<boolean>;
  listPending(): AsyncIterable<OutboxAlert>;
  listByEpisode(episodeId: string): Promise<OutboxAlert[]>;
}

/** Outcome of one delivery attempt (expected outcomes are values, not exceptions). */
export type DeliveryResult =
  | {
      readonly status: 'sent';
      readonly conversationId: string;
      readonly activityId: string;
      /** `board`: the alert joined the channel's live drift board (recorded on the outbox row). */
      readonly presentation?: AlertPresentation;
    }
  | { readonly status: 'throttled'; readonly retryAfterMs: number }
  | { readonly status: 'recipientGone'; readonly reason: string }
  | { readonly status: 'failed'; readonly reason: string; readonly isRetryable: boolean }
  /** Not attempted: the sender is stopping and nothing left this process, so the row goes back to pending as it was. */
  | { readonly status: 'notSent'; readonly reason: string };

/** What a delivery may be told by its caller. */
export interface DeliveryOptions {
  /**
   * Aborted when the sender starts draining (SIGTERM): a send still waiting (e.g. for a rate-limit slot) answers
   * `notSent` instead of going out. A request already on the wire is never cut off: its outcome must be recorded.
   */
  readonly signal?: AbortSignal;
}

/** Sends alerts and updates their cards (Teams, Slack). Implemented at the edge (bot/). */
export interface AlertNotifier {
  deliver(alert: OutboxAlert, options?: DeliveryOptions): Promise<DeliveryResult>;
  /** Re-renders every card of the episode in place, for everyone. */
  updateCards(episode: DriftEpisode, change: EpisodeChange, sent: readonly OutboxAlert[]): Promise<void>;
}

/** The budget ledger and live drift board of each supervisor channel (src/domain/alert-board.ts). */
export interface AlertBoardStore {
  /** The channel's ledger with its version (ETag), or undefined when the channel never had an alert. */
  get(channelKey: string): Promise<ChannelAlertLedger | undefined>;
  /** The agent's row on the channel's board. */
  getRow(channelKey: string, agentId: string): Promise<BoardRow | undefined>;
  /** The ledger and every row of the channel's board, in one read. */
  read(channelKey: string): Promise<{ readonly ledger?: ChannelAlertLedger; readonly rows: BoardRow[] }>;
  /**
   * Writes the ledger, guarded by its ETag (none: it must not exist yet), with the rows to write and the agent ids whose
   * rows leave, all or nothing; false when someone changed the ledger since it was read.
   */
  commit(
    ledger: ChannelAlertLedger,
    rows?: { readonly upsert?: readonly BoardRow[]; readonly remove?: readonly string[] },
  ): Promise<boolean>;
}

/** One row of drift history: the episode with its outcome, actions and the agent's reply. */
export interface DriftHistoryRecord {
  readonly episode: DriftEpisode;
  readonly agentName?: string;
  readonly teamName?: string;
  readonly recordedAt: number;
}

/** Drift history, one row per episode. */
export interface DriftHistoryStore {
  upsert(record: DriftHistoryRecord): Promise<void>;
  get(episodeId: string, managementUnitId: string): Promise<DriftHistoryRecord | undefined>;
  /** Episodes that started in [from, to). */
  list(query: {
    readonly from: number;
    readonly to: number;
    readonly managementUnitIds?: readonly string[];
  }): AsyncIterable<DriftHistoryRecord>;
  /** Deletes episodes that started before `before`; returns how many. */
  deleteOlderThan(before: number): Promise<number>;
}

/** Looks up the agent's current schedule before the first nudge (overtime, time off, approved explanation). */
export interface ScheduleCoverageChecker {
  /** `overtimeActivityCodeIds`: the drift policy's (DRIFT_OVERTIME_ACTIVITY_CODES resolved to ids). */
  check(
    agentId: string,
    managementUnitId: string,
    at: number,
    overtimeActivityCodeIds: readonly string[],
  ): Promise<ScheduleCoverage>;
}

/**
 * Counters of what became of observations, incremented in place by reason. The Genesys client's metrics have the same
 * fields, so passing them makes the drift core's judgements show in /metrics beside the client's own refusals.
 */
export interface ObservationCounters {
  /** Observations not applied, by reason (`stale`, `duplicate`, `changeTimeTooOld`, `superseded`). */
  eventsIgnoredTotal: Record<string, number>;
  /** Observations applied with a corrected value, by reason (`changeTimeInFuture`). */
  eventsClampedTotal: Record<string, number>;
}

/** Receives observations from the Genesys stream (and its restores). */
export interface ObservationSink {
  ingest(observation: AdherenceObservation): Promise<void>;
}

/** Takes card actions and answers whether they applied. */
export interface ActionSink {
  act(managementUnitId: string, agentId: string, action: DriftAction): Promise<ActionOutcome>;
}

/** What an action did, with the episode as it stands after it (undefined when the action was stale). */
export interface ActionOutcome {
  readonly result: ActionResult;
  readonly episode?: DriftEpisode;
}

/** An agent as known from Genesys discovery. */
export interface AgentProfile {
  readonly id: string;
  readonly name: string;
  readonly email?: string;
  readonly managerId?: string;
  readonly managementUnitId: string;
  readonly teamId?: string;
  readonly teamName?: string;
}

/** A management unit as known from Genesys discovery. */
export interface ManagementUnitProfile {
  readonly id: string;
  readonly name: string;
  readonly businessUnitId?: string;
  readonly timeZone?: string;
  readonly exceptionThresholdMs?: number;
}

/** Read access to the Genesys directory: agents, units, activity codes. */
export interface AgentDirectory {
  getAgent(agentId: string): AgentProfile | undefined;
  /**
   * Looks up an agent the directory does not know yet (hired or moved after start), so they can be linked to Teams and
   * named before their first nudge; resolves undefined when Genesys does not know them either. Never rejects.
   */
  lookUpAgent?(agentId: string, managementUnitId?: string): Promise<AgentProfile | undefined>;
  findAgentByEmail(email: string): AgentProfile | undefined;
  getUnit(managementUnitId: string): ManagementUnitProfile | undefined;
  listUnits(): readonly ManagementUnitProfile[];
  activityCodeName(activityCodeId: string): string | undefined;
}

/** Kind of a stored Teams conversation. */
export type ConversationKind = 'personal' | 'channel';

/**
 * A Teams conversation the bot can write to proactively. `key` is the Entra object id for a personal chat,
 * and `channel:<teamsChannelId>` for a channel. `reference` is the opaque Bot Framework conversation reference.
 */
export interface ConversationRecord {
  readonly key: string;
  readonly kind: ConversationKind;
  readonly tenantId?: string;
  readonly serviceUrl: string;
  readonly conversationId: string;
  readonly reference: Readonly<Record<string, unknown>>;
  readonly aadObjectId?: string;
  readonly email?: string;
  readonly userPrincipalName?: string;
  readonly displayName?: string;
  /** The Genesys agent this Teams user is linked to (matched by email or UPN). */
  readonly agentId?: string;
  readonly teamId?: string;
  readonly teamName?: string;
  readonly channelId?: string;
  readonly channelName?: string;
  /** Set when Teams answered 403/404: the reference can no longer be used. */
  readonly deadReason?: string;
  readonly updatedAt: number;
}

/** Stored conversation references (personal chats and channels). */
export interface ConversationStore {
  get(key: string): Promise<ConversationRecord | undefined>;
  upsert(record: ConversationRecord): Promise<void>;
  delete(key: string): Promise<void>;
  findByAgentId(agentId: string): Promise<ConversationRecord | undefined>;
  /** Matches email or UPN, case-insensitively. */
  findByEmail(email: string): Promise<ConversationRecord | undefined>;
  list(kind?: ConversationKind): AsyncIterable<ConversationRecord>;
  /** Deletes every record of a Teams team (channels of an uninstalled team). */
  deleteByTeam(teamId: string): Promise<number>;
}

/** What a supervisor channel watches: everything, a management unit or a work team. */
export type RouteScope = 'all' | 'managementUnit' | 'team';

/** One routing rule: alerts for `scope`/`targetId` go to the channel `conversationKey`. */
export interface RouteRecord {
  readonly scope: RouteScope;
  /** Unit or team id; `*` for `all`. */
  readonly targetId: string;
  readonly conversationKey: string;
  readonly createdBy?: string;
  readonly createdAt: number;
}

/** Routing: management unit or team -> supervisor channel. */
export interface RouteStore {
  upsert(route: RouteRecord): Promise<void>;
  delete(scope: RouteScope, targetId: string, conversationKey: string): Promise<void>;
  list(): AsyncIterable<RouteRecord>;
  listByConversation(conversationKey: string): Promise<RouteRecord[]>;
}

/** A lease on a resource (e.g. a management unit) held by one running instance until `expiresAt`. */
export interface Lease {
  readonly resource: string;
  readonly owner: string;
  readonly expiresAt: number;
}

/** Leases so that among several instances each management unit is processed by exactly one. */
export interface LeaseStore {
  /** Takes the lease if it is free, expired or already ours; returns it, or undefined when another owner holds it. */
  acquire(resource: string, owner: string, ttlMs: number, now: number): Promise<Lease | undefined>;
  release(resource: string, owner: string): Promise<void>;
  list(): AsyncIterable<Lease>;
}

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

/**
 * Where a channel's digest of one week stands: `claimed` while an instance sends it, `pending` when handed back unsent
 * (a stop, a throttle, a retryable failure: tried again from `notBefore`), `sent`, `skipped` (more than a day late)
 * or `failed` (given up).
 */
export type DigestStatus = 'claimed' | 'pending' | 'sent' | 'skipped' | 'failed';

/**
 * The one weekly digest a watching channel gets for one week. Created by the first instance to insert it (that
 * instance sends it), claimed before each send and kept as the record of what went out.
 */
export interface DigestRecord {
  /** Monday (`YYYY-MM-DD`) of the local week the digest reports. */
  readonly weekStart: string;
  /** The channel: `channel:<Teams channel id>`. */
  readonly conversationKey: string;
  readonly status: DigestStatus;
  /** The zone the week and the due time were read in. */
  readonly timeZone: string;
  /** When the digest was due (epoch ms). */
  readonly dueAt: number;
  readonly attempts: number;
  /** Do not attempt before this instant (epoch ms). */
  readonly notBefore: number;
  /** The instance sending it, and since when (epoch ms); cleared when the outcome is recorded. */
  readonly claimedBy?: string;
  readonly claimedAt?: number;
  readonly sentAt?: number;
  /** Where the card landed: the channel thread and its root activity. */
  readonly conversationId?: string;
  readonly activityId?: string;
  readonly lastError?: string;
  /** Sent again after a claim whose sender stopped mid-send: the channel may have it twice. */
  readonly isInDoubt?: boolean;
  /** Row version (ETag); `update` fails when it is no longer current. */
  readonly etag?: string;
}

/** The weekly digest ledger: one row per channel and week. */
export interface DigestLedger {
  /** Adds the row unless the channel already has one for that week (of any status); false = it had one. */
  create(record: DigestRecord): Promise<boolean>;
  get(weekStart: string, conversationKey: string): Promise<DigestRecord | undefined>;
  /** Replaces a row guarded by its etag; false when someone else changed it first. */
  update(record: DigestRecord): Promise<boolean>;
}
