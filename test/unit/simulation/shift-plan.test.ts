import assert from 'node:assert/strict';
import { buildContactCentre, type Shift } from '../../../src/simulator/contact-centre';
import { SeededRandom } from '../../../src/simulator/seeded-random';
import { centralParameters, withParameters } from '../../../src/simulation/outcome-parameters';
import { planShiftDrifts } from '../../../src/simulation/shift-plan';
import { quietParameters } from '../../support/simulation-parameters';

const START = Date.UTC(2026, 7, 17, 9, 0, 0);
const MINUTE = 60_000;

function shifts(count: number): Shift[] {
  return buildContactCentre({ seed: 4, units: 1, agentsPerUnit: count, startAt: START }).agents.map(
    (a) => a.shifts[0],
  );
}

const QUIET = quietParameters();

describe('planShiftDrifts', () => {
  it('plans nothing when every cause is turned off', () => {
    for (const [i, shift] of shifts(10).entries())
      assert.deepEqual(planShiftDrifts(shift, QUIET, new SeededRandom(i)), []);
  });

  it('puts a late return at every break and meal return when the rate covers them all', () => {
    const params = withParameters(QUIET, { lateBackPerShift: 10 });
    for (const [i, shift] of shifts(10).entries()) {
      const returns = shift.activities
        .filter((activity, index) => {
          const previous = shift.activities[index - 1];
          return (
            activity.category === 'OnQueueWork' &&
            (previous?.category === 'Break' || previous?.category === 'Meal')
          );
        })
        .map((activity) => activity.startAt);
      const plan = planShiftDrifts(shift, params, new SeededRandom(i));
      assert.deepEqual(
        plan.map((drift) => [drift.cause, drift.kind, drift.startAt]),
        returns.map((at) => ['lateBack', 'keepPrevious', at]),
      );
    }
  });

  it('never plans overlapping drifts', () => {
    const params = withParameters(centralParameters(), {
      driftMedianMinutes: 30,
      slipChance: 1,
      briefAuxPerShift: 1,
    });
    for (const [i, shift] of shifts(40).entries()) {
      const plan = planShiftDrifts(shift, params, new SeededRandom(`overlap:${i}`));
      for (let k = 1; k < plan.length; k++)
        assert.ok(plan[k].startAt > plan[k - 1].naturalEndAt, `shift ${i}`);
      for (const drift of plan) assert.ok(drift.naturalEndAt > drift.startAt);
    }
  });

  it('draws the same chances whatever the rates, so changing one cause leaves the others where they were', () => {
    const calls = withParameters(QUIET, { occupancy: 1, driftMedianMinutes: 1 });
    const withStatus = withParameters(calls, { statusNotChangedPerShift: 10 });
    for (const [i, shift] of shifts(10).entries()) {
      const callsOf = (plan: ReturnType<typeof planShiftDrifts>) =>
        plan.filter((d) => d.cause === 'longCall').map((d) => [d.startAt, d.naturalEndAt, d.draws]);
      const a = planShiftDrifts(shift, calls, new SeededRandom(i));
      const b = planShiftDrifts(shift, withStatus, new SeededRandom(i));
      assert.ok(b.some((d) => d.cause === 'statusNotChanged'));
      assert.deepEqual(callsOf(b), callsOf(a));
    }
  });

  it('gives a call running into a break its remaining handle time', () => {
    const params = withParameters(QUIET, { occupancy: 1, ahtMinutes: 6, handleTimeSigma: 0.6 });
    const lengths: number[] = [];
    for (const [i, shift] of shifts(200).entries()) {
      for (const drift of planShiftDrifts(shift, params, new SeededRandom(i)))
        lengths.push((drift.naturalEndAt - drift.startAt) / MINUTE);
    }
    // A call in progress is length-biased: its mean remaining time is E[H^2] / (2 E[H]) = AHT (1 + CV^2) / 2 = 4.3 min.
    const mean = lengths.reduce((sum, x) => sum + x, 0) / lengths.length;
    assert.ok(mean > 3.8 && mean < 4.8, `mean remaining handle time ${mean}`);
  });
});
