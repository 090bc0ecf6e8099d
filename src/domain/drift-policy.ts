/** The three escalation thresholds of a drift episode, as durations in milliseconds from drift start. */
export interface DriftThresholds {
  readonly nudgeAfterMs: number;
  readonly supervisorAfterMs: number;
  readonly exceptionAfterMs: number;
}

/** Mass schedule change dampening settings. */
export interface DampeningPolicy {
  /** How long a unit's observations are held after a schedule change or burst. */
  readonly windowMs: number;
  /** A burst is at least this many distinct agents of one unit changing adherence ... */
  readonly massChangeAgents: number;
  /** ... within this many milliseconds. */
  readonly massChangeWithinMs: number;
}

/**
 * Everything the drift core needs to decide; built once from settings and Genesys discovery.
 * Ids and categories are compared exactly; activity code names are resolved to ids before they get here.
 */
export interface DriftPolicy {
  readonly defaults: DriftThresholds;
  /** Operator overrides per management unit id. */
  readonly byManagementUnit: Readonly<Record<string, Partial<DriftThresholds>>>;
  /** Operator overrides per scheduled activity category (e.g. `Meal`). */
  readonly byActivityCategory: Readonly<Record<string, Partial<DriftThresholds>>>;
  /** Formal exception threshold per unit from Genesys (`adherenceExceptionThresholdSeconds` x 1000). */
  readonly unitExceptionThresholdMs: Readonly<Record<string, number>>;
  /** Scheduled activity categories and activity code ids that never produce a nudge or alert. */
  readonly excludedCategories: readonly string[];
  readonly excludedActivityCodeIds: readonly string[];
  /** Activity code ids that mean overtime (Genesys has no overtime flag; configured by convention). */
  readonly overtimeActivityCodeIds: readonly string[];
  readonly dampening: DampeningPolicy;
  /** When true, an agent's own "approved overtime" reply suppresses the supervisor alert. */
  readonly allowSelfDeclaredOvertime: boolean;
  /**
   * Out of adherence with Positive impact (taking calls into a scheduled break or meeting) never alerts the supervisor;
   * `nudge` still sends the agent the private note, `ignore` (default) sends nothing.
   */
  readonly positiveImpact?: PositiveImpactPolicy;
  /**
   * How far after its arrival an `adherenceChangeTime` may lie and still be believed (Genesys's clock may run ahead of
   * ours); a later one is clamped to the arrival instant. Default {@link DEFAULT_CLOCK_SKEW_ALLOWANCE_MS}.
   */
  readonly clockSkewAllowanceMs?: number;
}

/** What a Positive-impact drift gets: nothing (`ignore`), or the agent's private nudge only (`nudge`). */
export type PositiveImpactPolicy = 'ignore' | 'nudge';

/** Default clock skew allowance: 2 minutes. */
export const DEFAULT_CLOCK_SKEW_ALLOWANCE_MS = 2 * 60_000;

/** An `adherenceChangeTime` more than this before the frame arrived (24 h) is not believed: the frame is refused. */
export const MAX_CHANGE_TIME_AGE_MS = 24 * 60 * 60_000;

/** The product defaults: nudge at 6, supervisor at 10, formal exception at 15 minutes; 60 s dampening. */
export const DEFAULT_THRESHOLDS: DriftThresholds = Object.freeze({
  nudgeAfterMs: 6 * 60_000,
  supervisorAfterMs: 10 * 60_000,
  exceptionAfterMs: 15 * 60_000,
});
