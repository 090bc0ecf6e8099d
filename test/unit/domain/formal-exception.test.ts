import assert from 'node:assert/strict';
import { isFormalException } from '../../../src/domain/formal-exception';
import { openEpisode } from '../../support/bot-fakes';
import { MINUTE, makePolicy } from '../../support/drift-fixtures';

const start = openEpisode().driftStartedAt;
const held = openEpisode({
  stage: 'drifting',
  nudgedAt: undefined,
  supervisorAlertedAt: undefined,
  impact: 'Positive',
  suppression: 'positiveImpact',
});

describe('formal exceptions as Genesys counts them', function () {
  it('counts an episode the core escalated to a formal exception', () => {
    assert.equal(
      isFormalException(openEpisode({ formalExceptionAt: start + 15 * MINUTE }), makePolicy(), start),
      true,
    );
    assert.equal(isFormalException(openEpisode(), makePolicy(), start + 60 * MINUTE), false);
  });

  it('counts a Positive-impact episode once it lasted the exception threshold, ended or still open', () => {
    const policy = makePolicy();
    assert.equal(
      isFormalException({ ...held, endedAt: start + 14 * MINUTE }, policy, start + 60 * MINUTE),
      false,
    );
    assert.equal(isFormalException({ ...held, endedAt: start + 15 * MINUTE }, policy, start), true);
    assert.equal(isFormalException(held, policy, start + 15 * MINUTE - 1), false);
    assert.equal(isFormalException(held, policy, start + 15 * MINUTE), true);
  });

  it("uses the unit's own Genesys threshold", () => {
    const policy = makePolicy({ unitExceptionThresholdMs: { [held.managementUnitId]: 30 * MINUTE } });
    assert.equal(isFormalException({ ...held, endedAt: start + 20 * MINUTE }, policy, start), false);
  });

  it('never counts an episode held back for an approval, an excluded activity or a snooze', () => {
    for (const suppression of ['approvedOvertime', 'excludedActivity', 'snoozed', 'timeOff'] as const) {
      const episode = { ...held, suppression, endedAt: start + 60 * MINUTE };
      assert.equal(isFormalException(episode, makePolicy(), start), false, suppression);
    }
  });
});
