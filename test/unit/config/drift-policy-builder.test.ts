import assert from 'node:assert/strict';
import { buildDriftPolicy } from '../../../src/config/drift-policy-builder';
import type { DriftDiscovery } from '../../../src/config/drift-policy-builder';
import { readSettings } from '../../../src/config/settings';

const host = { hostname: 'box', pid: 1 };
const OT_ID = '0a0a0a0a-1111-4222-8333-444444444444';
const OT_ID_2 = '0b0b0b0b-1111-4222-8333-444444444444';
const HUDDLE_ID = '0c0c0c0c-1111-4222-8333-444444444444';
const MISSING_ID = '0d0d0d0d-1111-4222-8333-444444444444';

const discovery: DriftDiscovery = {
  activityCodes: [
    { id: OT_ID, name: 'Overtime', category: 'OnQueueWork' },
    { id: OT_ID_2, name: 'overtime', category: 'OnQueueWork' },
    { id: HUDDLE_ID, name: 'Team Huddle', category: 'Meeting' },
  ],
  units: [{ id: 'mu-1' }, { id: 'mu-2', exceptionThresholdMs: 20 * 60_000 }],
};

function build(env: Record<string, string>, found: DriftDiscovery = discovery) {
  return buildDriftPolicy(readSettings({ LOCAL_MODE: 'true', ...env }, host), found);
}

describe('buildDriftPolicy', () => {
  it('carries the configured defaults, dampening and overtime switch', () => {
    const { policy, warnings } = build({ DRIFT_ALLOW_SELF_DECLARED_OVERTIME: 'true' });
    assert.deepEqual(policy.defaults, {
      nudgeAfterMs: 360_000,
      supervisorAfterMs: 600_000,
      exceptionAfterMs: 900_000,
    });
    assert.deepEqual(policy.dampening, {
      windowMs: 60_000,
      massChangeAgents: 20,
      massChangeWithinMs: 10_000,
    });
    assert.equal(policy.allowSelfDeclaredOvertime, true);
    assert.deepEqual(warnings, []);
    assert.ok(Object.isFrozen(policy.defaults));
  });

  it('resolves excluded categories and activity code names case-insensitively', () => {
    const { policy, warnings } = build({ DRIFT_EXCLUDED_ACTIVITIES: 'meeting,team huddle,TRAINING' });
    assert.deepEqual(policy.excludedCategories, ['Meeting', 'Training']);
    assert.deepEqual(policy.excludedActivityCodeIds, [HUDDLE_ID]);
    assert.deepEqual(warnings, []);
  });

  it('resolves overtime codes by name (every business unit) and by id', () => {
    const { policy } = build({ DRIFT_OVERTIME_ACTIVITY_CODES: `OVERTIME,${HUDDLE_ID}` });
    assert.deepEqual(policy.overtimeActivityCodeIds, [OT_ID, OT_ID_2, HUDDLE_ID]);
  });

  it('warns about names it cannot resolve and keeps unknown GUIDs as ids', () => {
    const { policy, warnings } = build({
      DRIFT_EXCLUDED_ACTIVITIES: `Coffee,${MISSING_ID}`,
      DRIFT_OVERTIME_ACTIVITY_CODES: 'OT-Approved,Meal',
    });
    assert.deepEqual(policy.excludedActivityCodeIds, [MISSING_ID]);
    assert.deepEqual(policy.overtimeActivityCodeIds, []);
    assert.equal(warnings.length, 4);
    assert.match(
      warnings[0],
      /DRIFT_EXCLUDED_ACTIVITIES: "Coffee" matches no activity category or activity code/,
    );
    assert.match(warnings[1], /was not found in Genesys; kept as given/);
    assert.match(warnings[2], /DRIFT_OVERTIME_ACTIVITY_CODES: "OT-Approved"/);
    assert.match(warnings[3], /"Meal" is an activity category, not an activity code/);
  });

  it('uses a unit exception threshold from Genesys when it comes after the supervisor alert', () => {
    const { policy, warnings } = build({});
    assert.deepEqual(policy.unitExceptionThresholdMs, { 'mu-2': 1_200_000 });
    assert.deepEqual(warnings, []);
  });

  it('scales nudge and supervisor alert down when Genesys records the exception first', () => {
    const { policy, warnings } = build(
      {},
      { activityCodes: [], units: [{ id: 'mu-3', exceptionThresholdMs: 5 * 60_000 }] },
    );
    assert.deepEqual(policy.unitExceptionThresholdMs, { 'mu-3': 300_000 });
    assert.deepEqual(policy.byManagementUnit['mu-3'], { nudgeAfterMs: 120_000, supervisorAfterMs: 200_000 });
    assert.match(
      warnings[0],
      /"mu-3".*\(PT5M\) is not after the supervisor alert \(PT10M\); nudge and supervisor alert scaled to PT2M and PT3M20S/,
    );
  });

  it('does not use a Genesys threshold too short to alert before, and says so', () => {
    const { policy, warnings } = build(
      {},
      { activityCodes: [], units: [{ id: 'mu-4', exceptionThresholdMs: 60_000 }] },
    );
    assert.deepEqual(policy.unitExceptionThresholdMs, {});
    assert.equal(policy.byManagementUnit['mu-4'], undefined);
    assert.match(
      warnings[0],
      /"mu-4".*\(PT1M\) is too short.*Raise adherenceExceptionThresholdSeconds or set DRIFT_THRESHOLD_OVERRIDES/,
    );
  });

  it('checks a unit override against the Genesys threshold of that unit', () => {
    const overrides = JSON.stringify({
      managementUnits: { 'mu-5': { nudgeAfter: 'PT2M', supervisorAfter: 'PT4M' } },
    });
    const { policy, warnings } = build(
      { DRIFT_THRESHOLD_OVERRIDES: overrides },
      { activityCodes: [], units: [{ id: 'mu-5', exceptionThresholdMs: 5 * 60_000 }] },
    );
    assert.deepEqual(policy.byManagementUnit['mu-5'], { nudgeAfterMs: 120_000, supervisorAfterMs: 240_000 });
    assert.deepEqual(policy.unitExceptionThresholdMs, { 'mu-5': 300_000 });
    assert.deepEqual(warnings, []);
  });

  it('passes category overrides through and warns about overrides for units Genesys does not know', () => {
    const overrides = JSON.stringify({
      managementUnits: { ghost: { nudgeAfter: 'PT5M' } },
      activityCategories: { Meal: { nudgeAfter: 'PT8M' } },
    });
    const { policy, warnings } = build({ DRIFT_THRESHOLD_OVERRIDES: overrides });
    assert.deepEqual(policy.byActivityCategory, { Meal: { nudgeAfterMs: 480_000 } });
    assert.deepEqual(policy.byManagementUnit, { ghost: { nudgeAfterMs: 300_000 } });
    assert.match(warnings.join('\n'), /management unit "ghost" was not found in Genesys/);
  });

  it('excludes what Genesys ignores in every unit, not what one unit ignores', () => {
    const { policy } = build(
      {},
      {
        activityCodes: [],
        units: [
          { id: 'a', ignoredCategories: ['Meeting', 'Training'], ignoredActivityCodeIds: ['x'] },
          { id: 'b', ignoredCategories: ['Training'], ignoredActivityCodeIds: ['x', 'y'] },
        ],
      },
    );
    assert.deepEqual(policy.excludedCategories, ['Training']);
    assert.deepEqual(policy.excludedActivityCodeIds, ['x']);
  });
});
