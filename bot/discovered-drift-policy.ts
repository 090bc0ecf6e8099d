import { buildDriftPolicy } from '../src/config/drift-policy-builder';
import type { Settings } from '../src/config/settings';
import type { DriftPolicy } from '../src/domain/drift-policy';
import { validatePolicyThresholds } from '../src/domain/thresholds';
import type { GenesysDirectory } from '../src/genesys/genesys-directory';
import { ConfigError } from '../src/platform/errors';
import type { PlatformLogger } from '../src/platform/logger';

/**
 * The drift policy from the settings and what Genesys discovery found (activity code names resolved to ids, overtime
 * codes included; each unit's formal-exception threshold and ignored activities). Warnings are logged; thresholds out
 * of order refuse the start with a ConfigError naming every problem.
 */
export function discoveredDriftPolicy(
  settings: Settings,
  directory: GenesysDirectory,
  logger: PlatformLogger,
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
  return built.policy;
}
