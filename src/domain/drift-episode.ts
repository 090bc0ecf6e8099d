import type { AdherenceImpact } from './adherence-observation';

/** Who did something on a card: the Teams user (Entra object id) and their display name. */
export interface Actor {
  readonly id: string;
  readonly name?: string;
}

/** Escalation stage of an episode, in order. */
export type DriftStage = 'drifting' | 'nudged' | 'supervisorAlerted' | 'formalException';

/** Why an episode produced (or produces) no nudge or alert. */
export type SuppressionReason =
  | 'excludedActivity'
  | 'approvedOvertime'
  | 'overtimeActivity'
  | 'approvedExplanation'
  | 'timeOff'
  | 'snoozed'
  | 'dampened'
  /** Out of adherence with Positive impact (taking calls into a scheduled break or meeting). */
  | 'positiveImpact'
  /** Genesys marks the agent out of office. */
  | 'outOfOffice';

/** How an episode ended. */
export type DriftOutcome =
  | 'resolvedBeforeNudge'
  | 'resolvedAfterNudge'
  | 'resolvedAfterSupervisorAlert'
  | 'becameFormalException'
  | 'suppressed'
  | 'removedFromUnit';

/** Reasons an agent can give on the nudge card. */
export type AgentReplyReason =
  'backOnIt' | 'longCustomerInteraction' | 'systemIssue' | 'approvedOvertime' | 'other';

/** Result of the schedule pre-check made before the first nudge. */
export type ScheduleCoverage = 'clear' | 'overtime' | 'timeOff' | 'explained' | 'unavailable';

/**
 * One continuous stretch of an agent being out of adherence, with every stage instant (epoch ms).
 * Persisted as is; instants are absolute, never durations.
 */
export interface DriftEpisode {
  /** Stable id: `${agentId}:${driftStartedAt}`. */
  readonly id: string;
  readonly agentId: string;
  readonly managementUnitId: string;
  readonly teamId?: string;
  readonly driftStartedAt: number;
  /** When escalation timing starts if not at `driftStartedAt` (a mass schedule change moved it); thresholds count from here. */
  readonly clockStartedAt?: number;
  readonly scheduledActivityCategory?: string;
  readonly scheduledActivityCodeId?: string;
  readonly actualActivityCategory?: string;
  /** Genesys's impact of the drift as last reported (Positive: taking calls into a break or meeting). */
  readonly impact?: AdherenceImpact;
  readonly stage: DriftStage;
  readonly nudgedAt?: number;
  readonly supervisorAlertedAt?: number;
  readonly reAlertedAt?: number;
  readonly formalExceptionAt?: number;
  readonly acknowledged?: { readonly by: Actor; readonly at: number };
  readonly snoozed?: { readonly by: Actor; readonly at: number; readonly until: number };
  readonly approvedOvertime?: { readonly by: Actor; readonly at: number; readonly until: number };
  readonly agentReply?: {
    readonly by: Actor;
    readonly at: number;
    readonly reason: AgentReplyReason;
    readonly text?: string;
  };
  readonly scheduleCoverage?: ScheduleCoverage;
  /** Set while the episode is held back; an ended episode keeps the reason it was suppressed for. */
  readonly suppression?: SuppressionReason;
  readonly endedAt?: number;
  readonly outcome?: DriftOutcome;
}

/** Everything the core remembers about one agent between observations. */
export interface AgentDriftState {
  readonly agentId: string;
  readonly managementUnitId: string;
  readonly teamId?: string;
  /** The newest applied observation's identity, for `stale` and `duplicate` checks. */
  readonly lastAdherenceState: string;
  readonly lastAdherenceChangedAt: number;
  readonly lastObservedAt: number;
  /** A 30-bit fingerprint of the newest applied observation's content, so an exact repeat counts as a `duplicate`. */
  readonly lastObservationHash?: number;
  /** The open episode, if the agent is drifting now. */
  readonly episode?: DriftEpisode;
  /** Nudges and alerts are held for this agent until then (epoch ms), set by a supervisor's snooze. */
  readonly snoozedUntil?: number;
  /** The next instant the core wants to be woken for this agent (absolute, epoch ms). */
  readonly nextDueAt?: number;
}
