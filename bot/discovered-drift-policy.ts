import { buildDriftPolicy, genesysUnitThresholds } from '../src/config/drift-policy-builder';
import type { Settings } from '../src/config/settings';
import type { DriftPolicy, DriftThresholds } from '../src/domain/drift-policy';
import { validatePolicyThresholds } from '../src/domain/thresholds';
import type { GenesysDirectory } from '../src/genesys/genesys-directory';
import { ConfigError } from '../src/platform/errors';
import type { Logger } from '../src/platform/logger';

/** What the policy reads of the Genesys directory. */
type PolicyDirectory = Pick<GenesysDirectory, 'listActivityCodes' | 'listUnits' | 'getUnitSettings'>;

/**
 * The drift policy from the settings and what Genesys discovery found (activity code names resolved to ids, overtime
 * codes included; each unit's formal-exception threshold and ignored activities). Warnings are logged; thresholds out
 * of order refuse the start with a ConfigError naming every problem.
 */
export function discoveredDriftPolicy(
  settings: Settings,
  directory: PolicyDirectory,
  logger: Logger,
): DriftPolicy {
  const built = buildDriftPolicy(settings, {
    activityCodes: directory
      .listActivityCodes()
      .map((code) => ({ id: code.id, name: code.name, category: code.category ?? '' })),
    units: directory.listUnits().map((unit) => {
      const unitSettings = directory.getUnitSettings(unit.id);
      return {
        id: unit.id,
        exceptionThresholdMs: unitSettings?.exceptionThresholdMs,
        ignoredCategories: unitSettings?.ignoredActivityCategories,
        ignoredActivityCodeIds: unitSettings?.ignoredActivityCodeIds,
      };
    }),
  });
  for (const warning of built.warnings) logger.warn({ component: 'policy' }, warning);
  const problems = validatePolicyThresholds(built.policy);
  if (problems.length > 0)
    throw new ConfigError(problems.map((problem) => ({ setting: 'DRIFT_THRESHOLD_OVERRIDES', problem })));
  return withUnitsFoundLater(built.policy, settings, directory, logger);
}

/**
 * The policy with its per-unit thresholds extended to units found while running (a unit created in Genesys after the
 * start, discovered by the directory refresh): the first time the core asks about such a unit, its Genesys exception
 * threshold is combined with the configured thresholds as at start (`genesysUnitThresholds`), logged, and kept.
 */
function withUnitsFoundLater(
  policy: DriftPolicy,
  settings: Settings,
  directory: PolicyDirectory,
  logger: Logger,
): DriftPolicy {
  const overrides = new Map<string, Partial<DriftThresholds>>();
  const exceptions = new Map<string, number>();
  const learned = new Set<string>(Object.keys(policy.unitExceptionThresholdMs));
  for (const unit of directory.listUnits()) learned.add(unit.id);
  const learn = (unitId: string): void => {
    if (learned.has(unitId)) return;
    const unitSettings = directory.getUnitSettings(unitId);
    if (unitSettings === undefined) return;
    learned.add(unitId);
    const configured = { ...settings.drift.thresholds, ...policy.byManagementUnit[unitId] };
    const use = genesysUnitThresholds(
      { id: unitId, exceptionThresholdMs: unitSettings.exceptionThresholdMs },
      configured,
    );
    if (use.warning !== undefined) logger.warn({ component: 'policy' }, use.warning);
    if (use.exceptionAfterMs !== undefined) exceptions.set(unitId, use.exceptionAfterMs);
    if (use.scaled !== undefined)
      overrides.set(unitId, { ...policy.byManagementUnit[unitId], ...use.scaled });
  };
  const view = <T>(known: Readonly<Record<string, T>>, later: Map<string, T>): Readonly<Record<string, T>> =>
    new Proxy(known, {
      get(target, key, receiver) {
        if (
          typeof key !== 'string' ||
          Object.prototype.hasOwnProperty.call(target, key) ||
          key in Object.prototype
        )
          return Reflect.get(target, key, receiver) as unknown;
        learn(key);
        return later.get(key);
      },
    });
  return Object.freeze({
    ...policy,
    byManagementUnit: view(policy.byManagementUnit, overrides),
    unitExceptionThresholdMs: view(policy.unitExceptionThresholdMs, exceptions),
  });
}
