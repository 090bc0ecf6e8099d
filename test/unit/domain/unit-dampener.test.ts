import assert from 'node:assert/strict';
import {
  hasHeldObservation,
  isUnitHeld,
  observeUnit,
  releaseUnit,
  signalUnitScheduleChange,
  type UnitDampeningState,
} from '../../../src/domain/unit-dampener';
import { T0, observation } from '../../support/drift-fixtures';

const policy = { windowMs: 60_000, massChangeAgents: 3, massChangeWithinMs: 10_000 };

function feed(state: UnitDampeningState | undefined, agentIds: string[], changedAt: number, now: number) {
  let current = state;
  const kinds: string[] = [];
  for (const agentId of agentIds) {
    const step = observeUnit(
      current,
      observation({ agentId, adherenceChangedAt: changedAt, observedAt: now }),
      policy,
      now,
    );
    current = step.state;
    kinds.push(step.decision.kind);
  }
  return { state: current!, kinds };
}

describe('unit dampener', () => {
  it('passes changes through until a burst of distinct agents forms', () => {
    const { kinds, state } = feed(undefined, ['a1', 'a2'], T0, T0 + 1_000);
    assert.deepEqual(kinds, ['pass', 'pass']);
    assert.equal(isUnitHeld(state), false);
  });

  it('holds nothing and re-bases nobody when the window is 0 (dampening off)', () => {
    let state: UnitDampeningState | undefined;
    const kinds: string[] = [];
    for (const agentId of ['a1', 'a2', 'a3', 'a4']) {
      const step = observeUnit(
        state,
        observation({ agentId, adherenceChangedAt: T0, observedAt: T0 + 1_000 }),
        { ...policy, windowMs: 0 },
        T0 + 1_000,
      );
      state = step.state;
      kinds.push(step.decision.kind);
    }
    assert.deepEqual(kinds, ['pass', 'pass', 'pass', 'pass']);
    assert.equal(isUnitHeld(state), false);
  });

  it('starts a hold on the change that completes the burst, and re-bases the agents that formed it', () => {
    const first = feed(undefined, ['a1', 'a2'], T0, T0 + 1_000);
    const step = observeUnit(
      first.state,
      observation({ agentId: 'a3', adherenceChangedAt: T0 + 2_000 }),
      policy,
      T0 + 3_000,
    );
    assert.equal(step.decision.kind, 'holdStarted');
    if (step.decision.kind !== 'holdStarted') return;
    assert.deepEqual(step.decision.hold, { burstStartedAt: T0, releaseAt: T0 + 63_000 });
    assert.deepEqual([...step.decision.rebaseAgentIds].sort(), ['a1', 'a2', 'a3']);
    assert.deepEqual(step.decision.commands, [
      { type: 'scheduleCheck', key: 'unit:mu1', dueAt: T0 + 63_000 },
    ]);
    assert.ok(hasHeldObservation(step.state, 'a1'));
  });

  it('does not count the same agent twice, nor changes older than the window', () => {
    const same = feed(undefined, ['a1', 'a1', 'a1', 'a2'], T0, T0 + 1_000);
    assert.deepEqual(same.kinds, ['pass', 'pass', 'pass', 'pass']);
    const spread = feed(
      feed(undefined, ['a1', 'a2'], T0, T0 + 1_000).state,
      ['a3'],
      T0 + 11_000,
      T0 + 12_000,
    );
    assert.deepEqual(spread.kinds, ['pass']);
  });

  it('does not count routing updates that keep an old adherenceChangeTime, nor restores', () => {
    let state = feed(undefined, ['a1', 'a2'], T0 + 60_000, T0 + 61_000).state;
    const routing = observeUnit(
      state,
      observation({ agentId: 'a3', adherenceChangedAt: T0 }),
      policy,
      T0 + 62_000,
    );
    assert.equal(routing.decision.kind, 'pass');
    state = routing.state;
    const restore = observeUnit(
      state,
      observation({ agentId: 'a4', adherenceChangedAt: T0 + 60_000, source: 'restore' }),
      policy,
      T0 + 62_000,
    );
    assert.equal(restore.decision.kind, 'pass');
  });

  it('holds every observation of the unit while held and releases the newest per agent', () => {
    let state = signalUnitScheduleChange(undefined, 'mu1', policy, T0).state;
    for (const o of [
      observation({ agentId: 'a1', adherenceChangedAt: T0 + 1_000 }),
      observation({ agentId: 'a1', adherenceState: 'InAdherence', adherenceChangedAt: T0 + 5_000 }),
      observation({ agentId: 'a2', adherenceChangedAt: T0 + 2_000 }),
      observation({ agentId: 'a1', adherenceChangedAt: T0 + 500 }),
    ]) {
      const step = observeUnit(state, o, policy, T0 + 6_000);
      assert.equal(step.decision.kind, 'held');
      state = step.state;
    }
    const released = releaseUnit(state, 'mu1');
    assert.equal(isUnitHeld(released.state), false);
    assert.deepEqual(released.hold, { burstStartedAt: T0, releaseAt: T0 + 60_000 });
    const byAgent = Object.fromEntries(released.observations.map((o) => [o.agentId, o.adherenceState]));
    assert.deepEqual(byAgent, { a1: 'InAdherence', a2: 'OutOfAdherence' });
  });

  it('takes the recent changes into a hold started by a schedule-change signal', () => {
    const recent = feed(undefined, ['a1'], T0 - 4_000, T0 - 3_000).state;
    const step = signalUnitScheduleChange(recent, 'mu1', policy, T0);
    assert.equal(step.decision.kind, 'holdStarted');
    if (step.decision.kind !== 'holdStarted') return;
    assert.deepEqual(step.decision.rebaseAgentIds, ['a1']);
    assert.equal(step.decision.hold.burstStartedAt, T0 - 4_000);
  });

  it('extends a hold on a later signal and re-bases the held agents', () => {
    let state = signalUnitScheduleChange(undefined, 'mu1', policy, T0).state;
    state = observeUnit(
      state,
      observation({ agentId: 'a1', adherenceChangedAt: T0 + 1_000 }),
      policy,
      T0 + 2_000,
    ).state;
    const step = signalUnitScheduleChange(state, 'mu1', policy, T0 + 30_000);
    assert.equal(step.decision.kind, 'holdStarted');
    if (step.decision.kind !== 'holdStarted') return;
    assert.equal(step.decision.hold.releaseAt, T0 + 90_000);
    assert.deepEqual(step.decision.rebaseAgentIds, ['a1']);
  });
});
