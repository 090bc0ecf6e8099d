import type { DriftPolicy, DriftThresholds } from '../domain/drift-policy';
import { deepFreeze } from '../platform/deep-freeze';
import { formatDuration } from '../platform/duration';
import { ACTIVITY_CATEGORIES } from './activity-categories';
import type { DriftSettings } from './drift-settings';

/** An activity code as discovered in Genesys (business unit activity codes). */
export interface DiscoveredActivityCode {
  readonly id: string;
  readonly name: string;
  readonly category: string;
}

/** A management unit as discovered in Genesys, with its adherence settings when readable. */
export interface DiscoveredUnit {
  readonly id: string;
  /** `settings.adherence.adherenceExceptionThresholdSeconds` x 1000. */
  readonly exceptionThresholdMs?: number;
  readonly ignoredCategories?: readonly string[];
  readonly ignoredActivityCodeIds?: readonly string[];
}

/** What Genesys discovery found, for resolving names and unit thresholds. */
export interface DriftDiscovery {
  readonly activityCodes: readonly DiscoveredActivityCode[];
  readonly units: readonly DiscoveredUnit[];
}

/** The built policy and what the operator should know (names not found, thresholds adjusted). */
export interface DriftPolicyBuild {
  readonly policy: DriftPolicy;
  readonly warnings: string[];
}

/** Below this a scaled-down nudge is noise: the unit's Genesys threshold is then not used (see buildDriftPolicy). */
const MIN_SCALED_NUDGE_MS = 30_000;

// Genesys activity code ids are GUIDs; an unknown entry of this shape is kept as an id (codes may be added later).
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Builds the drift core's policy from settings and Genesys discovery; pure. Activity entries resolve, case-insensitively,
 * to a category, a code id or every code of that name; unresolved ones are warnings (a GUID-shaped one is kept as an id).
 * Each unit's Genesys formal-exception threshold is used as is when it exceeds the unit's supervisor threshold; when it
 * does not, the unit's nudge and supervisor thresholds are scaled by (Genesys threshold / configured exception) so both
 * stay before the formal exception in the same proportions, recorded as a unit override with a warning; if that puts
 * the nudge under 30 s the Genesys threshold is not used for the unit at all, with a warning that its alerts may come
 * after the formal exception. A category or code Genesys ignores in every discovered unit is excluded too.
 */
export function buildDriftPolicy(
  settings: { readonly drift: DriftSettings },
  discovery: DriftDiscovery,
): DriftPolicyBuild {
  const drift = settings.drift;
  const warnings: string[] = [];
  const categories = knownCategories(discovery.activityCodes);

  const excludedCategories = new Set<string>();
  const excludedActivityCodeIds = new Set<string>();
  for (const entry of drift.excludedActivities) {
    const category = categories.get(entry.toLowerCase());
    if (category !== undefined) {
      excludedCategories.add(category);
      continue;
    }
    const ids = resolveCode(entry, discovery.activityCodes, 'DRIFT_EXCLUDED_ACTIVITIES', warnings);
    ids.forEach((id) => excludedActivityCodeIds.add(id));
  }

  const overtimeActivityCodeIds = new Set<string>();
  for (const entry of drift.overtimeActivityCodes) {
    const ids = resolveCode(
      entry,
      discovery.activityCodes,
      'DRIFT_OVERTIME_ACTIVITY_CODES',
      warnings,
      categories.get(entry.toLowerCase()),
    );
    ids.forEach((id) => overtimeActivityCodeIds.add(id));
  }

  // Genesys's own per-unit ignore lists: the policy's exclusions are global, so only what every unit ignores is safe
  // to add; a unit ignoring something reports its agents as `Ignored`, which opens no episode anyway.
  if (discovery.units.length > 0) {
    intersect(discovery.units.map((u) => u.ignoredCategories ?? [])).forEach((c) =>
      excludedCategories.add(c),
    );
    intersect(discovery.units.map((u) => u.ignoredActivityCodeIds ?? [])).forEach((id) =>
      excludedActivityCodeIds.add(id),
    );
  }

  const byManagementUnit: Record<string, Partial<DriftThresholds>> = {
    ...drift.thresholdOverrides.managementUnits,
  };
  const unitExceptionThresholdMs: Record<string, number> = {};
  const discoveredIds = new Set(discovery.units.map((u) => u.id));
  for (const unitId of Object.keys(drift.thresholdOverrides.managementUnits)) {
    if (!discoveredIds.has(unitId))
      warnings.push(
        `DRIFT_THRESHOLD_OVERRIDES: management unit "${unitId}" was not found in Genesys; its override is kept but applies to nothing yet`,
      );
  }
  for (const unit of discovery.units) {
    const configured: DriftThresholds = { ...drift.thresholds, ...byManagementUnit[unit.id] };
    const use = genesysUnitThresholds(unit, configured);
    if (use.warning !== undefined) warnings.push(use.warning);
    if (use.exceptionAfterMs !== undefined) unitExceptionThresholdMs[unit.id] = use.exceptionAfterMs;
    if (use.scaled !== undefined) byManagementUnit[unit.id] = { ...byManagementUnit[unit.id], ...use.scaled };
  }

  const policy: DriftPolicy = {
    defaults: { ...drift.thresholds },
    byManagementUnit,
    byActivityCategory: { ...drift.thresholdOverrides.activityCategories },
    unitExceptionThresholdMs,
    excludedCategories: [...excludedCategories],
    excludedActivityCodeIds: [...excludedActivityCodeIds],
    overtimeActivityCodeIds: [...overtimeActivityCodeIds],
    dampening: { ...drift.dampening },
    allowSelfDeclaredOvertime: drift.allowSelfDeclaredOvertime,
    positiveImpact: drift.positiveImpact,
    clockSkewAllowanceMs: drift.clockSkewAllowanceMs,
  };
  return { policy: deepFreeze(policy), warnings };
}

/** Lower-cased category -> the spelling Genesys uses, from the known list and the discovered codes. */
function knownCategories(codes: readonly DiscoveredActivityCode[]): Map<string, string> {
  const categories = new Map<string, string>();
  for (const category of [...ACTIVITY_CATEGORIES, ...codes.map((c) => c.category)]) {
    if (category) categories.set(category.toLowerCase(), category);
  }
  return categories;
}

function resolveCode(
  entry: string,
  codes: readonly DiscoveredActivityCode[],
  setting: string,
  warnings: string[],
  isCategory?: string,
): string[] {
  const byId = codes.filter((c) => c.id === entry || c.id.toLowerCase() === entry.toLowerCase());
  if (byId.length > 0) return byId.map((c) => c.id);
  // The same name can exist in several business units; each is its own code id.
  const byName = codes.filter((c) => c.name.trim().toLowerCase() === entry.toLowerCase());
  if (byName.length > 0) return byName.map((c) => c.id);
  if (isCategory !== undefined) {
    warnings.push(
      `${setting}: "${entry}" is an activity category, not an activity code; list the overtime activity codes by name or id`,
    );
    return [];
  }
  if (GUID.test(entry)) {
    warnings.push(`${setting}: activity code id "${entry}" was not found in Genesys; kept as given`);
    return [entry];
  }
  warnings.push(`${setting}: "${entry}" matches no activity category or activity code name or id; ignored`);
  return [];
}

function intersect(lists: readonly (readonly string[])[]): string[] {
  const [first, ...rest] = lists;
  return (first ?? []).filter((item) => rest.every((list) => list.includes(item)));
}

/** How one unit's Genesys formal-exception threshold is used (see {@link buildDriftPolicy}). */
export interface GenesysUnitThresholds {
  /** The unit's exception threshold, when used. */
  readonly exceptionAfterMs?: number;
  /** Nudge and supervisor thresholds scaled to stay before a short Genesys threshold. */
  readonly scaled?: Pick<DriftThresholds, 'nudgeAfterMs' | 'supervisorAfterMs'>;
  readonly warning?: string;
}

/**
 * Decides how a unit's Genesys threshold combines with the thresholds configured for it (defaults and its override);
 * pure. Used at start for every discovered unit and later for a unit found while running.
 */
export function genesysUnitThresholds(
  unit: DiscoveredUnit,
  configured: DriftThresholds,
): GenesysUnitThresholds {
  const genesysMs = unit.exceptionThresholdMs;
  // Zero or absent: the unit has no formal-exception threshold of its own; the configured one applies.
  if (genesysMs === undefined || !(genesysMs > 0)) return {};
  if (genesysMs > configured.supervisorAfterMs) return { exceptionAfterMs: genesysMs };
  const factor = genesysMs / configured.exceptionAfterMs;
  const nudgeAfterMs = Math.round(configured.nudgeAfterMs * factor);
  const supervisorAfterMs = Math.round(configured.supervisorAfterMs * factor);
  if (
    nudgeAfterMs < MIN_SCALED_NUDGE_MS ||
    !(nudgeAfterMs < supervisorAfterMs && supervisorAfterMs < genesysMs)
  ) {
    return {
      warning: `management unit "${unit.id}": its Genesys exception threshold (${formatDuration(genesysMs)}) is too short to alert before; it is not used, so alerts follow nudge ${formatDuration(configured.nudgeAfterMs)}, supervisor ${formatDuration(configured.supervisorAfterMs)}, exception ${formatDuration(configured.exceptionAfterMs)} and may come after Genesys records the exception. Raise adherenceExceptionThresholdSeconds or set DRIFT_THRESHOLD_OVERRIDES for this unit.`,
    };
  }
  return {
    exceptionAfterMs: genesysMs,
    scaled: { nudgeAfterMs, supervisorAfterMs },
    warning: `management unit "${unit.id}": its Genesys exception threshold (${formatDuration(genesysMs)}) is not after the supervisor alert (${formatDuration(configured.supervisorAfterMs)}); nudge and supervisor alert scaled to ${formatDuration(nudgeAfterMs)} and ${formatDuration(supervisorAfterMs)}`,
  };
}
