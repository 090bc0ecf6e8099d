import {
  DEFAULT_CLOCK_SKEW_ALLOWANCE_MS,
  DEFAULT_THRESHOLDS,
  type DampeningPolicy,
  type DriftThresholds,
  type PositiveImpactPolicy,
} from '../domain/drift-policy';
import { describeError } from '../platform/describe-error';
import { formatDuration } from '../platform/duration';
import {
  boolean,
  commaList,
  duration,
  durationWhere,
  integerIn,
  isPlainObject,
  positiveDuration,
} from './setting-parsers';
import { defineSetting, problem, type EnvReader } from './setting-spec';
import { readThresholdOverrides, type ThresholdOverrides } from './threshold-overrides';

export type { ThresholdOverrides } from './threshold-overrides';

/** Drift detection settings, durations in ms. Activity entries are still names or ids: see buildDriftPolicy. */
export interface DriftSettings {
  readonly thresholds: DriftThresholds;
  /** Activity categories, activity code names or activity code ids, as written by the operator. */
  readonly excludedActivities: readonly string[];
  /** Activity code names or ids that mean overtime. */
  readonly overtimeActivityCodes: readonly string[];
  readonly dampening: DampeningPolicy;
  readonly allowSelfDeclaredOvertime: boolean;
  readonly thresholdOverrides: ThresholdOverrides;
  /** What a Positive-impact drift gets (DRIFT_POSITIVE_IMPACT): nothing, or the agent's nudge only. */
  readonly positiveImpact: PositiveImpactPolicy;
  /** How far after arrival an adherenceChangeTime is still believed (GENESYS_CLOCK_SKEW_ALLOWANCE), in ms. */
  readonly clockSkewAllowanceMs: number;
}

export const DRIFT_NUDGE_AFTER = defineSetting({
  name: 'DRIFT_NUDGE_AFTER',
  // The drift core's own defaults (src/domain/drift-policy.ts) are the settings' defaults.
  default: formatDuration(DEFAULT_THRESHOLDS.nudgeAfterMs),
  meaning: 'Drift time before the agent gets a private nudge (ISO-8601 duration or seconds).',
  parse: positiveDuration,
});

export const DRIFT_SUPERVISOR_AFTER = defineSetting({
  name: 'DRIFT_SUPERVISOR_AFTER',
  default: formatDuration(DEFAULT_THRESHOLDS.supervisorAfterMs),
  meaning: 'Drift time before the supervisor channel gets an alert card; must exceed the nudge.',
  parse: positiveDuration,
});

export const DRIFT_EXCEPTION_AFTER = defineSetting({
  name: 'DRIFT_EXCEPTION_AFTER',
  default: formatDuration(DEFAULT_THRESHOLDS.exceptionAfterMs),
  meaning:
    'Formal exception threshold used when Genesys gives none for a unit (its adherenceExceptionThresholdSeconds wins); must exceed the supervisor alert.',
  parse: positiveDuration,
});

export const DRIFT_EXCLUDED_ACTIVITIES = defineSetting({
  name: 'DRIFT_EXCLUDED_ACTIVITIES',
  default: '',
  meaning: 'Comma list of activity categories (e.g. Meeting) or activity code names/ids that never alert.',
  parse: commaList,
});

export const DRIFT_OVERTIME_ACTIVITY_CODES = defineSetting({
  name: 'DRIFT_OVERTIME_ACTIVITY_CODES',
  default: '',
  meaning: 'Comma list of activity code names/ids that mean overtime (Genesys has no overtime flag).',
  parse: commaList,
});

export const DRIFT_DAMPENING_WINDOW = defineSetting({
  name: 'DRIFT_DAMPENING_WINDOW',
  default: 'PT60S',
  meaning: "How long a unit's observations are held after a mass schedule change; 0 turns dampening off.",
  parse: duration,
});

export const DRIFT_MASS_CHANGE_AGENTS = defineSetting({
  name: 'DRIFT_MASS_CHANGE_AGENTS',
  default: '20',
  meaning: 'Distinct agents of one unit changing adherence together that count as a mass change.',
  parse: integerIn(1, 100_000),
});

export const DRIFT_MASS_CHANGE_WITHIN = defineSetting({
  name: 'DRIFT_MASS_CHANGE_WITHIN',
  default: 'PT10S',
  meaning: '... within this time.',
  parse: positiveDuration,
});

export const DRIFT_ALLOW_SELF_DECLARED_OVERTIME = defineSetting({
  name: 'DRIFT_ALLOW_SELF_DECLARED_OVERTIME',
  default: 'false',
  meaning: 'When true, an agent answering "approved overtime" suppresses the supervisor alert.',
  parse: boolean,
});

export const DRIFT_POSITIVE_IMPACT = defineSetting<PositiveImpactPolicy>({
  name: 'DRIFT_POSITIVE_IMPACT',
  default: 'ignore',
  meaning:
    'Out of adherence with Positive impact (taking calls into a scheduled break or meeting) never alerts the supervisor: `ignore` sends nothing, `nudge` still sends the agent the private note.',
  parse: (text) => {
    const value = text.toLowerCase();
    return value === 'ignore' || value === 'nudge'
      ? value
      : problem(`"${text}" is not a choice (use ignore or nudge)`);
  },
});

export const DRIFT_THRESHOLD_OVERRIDES = defineSetting<Record<string, unknown>>({
  name: 'DRIFT_THRESHOLD_OVERRIDES',
  meaning:
    'JSON: {"managementUnits":{"<muId>":{"nudgeAfter":"PT4M"}},"activityCategories":{"Meal":{"supervisorAfter":"PT12M"}}}; keys nudgeAfter, supervisorAfter, exceptionAfter.',
  // The JSON's shape here; its thresholds are checked against the defaults by readThresholdOverrides.
  parse: (text) => {
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (err) {
      return problem(`is not valid JSON (${describeError(err)})`);
    }
    return isPlainObject(json)
      ? json
      : problem(
          'must be a JSON object like {"managementUnits":{"<muId>":{"nudgeAfter":"PT4M"}},"activityCategories":{"Meal":{...}}}',
        );
  },
});

export const GENESYS_CLOCK_SKEW_ALLOWANCE = defineSetting({
  name: 'GENESYS_CLOCK_SKEW_ALLOWANCE',
  default: formatDuration(DEFAULT_CLOCK_SKEW_ALLOWANCE_MS),
  meaning:
    'How far after its arrival an `adherenceChangeTime` is still believed; a later one is clamped to the arrival instant (counted). At most PT1H.',
  parse: durationWhere((ms) =>
    ms <= 60 * 60_000
      ? undefined
      : `${formatDuration(ms)} is more than an hour; a clock that far off is a fault to fix, not to allow`,
  ),
});

/** Reads the drift rules: thresholds (which must increase), exclusions, dampening, overrides. */
export function readDriftSettings(reader: EnvReader): DriftSettings {
  const nudgeAfterMs = reader.read(DRIFT_NUDGE_AFTER);
  const supervisorAfterMs = reader.read(DRIFT_SUPERVISOR_AFTER);
  const exceptionAfterMs = reader.read(DRIFT_EXCEPTION_AFTER);
  const thresholds = { nudgeAfterMs, supervisorAfterMs, exceptionAfterMs };
  if (nudgeAfterMs >= supervisorAfterMs) {
    reader.report(
      DRIFT_SUPERVISOR_AFTER,
      `${formatDuration(supervisorAfterMs)} must be longer than DRIFT_NUDGE_AFTER (${formatDuration(nudgeAfterMs)}): the agent is nudged before the supervisor is alerted`,
    );
  }
  if (supervisorAfterMs >= exceptionAfterMs) {
    reader.report(
      DRIFT_EXCEPTION_AFTER,
      `${formatDuration(exceptionAfterMs)} must be longer than DRIFT_SUPERVISOR_AFTER (${formatDuration(supervisorAfterMs)}): alerts must come before the formal exception`,
    );
  }
  return {
    thresholds,
    excludedActivities: reader.read(DRIFT_EXCLUDED_ACTIVITIES),
    overtimeActivityCodes: reader.read(DRIFT_OVERTIME_ACTIVITY_CODES),
    dampening: {
      windowMs: reader.read(DRIFT_DAMPENING_WINDOW),
      massChangeAgents: reader.read(DRIFT_MASS_CHANGE_AGENTS),
      massChangeWithinMs: reader.read(DRIFT_MASS_CHANGE_WITHIN),
    },
    allowSelfDeclaredOvertime: reader.read(DRIFT_ALLOW_SELF_DECLARED_OVERTIME),
    thresholdOverrides: readThresholdOverrides(reader, DRIFT_THRESHOLD_OVERRIDES, thresholds),
    positiveImpact: reader.read(DRIFT_POSITIVE_IMPACT),
    clockSkewAllowanceMs: reader.read(GENESYS_CLOCK_SKEW_ALLOWANCE),
  };
}
