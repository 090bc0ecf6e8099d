import assert from 'node:assert/strict';
import fc from 'fast-check';
import { ADHERENCE_STATES, type AdherenceObservation } from '../../../src/domain/adherence-observation';
import type { DriftAction, DriftCommand } from '../../../src/domain/drift-commands';
import {
  applyAction,
  applyDue,
  applyObservation,
  type DriftDecision,
} from '../../../src/domain/drift-engine';
import type { AgentDriftState } from '../../../src/domain/drift-episode';
import { MINUTE, T0, makePolicy, observation } from '../../support/drift-fixtures';

const policy = makePolicy({ excludedCategories: ['Meeting'], overtimeActivityCodeIds: ['code-ot'] });
const actor = { id: 'sup-1' };

type Step =
  | {
      kind: 'observe';
      gapMs: number;
      state: (typeof ADHERENCE_STATES)[number];
      category: string;
      code: string;
      explanation?: 'Approved' | 'Pending';
      source: 'event' | 'restore';
    }
  | { kind: 'replay'; back: number }
  | { kind: 'wait'; ms: number }
  | {
      kind: 'act';
      action: 'acknowledge' | 'snooze' | 'approveOvertime' | 'agentReply' | 'scheduleChecked';
      forOther: boolean;
      lengthMs: number;
    };

const stepArb: fc.Arbitrary<Step> = fc.oneof(
  fc.record({
    kind: fc.constant('observe' as const),
    gapMs: fc.integer({ min: -2 * MINUTE, max: 12 * MINUTE }),
    state: fc.constantFrom(...ADHERENCE_STATES, 'OutOfAdherence', 'OutOfAdherence', 'InAdherence'),
    category: fc.constantFrom('OnQueueWork', 'OnQueueWork', 'Break', 'Meeting'),
    code: fc.constantFrom('code-onqueue', 'code-onqueue', 'code-ot'),
    explanation: fc.option(fc.constantFrom('Approved' as const, 'Pending' as const), { nil: undefined }),
    source: fc.constantFrom('event' as const, 'event' as const, 'restore' as const),
  }),
  fc.record({ kind: fc.constant('replay' as const), back: fc.nat(5) }),
  fc.record({ kind: fc.constant('wait' as const), ms: fc.integer({ min: 0, max: 20 * MINUTE }) }),
  fc.record({
    kind: fc.constant('act' as const),
    action: fc.constantFrom(
      'acknowledge' as const,
      'snooze' as const,
      'approveOvertime' as const,
      'agentReply' as const,
      'scheduleChecked' as const,
    ),
    forOther: fc.boolean(),
    lengthMs: fc.integer({ min: 1, max: 30 * MINUTE }),
  }),
);

interface Trace {
  readonly now: number;
  readonly before: AgentDriftState | undefined;
  readonly decision: DriftDecision;
  /** Makes the same transition again from another state. */
  readonly redo: (state: AgentDriftState | undefined) => DriftDecision;
}

/** Runs a stream of steps like the monitor would (checks fire at nextDueAt while time passes) and traces every transition. */
function simulate(steps: readonly Step[]): Trace[] {
  const traces: Trace[] = [];
  const seen: AdherenceObservation[] = [];
  let state: AgentDriftState | undefined;
  let now = T0;
  let changeAt = T0 - MINUTE;
  const record = (redo: (from: AgentDriftState | undefined) => DriftDecision) => {
    const decision = redo(state);
    traces.push({ now, before: state, decision, redo });
    state = decision.state;
  };
  const runChecks = (until: number) => {
    while (state?.nextDueAt !== undefined && state.nextDueAt <= until) {
      now = Math.max(now, state.nextDueAt);
      const at = now;
      record((from) => applyDue(from!, policy, at));
    }
    now = Math.max(now, until);
  };
  for (const step of steps) {
    if (step.kind === 'wait') {
      runChecks(now + step.ms);
    } else if (step.kind === 'observe') {
      changeAt = step.source === 'restore' ? changeAt : changeAt + step.gapMs;
      runChecks(Math.max(now, changeAt) + 500);
      const next = observation({
        adherenceState: step.state,
        adherenceChangedAt: changeAt,
        observedAt: now,
        scheduledActivityCategory: step.category,
        scheduledActivityCodeId: step.code,
        explanationStatus: step.explanation,
        source: step.source,
      });
      seen.push(next);
      const at = now;
      record((from) => applyObservation(from, next, policy, at));
    } else if (step.kind === 'replay') {
      const old = seen[seen.length - 1 - step.back];
      const at = now;
      if (old !== undefined) record((from) => applyObservation(from, old, policy, at));
    } else {
      const episodeId = step.forOther ? 'a1:1' : (state?.episode?.id ?? 'a1:2');
      const until = now + step.lengthMs;
      const action: DriftAction =
        step.action === 'snooze' || step.action === 'approveOvertime'
          ? { type: step.action, episodeId, by: actor, at: now, until }
          : step.action === 'agentReply'
            ? { type: 'agentReply', episodeId, by: actor, at: now, reason: 'approvedOvertime' }
            : step.action === 'scheduleChecked'
              ? { type: 'scheduleChecked', episodeId, at: now, coverage: 'overtime' }
              : { type: 'acknowledge', episodeId, by: actor, at: now };
      const at = now;
      record((from) => applyAction(from, action, policy, at));
    }
  }
  runChecks(now + 120 * MINUTE);
  return traces;
}

const streams = fc.array(stepArb, { minLength: 1, maxLength: 40 });
const runs = { numRuns: Number(process.env.DRIFT_PROPERTY_RUNS ?? 300) };
const alerts = (commands: readonly DriftCommand[]) =>
  commands.filter((c) => c.type === 'nudgeAgent' || c.type === 'alertSupervisor');

describe('drift engine properties', () => {
  it('never nudges or alerts an agent who is not out of adherence at that instant', () => {
    fc.assert(
      fc.property(streams, (steps) => {
        for (const trace of simulate(steps)) {
          if (alerts(trace.decision.commands).length > 0)
            assert.equal(trace.decision.state?.lastAdherenceState, 'OutOfAdherence');
        }
      }),
      runs,
    );
  });

  it('sends at most one nudge, one supervisor alert and one re-alert per episode', () => {
    fc.assert(
      fc.property(streams, (steps) => {
        const counts = new Map<string, number>();
        for (const trace of simulate(steps)) {
          for (const c of alerts(trace.decision.commands)) {
            const kind = c.type === 'nudgeAgent' ? 'nudge' : c.isReAlert ? 'reAlert' : 'alert';
            const key = `${c.episode.id}|${kind}`;
            counts.set(key, (counts.get(key) ?? 0) + 1);
          }
        }
        for (const [key, count] of counts) assert.equal(count, 1, key);
      }),
      runs,
    );
  });

  it('never nudges or alerts before drift start plus the threshold', () => {
    fc.assert(
      fc.property(streams, (steps) => {
        for (const trace of simulate(steps)) {
          for (const c of alerts(trace.decision.commands)) {
            const start = c.episode.clockStartedAt ?? c.episode.driftStartedAt;
            const threshold =
              c.type === 'nudgeAgent' ? policy.defaults.nudgeAfterMs : policy.defaults.supervisorAfterMs;
            assert.ok(trace.now >= start + threshold, `${c.type} at ${trace.now - start} ms`);
          }
        }
      }),
      runs,
    );
  });

  it('never nudges or alerts a suppressed, acknowledged or snoozed episode', () => {
    fc.assert(
      fc.property(streams, (steps) => {
        for (const trace of simulate(steps)) {
          for (const c of alerts(trace.decision.commands)) {
            assert.equal(c.episode.suppression, undefined);
            assert.equal(c.episode.acknowledged, undefined);
            assert.ok(
              c.episode.scheduledActivityCategory !== 'Meeting' &&
                c.episode.scheduledActivityCodeId !== 'code-ot',
            );
            const snoozedUntil = trace.decision.state?.snoozedUntil;
            assert.ok(snoozedUntil === undefined || snoozedUntil <= trace.now);
          }
        }
      }),
      runs,
    );
  });

  it('changes nothing when an observation is applied again', () => {
    fc.assert(
      fc.property(streams, (steps) => {
        for (const trace of simulate(steps)) {
          const state = trace.decision.state;
          if (state === undefined || trace.decision.ignored !== undefined) continue;
          const again = observation({
            adherenceState: state.lastAdherenceState as never,
            adherenceChangedAt: state.lastAdherenceChangedAt,
            observedAt: state.lastObservedAt,
          });
          const replay = applyObservation(state, again, policy, trace.now);
          assert.equal(replay.ignored, 'duplicate');
          assert.equal(replay.state, state);
          assert.deepEqual(replay.commands, []);
        }
      }),
      runs,
    );
  });

  it('decides the same for a state read back from storage, which drops its undefined fields', () => {
    const asStored = <T>(value: T): T =>
      value === undefined ? value : (JSON.parse(JSON.stringify(value)) as T);
    fc.assert(
      fc.property(streams, (steps) => {
        for (const trace of simulate(steps)) {
          if (trace.before === undefined) continue;
          assert.deepEqual(asStored(trace.redo(asStored(trace.before))), asStored(trace.decision));
        }
      }),
      runs,
    );
  });

  it('keeps nextDueAt equal to the pending check after every transition', () => {
    fc.assert(
      fc.property(streams, (steps) => {
        let pending: number | undefined;
        for (const trace of simulate(steps)) {
          for (const c of trace.decision.commands) {
            if (c.type === 'scheduleCheck') pending = c.dueAt;
            if (c.type === 'cancelCheck') pending = undefined;
          }
          assert.equal(trace.decision.state?.nextDueAt, pending);
        }
      }),
      runs,
    );
  });
});
