import assert from 'node:assert/strict';
import { applyObservation } from '../../../src/domain/drift-engine';
import type { AgentDriftState } from '../../../src/domain/drift-episode';
import type { DriftPolicy } from '../../../src/domain/drift-policy';
import { judgeChangeTime } from '../../../src/domain/observation-judgement';
import { MINUTE, T0, makePolicy, observation, runChecksUntil, typesOf } from '../../support/drift-fixtures';

const policy = makePolicy();
const HOUR = 60 * MINUTE;
const YEAR_2099 = Date.UTC(2099, 0, 1);

function inAdherenceAt(at: number, p: DriftPolicy = policy): AgentDriftState {
  return applyObservation(
    undefined,
    observation({ adherenceState: 'InAdherence', adherenceChangedAt: at - 30 * MINUTE, observedAt: at }),
    p,
    at,
  ).state!;
}

describe('observation judgement (Genesys data is input, not truth)', () => {
  it('clamps a change time beyond the skew allowance to the arrival instant and says so', () => {
    const judged = judgeChangeTime(observation({ adherenceChangedAt: YEAR_2099, observedAt: T0 }), policy);
    assert.equal(judged.clamped, 'changeTimeInFuture');
    assert.equal(judged.observation?.adherenceChangedAt, T0);
    assert.equal(judged.observation?.reportedChangedAt, YEAR_2099);
  });

  it('believes a change time within the skew allowance, which is a setting', () => {
    const ahead = observation({ adherenceChangedAt: T0 + 90_000, observedAt: T0 });
    assert.equal(judgeChangeTime(ahead, policy).clamped, undefined);
    assert.equal(
      judgeChangeTime(ahead, makePolicy({ clockSkewAllowanceMs: 60_000 })).clamped,
      'changeTimeInFuture',
    );
  });

  it('refuses a change time more than 24 hours before arrival, except for a removal from the unit', () => {
    const ancient = observation({ adherenceChangedAt: T0 - 25 * HOUR, observedAt: T0 });
    assert.equal(judgeChangeTime(ancient, policy).ignored, 'changeTimeTooOld');
    assert.equal(judgeChangeTime({ ...ancient, removedFromUnit: true }, policy).ignored, undefined);
    assert.equal(
      judgeChangeTime(observation({ adherenceChangedAt: T0 - 23 * HOUR, observedAt: T0 }), policy).ignored,
      undefined,
    );
  });

  it('keeps tracking an agent after a frame dated in 2099: the next real event applies and escalates on time', () => {
    const state = inAdherenceAt(T0 - MINUTE);
    const bogus = applyObservation(
      state,
      observation({ adherenceState: 'Unknown', adherenceChangedAt: YEAR_2099, observedAt: T0 - 30_000 }),
      policy,
      T0 - 30_000,
    );
    assert.equal(bogus.clamped, 'changeTimeInFuture');
    assert.equal(bogus.state!.lastAdherenceChangedAt, T0 - 30_000);
    const real = applyObservation(bogus.state, observation({ observedAt: T0 + 1_000 }), policy, T0 + 1_000);
    assert.equal(real.ignored, undefined);
    assert.equal(real.state!.episode?.driftStartedAt, T0);
    const checks = runChecksUntil(real.state, policy, T0 + 11 * MINUTE);
    assert.deepEqual(
      typesOf(checks.commands).filter((t) => t === 'nudgeAgent' || t === 'alertSupervisor'),
      ['nudgeAgent', 'alertSupervisor'],
    );
  });

  it('keeps the drift clock when a frame repeats the current state with a bogus future time', () => {
    const drifting = applyObservation(inAdherenceAt(T0 - MINUTE), observation(), policy, T0 + 1_000).state!;
    const repeat = applyObservation(
      drifting,
      observation({ adherenceChangedAt: YEAR_2099, observedAt: T0 + 2 * MINUTE, systemPresence: 'Away' }),
      policy,
      T0 + 2 * MINUTE,
    );
    assert.equal(repeat.clamped, 'changeTimeInFuture');
    assert.equal(repeat.state!.episode, drifting.episode);
    assert.equal(repeat.state!.nextDueAt, T0 + 6 * MINUTE);
  });

  it('keeps the drift clock when a frame of the current state comes without a usable change time', () => {
    const drifting = applyObservation(inAdherenceAt(T0 - MINUTE), observation(), policy, T0 + 1_000).state!;
    const estimated = applyObservation(
      drifting,
      observation({
        adherenceChangedAt: T0 + 3 * MINUTE,
        observedAt: T0 + 3 * MINUTE,
        isChangeTimeEstimated: true,
        routingStatus: 'IDLE',
      }),
      policy,
      T0 + 3 * MINUTE,
    );
    assert.equal(estimated.ignored, undefined);
    assert.equal(estimated.state!.episode, drifting.episode);
  });

  it('ignores an exact repeat as a duplicate but applies a presence change within the state', () => {
    const drifting = applyObservation(inAdherenceAt(T0 - MINUTE), observation(), policy, T0 + 1_000).state!;
    const repeat = applyObservation(drifting, observation({ observedAt: T0 + 5_000 }), policy, T0 + 5_000);
    assert.equal(repeat.ignored, 'duplicate');
    const presence = applyObservation(
      drifting,
      observation({ observedAt: T0 + 5_000, systemPresence: 'Away' }),
      policy,
      T0 + 5_000,
    );
    assert.equal(presence.ignored, undefined);
    assert.equal(presence.state!.episode, drifting.episode);
  });
});

describe('fields the real payload carries', () => {
  const nudged = () => {
    const drifting = applyObservation(inAdherenceAt(T0 - MINUTE), observation(), policy, T0 + 1_000).state!;
    return runChecksUntil(drifting, policy, T0 + 7 * MINUTE).state!;
  };

  it('suppresses the open episode and updates its cards when an explanation is approved with the same change time', () => {
    const state = nudged();
    const approved = applyObservation(
      state,
      observation({ observedAt: T0 + 8 * MINUTE, explanationStatus: 'Approved' }),
      policy,
      T0 + 8 * MINUTE,
    );
    assert.equal(approved.ignored, undefined);
    assert.equal(approved.state!.episode?.suppression, 'approvedExplanation');
    assert.deepEqual(typesOf(approved.commands), ['cancelCheck', 'updateCards']);
  });

  it('takes Explained with the same change time as the approval of the open episode, not a conflicting report', () => {
    const state = nudged();
    const explained = applyObservation(
      state,
      observation({
        adherenceState: 'Explained',
        observedAt: T0 + 8 * MINUTE,
        explanationStatus: 'Approved',
      }),
      policy,
      T0 + 8 * MINUTE,
    );
    assert.equal(explained.ignored, undefined);
    assert.equal(explained.state!.episode?.id, state.episode?.id);
    assert.equal(explained.state!.episode?.suppression, 'approvedExplanation');
    assert.ok(typesOf(explained.commands).includes('updateCards'));
    const withdrawn = applyObservation(
      explained.state,
      observation({ observedAt: T0 + 9 * MINUTE, explanationStatus: 'Denied' }),
      policy,
      T0 + 9 * MINUTE,
    );
    assert.equal(withdrawn.state!.episode?.id, state.episode?.id);
    assert.equal(withdrawn.state!.episode?.suppression, undefined);
    assert.equal(withdrawn.state!.nextDueAt, T0 + 10 * MINUTE);
    assert.deepEqual(
      typesOf(runChecksUntil(withdrawn.state, policy, T0 + 11 * MINUTE).commands).filter(
        (t) => t === 'alertSupervisor',
      ),
      ['alertSupervisor'],
    );
  });

  it('sends nothing for a Positive-impact drift and keeps it in history as suppressed with its reason', () => {
    const positive = applyObservation(
      inAdherenceAt(T0 - MINUTE),
      observation({
        impact: 'Positive',
        actualActivityCategory: 'OnQueueWork',
        scheduledActivityCategory: 'Break',
      }),
      policy,
      T0 + 1_000,
    );
    assert.equal(positive.state!.episode?.suppression, 'positiveImpact');
    assert.equal(positive.state!.nextDueAt, undefined);
    const back = applyObservation(
      positive.state,
      observation({ adherenceState: 'InAdherence', adherenceChangedAt: T0 + 20 * MINUTE }),
      policy,
      T0 + 20 * MINUTE,
    );
    const history = back.commands.find((c) => c.type === 'writeHistory');
    assert.equal(history?.type === 'writeHistory' && history.episode.outcome, 'suppressed');
    assert.equal(history?.type === 'writeHistory' && history.episode.suppression, 'positiveImpact');
  });

  it('with DRIFT_POSITIVE_IMPACT=nudge nudges the agent but never alerts the supervisor for a Positive-impact drift', () => {
    const p = makePolicy({ positiveImpact: 'nudge' });
    const positive = applyObservation(
      inAdherenceAt(T0 - MINUTE, p),
      observation({ impact: 'Positive' }),
      p,
      T0 + 1_000,
    );
    assert.equal(positive.state!.episode?.suppression, undefined);
    const run = runChecksUntil(positive.state, p, T0 + 30 * MINUTE);
    assert.deepEqual(
      typesOf(run.commands).filter(
        (t) => t === 'nudgeAgent' || t === 'alertSupervisor' || t === 'recordFormalException',
      ),
      ['nudgeAgent'],
    );
    assert.equal(run.state!.episode?.suppression, 'positiveImpact');
  });

  it('lifts the Positive-impact hold when the impact turns Negative, escalating on the original clock', () => {
    const positive = applyObservation(
      inAdherenceAt(T0 - MINUTE),
      observation({ impact: 'Positive' }),
      policy,
      T0 + 1_000,
    );
    const negative = applyObservation(
      positive.state,
      observation({
        impact: 'Negative',
        observedAt: T0 + 12 * MINUTE,
        actualActivityCategory: 'Unavailable',
      }),
      policy,
      T0 + 12 * MINUTE,
    );
    assert.equal(negative.state!.episode?.suppression, undefined);
    assert.equal(negative.state!.episode?.driftStartedAt, T0);
    assert.equal(negative.state!.episode?.impact, 'Negative');
    const run = runChecksUntil(negative.state, policy, T0 + 12 * MINUTE);
    assert.deepEqual(
      typesOf(run.commands).filter((t) => t === 'nudgeAgent' || t === 'alertSupervisor'),
      ['nudgeAgent', 'alertSupervisor'],
    );
  });

  it('suppresses while Genesys shows the agent out of office, and escalates once they are not', () => {
    const away = applyObservation(
      inAdherenceAt(T0 - MINUTE),
      observation({ isOutOfOffice: true }),
      policy,
      T0 + 1_000,
    );
    assert.equal(away.state!.episode?.suppression, 'outOfOffice');
    assert.deepEqual(runChecksUntil(away.state, policy, T0 + 30 * MINUTE).commands, []);
    const back = applyObservation(
      away.state,
      observation({ isOutOfOffice: false, observedAt: T0 + 3 * MINUTE }),
      policy,
      T0 + 3 * MINUTE,
    );
    assert.equal(back.state!.episode?.suppression, undefined);
    assert.equal(back.state!.nextDueAt, T0 + 6 * MINUTE);
  });
});
