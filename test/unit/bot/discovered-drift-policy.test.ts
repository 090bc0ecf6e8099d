import assert from 'node:assert/strict';
import { discoveredDriftPolicy } from '../../../bot/discovered-drift-policy';
import { readSettings } from '../../../src/config/settings';
import { resolveThresholds } from '../../../src/domain/thresholds';
import type { UnitAdherenceSettings } from '../../../src/genesys/directory-reads';
import { RecordingLogger } from '../../support/recording-logger';

const MINUTE = 60_000;

/** A Genesys directory of units and their adherence settings; a test adds units as a directory refresh would. */
class UnitsDirectory {
  private readonly units = new Map<string, UnitAdherenceSettings>();

  add(managementUnitId: string, exceptionThresholdMs?: number): void {
    this.units.set(managementUnitId, {
      managementUnitId,
      exceptionThresholdMs,
      ignoredActivityCategories: [],
      ignoredActivityCodeIds: [],
    });
  }

  listActivityCodes() {
    return [];
  }

  listUnits() {
    return [...this.units.keys()].map((id) => ({ id, name: id }));
  }

  getUnitSettings(managementUnitId: string): UnitAdherenceSettings | undefined {
    return this.units.get(managementUnitId);
  }
}

function policyOf(directory: UnitsDirectory, logger = new RecordingLogger()) {
  const settings = readSettings({ LOCAL_MODE: 'true' }, { hostname: 'box', pid: 1 });
  return discoveredDriftPolicy(settings, directory, logger);
}

describe('the drift policy of discovered units', function () {
  it('uses the Genesys exception threshold of a unit found at start', () => {
    const directory = new UnitsDirectory();
    directory.add('mu-start', 20 * MINUTE);
    assert.equal(resolveThresholds(policyOf(directory), 'mu-start').exceptionAfterMs, 20 * MINUTE);
  });

  it('uses the Genesys exception threshold of a unit found while running, from the first question about it', () => {
    const directory = new UnitsDirectory();
    directory.add('mu-start');
    const policy = policyOf(directory);
    assert.equal(resolveThresholds(policy, 'mu-later').exceptionAfterMs, 15 * MINUTE);
    directory.add('mu-later', 25 * MINUTE);
    assert.equal(resolveThresholds(policy, 'mu-later').exceptionAfterMs, 25 * MINUTE);
    assert.equal(resolveThresholds(policy, 'mu-start').exceptionAfterMs, 15 * MINUTE);
  });

  it('scales the nudge and the supervisor alert of a unit found later whose threshold is short, and says so once', () => {
    const directory = new UnitsDirectory();
    const logger = new RecordingLogger();
    const policy = policyOf(directory, logger);
    directory.add('mu-short', 9 * MINUTE);
    const thresholds = resolveThresholds(policy, 'mu-short');
    resolveThresholds(policy, 'mu-short');
    assert.deepEqual(thresholds, {
      nudgeAfterMs: Math.round(6 * MINUTE * 0.6),
      supervisorAfterMs: Math.round(10 * MINUTE * 0.6),
      exceptionAfterMs: 9 * MINUTE,
    });
    const warnings = logger.entries.filter((entry) => entry.level === 'warn');
    assert.equal(warnings.length, 1);
    assert.match(JSON.stringify(warnings[0].msg ?? warnings[0].fields), /mu-short/);
  });
});
