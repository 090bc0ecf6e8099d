import type { DriftThresholds } from '../domain/drift-policy';
import { formatDuration, parseDuration } from '../platform/duration';
import { ACTIVITY_CATEGORIES } from './activity-categories';
import { DURATION_HINT, isPlainObject } from './setting-parsers';
import type { EnvReader, SettingSpec } from './setting-spec';

/** Threshold overrides per management unit id and per scheduled activity category (partial: unset fields inherit). */
export interface ThresholdOverrides {
  readonly managementUnits: Readonly<Record<string, Partial<DriftThresholds>>>;
  readonly activityCategories: Readonly<Record<string, Partial<DriftThresholds>>>;
}

const OVERRIDE_FIELDS: Readonly<Record<string, keyof DriftThresholds>> = {
  nudgeAfter: 'nudgeAfterMs',
  supervisorAfter: 'supervisorAfterMs',
  exceptionAfter: 'exceptionAfterMs',
};

type Group = 'managementUnits' | 'activityCategories';

/**
 * Reads DRIFT_THRESHOLD_OVERRIDES (its spec parses the JSON object) and checks each scope's thresholds against
 * `defaults`: every field a positive duration, and nudge < supervisor < exception once the defaults are filled in.
 * Any problem is reported and no override applies.
 */
export function readThresholdOverrides(
  reader: EnvReader,
  spec: SettingSpec<Record<string, unknown>>,
  defaults: DriftThresholds,
): ThresholdOverrides {
  const empty: ThresholdOverrides = { managementUnits: {}, activityCategories: {} };
  const json = reader.readOptional(spec);
  if (json === undefined) return empty;
  const problemsBefore = reader.problems.length;
  for (const key of Object.keys(json)) {
    if (key !== 'managementUnits' && key !== 'activityCategories')
      reader.report(spec, `unknown key "${key}" (use managementUnits and activityCategories)`);
  }
  const overrides = {
    managementUnits: readGroup(reader, spec, json, 'managementUnits', defaults),
    activityCategories: readGroup(reader, spec, json, 'activityCategories', defaults),
  };
  return reader.problems.length === problemsBefore ? overrides : empty;
}

function readGroup(
  reader: EnvReader,
  spec: SettingSpec<unknown>,
  json: Record<string, unknown>,
  group: Group,
  defaults: DriftThresholds,
): Record<string, Partial<DriftThresholds>> {
  const value = json[group];
  const result: Record<string, Partial<DriftThresholds>> = {};
  if (value === undefined) return result;
  if (!isPlainObject(value)) {
    reader.report(
      spec,
      `${group} must be an object keyed by ${group === 'managementUnits' ? 'management unit id' : 'activity category'}`,
    );
    return result;
  }
  for (const [rawScope, fields] of Object.entries(value)) {
    let scope = rawScope.trim();
    const where = `${group}[${JSON.stringify(rawScope)}]`;
    if (scope === '') {
      reader.report(spec, `${where}: the key must not be empty`);
      continue;
    }
    if (group === 'activityCategories') {
      const known = ACTIVITY_CATEGORIES.find((c) => c.toLowerCase() === scope.toLowerCase());
      if (known === undefined)
        reader.warnings.push(
          `${spec.name}: activity category "${scope}" is not one Genesys is known to send (${ACTIVITY_CATEGORIES.join(', ')})`,
        );
      scope = known ?? scope;
    }
    if (!isPlainObject(fields)) {
      reader.report(spec, `${where} must be an object like {"nudgeAfter":"PT4M"}`);
      continue;
    }
    const override = readScope(reader, spec, where, fields);
    const merged = { ...defaults, ...override };
    if (!(
      merged.nudgeAfterMs < merged.supervisorAfterMs && merged.supervisorAfterMs < merged.exceptionAfterMs
    )) {
      reader.report(
        spec,
        `${where} gives nudge ${formatDuration(merged.nudgeAfterMs)}, supervisor ${formatDuration(merged.supervisorAfterMs)}, exception ${formatDuration(merged.exceptionAfterMs)} (with the defaults filled in); they must increase in that order`,
      );
    }
    result[scope] = override;
  }
  return result;
}

function readScope(
  reader: EnvReader,
  spec: SettingSpec<unknown>,
  where: string,
  fields: Record<string, unknown>,
): Partial<DriftThresholds> {
  const override: { -readonly [K in keyof DriftThresholds]?: number } = {};
  for (const [field, raw] of Object.entries(fields)) {
    const target = OVERRIDE_FIELDS[field];
    if (target === undefined) {
      reader.report(
        spec,
        `${where}.${field} is not a threshold (use nudgeAfter, supervisorAfter, exceptionAfter)`,
      );
      continue;
    }
    const ms =
      typeof raw === 'number'
        ? raw > 0 && Number.isFinite(raw)
          ? Math.round(raw * 1_000)
          : undefined
        : typeof raw === 'string'
          ? parseDuration(raw)
          : undefined;
    if (ms === undefined || ms <= 0) {
      reader.report(
        spec,
        `${where}.${field}: ${JSON.stringify(raw)} is not a positive duration (${DURATION_HINT})`,
      );
      continue;
    }
    override[target] = ms;
  }
  return override;
}
