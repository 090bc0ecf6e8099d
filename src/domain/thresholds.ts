/**
 * Escalation thresholds of a drift episode: which nudge, supervisor and formal-exception durations apply to an
 * agent of a management unit in a scheduled activity category. Pure.
 *
 * Precedence, per threshold (the first that sets it wins):
 * 1. the operator override for the scheduled activity category (`policy.byActivityCategory`);
 * 2. the operator override for the management unit (`policy.byManagementUnit`);
 * 3. the unit's Genesys `adherenceExceptionThresholdSeconds` (`policy.unitExceptionThresholdMs`), for the formal
 *    exception only, and only when positive (Genesys allows 0, meaning "no grace", which would put the exception
 *    before the nudge);
 * 4. `policy.defaults` (the product defaults are {@link DEFAULT_THRESHOLDS}: 6, 10, 15 minutes).
 */
import type { DriftPolicy, DriftThresholds } from './drift-policy';

/** Resolves the thresholds for one unit and scheduled activity category by the precedence above; pure. */
export function resolveThresholds(
  policy: DriftPolicy,
  managementUnitId: string,
  scheduledActivityCategory?: string,
): DriftThresholds {
  const byCategory =
    scheduledActivityCategory === undefined
      ? undefined
      : policy.byActivityCategory[scheduledActivityCategory];
  const byUnit = policy.byManagementUnit[managementUnitId];
  if (byCategory === undefined && byUnit === undefined) {
    const genesysMs = policy.unitExceptionThresholdMs[managementUnitId];
    // Hot path: most agents have no override, so avoid allocating when nothing differs from the defaults.
    if (!(genesysMs > 0)) return policy.defaults;
    return {
      nudgeAfterMs: policy.defaults.nudgeAfterMs,
      supervisorAfterMs: policy.defaults.supervisorAfterMs,
      exceptionAfterMs: genesysMs,
    };
  }
  const genesysMs = policy.unitExceptionThresholdMs[managementUnitId];
  return {
    nudgeAfterMs: byCategory?.nudgeAfterMs ?? byUnit?.nudgeAfterMs ?? policy.defaults.nudgeAfterMs,
    supervisorAfterMs:
      byCategory?.supervisorAfterMs ?? byUnit?.supervisorAfterMs ?? policy.defaults.supervisorAfterMs,
    exceptionAfterMs:
      byCategory?.exceptionAfterMs ??
      byUnit?.exceptionAfterMs ??
      (genesysMs > 0 ? genesysMs : policy.defaults.exceptionAfterMs),
  };
}

/** Checks that thresholds are positive whole milliseconds and strictly increasing; returns [] or messages naming `where`. */
export function validateThresholds(thresholds: DriftThresholds, where: string): string[] {
  const problems: string[] = [];
  const fields = ['nudgeAfterMs', 'supervisorAfterMs', 'exceptionAfterMs'] as const;
  for (const field of fields) {
    const value = thresholds[field];
    if (typeof value !== 'number' || !Number.isInteger(value) || value <= 0) {
      problems.push(
        `${where}: ${field} must be a positive whole number of milliseconds, got ${String(value)}.`,
      );
    }
  }
  if (problems.length > 0) return problems;
  if (thresholds.nudgeAfterMs >= thresholds.supervisorAfterMs) {
    problems.push(
      `${where}: the nudge (nudgeAfterMs ${thresholds.nudgeAfterMs}) must come before the supervisor alert (supervisorAfterMs ${thresholds.supervisorAfterMs}).`,
    );
  }
  if (thresholds.supervisorAfterMs >= thresholds.exceptionAfterMs) {
    problems.push(
      `${where}: the supervisor alert (supervisorAfterMs ${thresholds.supervisorAfterMs}) must come before the formal exception (exceptionAfterMs ${thresholds.exceptionAfterMs}).`,
    );
  }
  return problems;
}

/**
 * Validates every combination a policy can resolve to (defaults, each unit, each category, each unit x category),
 * so a bad override or a Genesys unit threshold below the supervisor alert is refused at start; returns [] when valid.
 */
export function validatePolicyThresholds(policy: DriftPolicy): string[] {
  const units = new Set([
    ...Object.keys(policy.byManagementUnit),
    ...Object.keys(policy.unitExceptionThresholdMs),
  ]);
  const categories = Object.keys(policy.byActivityCategory);
  const problems = validateThresholds(policy.defaults, 'drift thresholds (defaults)');
  for (const category of categories) {
    problems.push(
      ...validateThresholds(
        resolveThresholds(policy, '', category),
        `drift thresholds for activity category ${category}`,
      ),
    );
  }
  for (const unit of units) {
    problems.push(
      ...validateThresholds(resolveThresholds(policy, unit), `drift thresholds for management unit ${unit}`),
    );
    for (const category of categories) {
      problems.push(
        ...validateThresholds(
          resolveThresholds(policy, unit, category),
          `drift thresholds for management unit ${unit}, activity category ${category}`,
        ),
      );
    }
  }
  return [...new Set(problems)];
}
