import assert from 'node:assert/strict';
import { DEFAULT_THRESHOLDS } from '../../../src/domain/drift-policy';
import {
  resolveThresholds,
  validatePolicyThresholds,
  validateThresholds,
} from '../../../src/domain/thresholds';
import { MINUTE, makePolicy } from '../../support/drift-fixtures';

describe('thresholds', () => {
  const policy = makePolicy({
    byManagementUnit: { mu2: { nudgeAfterMs: 4 * MINUTE, exceptionAfterMs: 20 * MINUTE } },
    byActivityCategory: { Meal: { nudgeAfterMs: 3 * MINUTE, supervisorAfterMs: 8 * MINUTE } },
    unitExceptionThresholdMs: { mu2: 12 * MINUTE, mu3: 14 * MINUTE, mu4: 0 },
  });

  const cases = [
    {
      name: 'the product defaults (6, 10, 15 min) when nothing overrides',
      unit: 'mu1',
      category: 'OnQueueWork',
      expected: [6, 10, 15],
    },
    {
      name: "the unit's Genesys exception threshold when no operator override sets it",
      unit: 'mu3',
      category: undefined,
      expected: [6, 10, 14],
    },
    {
      name: 'the defaults when the Genesys threshold is 0',
      unit: 'mu4',
      category: undefined,
      expected: [6, 10, 15],
    },
    {
      name: 'the unit override over the Genesys threshold',
      unit: 'mu2',
      category: undefined,
      expected: [4, 10, 20],
    },
    {
      name: 'the category override over the unit override, field by field',
      unit: 'mu2',
      category: 'Meal',
      expected: [3, 8, 20],
    },
    {
      name: 'the category override with the Genesys threshold for the rest',
      unit: 'mu3',
      category: 'Meal',
      expected: [3, 8, 14],
    },
  ];
  for (const c of cases) {
    it(`resolves ${c.name}`, () => {
      const t = resolveThresholds(policy, c.unit, c.category);
      assert.deepEqual(
        [t.nudgeAfterMs, t.supervisorAfterMs, t.exceptionAfterMs],
        c.expected.map((m) => m * MINUTE),
      );
    });
  }

  it('accepts the defaults', () => {
    assert.deepEqual(validateThresholds(DEFAULT_THRESHOLDS, 'defaults'), []);
  });

  const invalid = [
    {
      name: 'a nudge not before the supervisor alert',
      t: { nudgeAfterMs: 10 * MINUTE, supervisorAfterMs: 10 * MINUTE, exceptionAfterMs: 15 * MINUTE },
      match: /nudge .* must come before the supervisor alert/,
    },
    {
      name: 'a supervisor alert after the formal exception',
      t: { nudgeAfterMs: 6 * MINUTE, supervisorAfterMs: 16 * MINUTE, exceptionAfterMs: 15 * MINUTE },
      match: /supervisor alert .* must come before the formal exception/,
    },
    {
      name: 'a negative threshold',
      t: { nudgeAfterMs: -1, supervisorAfterMs: 10 * MINUTE, exceptionAfterMs: 15 * MINUTE },
      match: /nudgeAfterMs must be a positive whole number/,
    },
  ];
  for (const c of invalid) {
    it(`refuses ${c.name} with a message naming where`, () => {
      const problems = validateThresholds(c.t, 'DRIFT_THRESHOLDS for unit mu9');
      assert.equal(problems.length, 1);
      assert.match(problems[0], /^DRIFT_THRESHOLDS for unit mu9: /);
      assert.match(problems[0], c.match);
    });
  }

  it('refuses a Genesys unit threshold that would put the formal exception before the supervisor alert', () => {
    const problems = validatePolicyThresholds(
      makePolicy({ unitExceptionThresholdMs: { 'mu-strict': 5 * MINUTE } }),
    );
    assert.equal(problems.length, 1);
    assert.match(problems[0], /management unit mu-strict/);
  });

  it('accepts a consistent policy', () => {
    assert.deepEqual(validatePolicyThresholds(policy), []);
  });
});
