import assert from 'node:assert/strict';
import { normalizeAdherenceState } from '../../../src/domain/adherence-observation';
import type { DriftAction, DriftCommand } from '../../../src/domain/drift-commands';
import {
  applyAction,
  applyDampening,
  applyDue,
  applyObservation,
  needsScheduleCheck,
} from '../../../src/domain/drift-engine';
import type { AgentDriftState, DriftEpisode } from '../../../src/domain/drift-episode';
import type { DriftPolicy } from '../../../src/domain/drift-policy';
import { MINUTE, T0, makePolicy, observation, runChecksUntil, typesOf } from '../../support/drift-fixtures';

const policy = makePolicy();
const supervisor = { id: 'sup-1', name: 'Sam Supervisor' };
const agentActor = { id: 'aad-a1', name: 'Ana Agent' };

function startDrift(p: DriftPolicy = policy, overrides = {}): AgentDriftState {
  const inAdherence = applyObservation(
    undefined,
    observation({ adherenceState: 'InAdherence', adherenceChangedAt: T0 - 30 * MINUTE }),
    p,
    T0 - 30 * MINUTE,
  );
  return applyObservation(inAdherence.state, observation(overrides), p, T0 + 1_000).state!;
}

function commandsAt(
  state: AgentDriftState,
  p: DriftPolicy,
  until: number,
): { state: AgentDriftState | undefined; commands: DriftCommand[] } {
  return runChecksUntil(state, p, until);
}

function instantOf(commands: readonly DriftCommand[], type: DriftCommand['type']): number | undefined {
  const command = commands.find((c) => c.type === type) as { episode: DriftEpisode } | undefined;
  if (!command) return undefined;
  const e = command.episode;
  return type === 'nudgeAgent'
    ? e.nudgedAt
    : type === 'alertSupervisor'
      ? e.supervisorAlertedAt
      : e.formalExceptionAt;
}

function act(state: AgentDriftState, action: DriftAction, at: number, p: DriftPolicy = policy) {
  return applyAction(state, action, p, at);
}

describe('drift engine', () => {
  describe('escalation ladder', () => {
    it('times the nudge, supervisor alert and formal exception from adherenceChangedAt, not from receipt', () => {
      const late = applyObservation(
        undefined,
        observation({ observedAt: T0 + 2 * MINUTE }),
        policy,
        T0 + 2 * MINUTE,
      );
      assert.equal(late.state!.episode!.driftStartedAt, T0);
      assert.deepEqual(late.commands[0], { type: 'scheduleCheck', key: 'agent:a1', dueAt: T0 + 6 * MINUTE });
      const { commands } = commandsAt(late.state!, policy, T0 + 20 * MINUTE);
      assert.equal(instantOf(commands, 'nudgeAgent'), T0 + 6 * MINUTE);
      assert.equal(instantOf(commands, 'alertSupervisor'), T0 + 10 * MINUTE);
      assert.equal(instantOf(commands, 'recordFormalException'), T0 + 15 * MINUTE);
    });

    it('keeps nextDueAt equal to the instant of the last scheduleCheck it asked for', () => {
      let state = startDrift();
      for (const at of [T0 + 6 * MINUTE, T0 + 10 * MINUTE, T0 + 15 * MINUTE]) {
        const decision = applyDue(state, policy, at);
        const schedule = decision.commands.find(
          (c) => c.type === 'scheduleCheck' || c.type === 'cancelCheck',
        );
        if (decision.state!.nextDueAt === undefined)
          assert.deepEqual(schedule, { type: 'cancelCheck', key: 'agent:a1' });
        else
          assert.deepEqual(schedule, {
            type: 'scheduleCheck',
            key: 'agent:a1',
            dueAt: decision.state!.nextDueAt,
          });
        state = decision.state!;
      }
      assert.equal(state.episode!.stage, 'formalException');
      assert.equal(state.nextDueAt, undefined);
    });

    it('does nothing when a check fires before anything is due', () => {
      const state = startDrift();
      const decision = applyDue(state, policy, T0 + 5 * MINUTE);
      assert.deepEqual(decision.commands, []);
      assert.equal(decision.state!.nextDueAt, T0 + 6 * MINUTE);
    });

    it('fires every overdue stage at once when the drift is learned late (restore after an outage)', () => {
      const state = applyObservation(
        undefined,
        observation({ source: 'restore', observedAt: T0 + 12 * MINUTE }),
        policy,
        T0 + 12 * MINUTE,
      ).state!;
      assert.equal(state.nextDueAt, T0 + 6 * MINUTE);
      const decision = applyDue(state, policy, T0 + 12 * MINUTE);
      assert.deepEqual(
        typesOf(decision.commands).filter((t) => t !== 'scheduleCheck'),
        ['nudgeAgent', 'alertSupervisor'],
      );
    });
  });

  describe('end of an episode', () => {
    const cases: { name: string; until: number; outcome: string; cards: boolean }[] = [
      { name: 'before the nudge', until: T0 + 5 * MINUTE, outcome: 'resolvedBeforeNudge', cards: false },
      { name: 'after the nudge', until: T0 + 7 * MINUTE, outcome: 'resolvedAfterNudge', cards: true },
      {
        name: 'after the supervisor alert',
        until: T0 + 11 * MINUTE,
        outcome: 'resolvedAfterSupervisorAlert',
        cards: true,
      },
      {
        name: 'after the formal exception',
        until: T0 + 16 * MINUTE,
        outcome: 'becameFormalException',
        cards: true,
      },
    ];
    for (const c of cases) {
      it(`records ${c.outcome} when the agent is back in adherence ${c.name}`, () => {
        const drifting = commandsAt(startDrift(), policy, c.until).state!;
        const back = applyObservation(
          drifting,
          observation({ adherenceState: 'InAdherence', adherenceChangedAt: c.until }),
          policy,
          c.until + 1_000,
        );
        assert.equal(back.state!.episode, undefined);
        assert.equal(back.state!.nextDueAt, undefined);
        const history = back.commands.find((cmd) => cmd.type === 'writeHistory') as { episode: DriftEpisode };
        assert.equal(history.episode.outcome, c.outcome);
        assert.equal(history.episode.endedAt, c.until);
        assert.equal(
          typesOf(back.commands).includes('cancelCheck'),
          c.outcome !== 'becameFormalException' || drifting.nextDueAt !== undefined,
        );
        assert.equal(
          back.commands.some((cmd) => cmd.type === 'updateCards' && cmd.change === 'backInAdherence'),
          c.cards,
        );
      });
    }

    it('ends the episode when the agent becomes Unscheduled', () => {
      const back = applyObservation(
        startDrift(),
        observation({ adherenceState: 'Unscheduled', adherenceChangedAt: T0 + 3 * MINUTE }),
        policy,
        T0 + 3 * MINUTE,
      );
      assert.equal(back.state!.episode, undefined);
      assert.ok(
        back.commands.some((c) => c.type === 'writeHistory' && c.episode.outcome === 'resolvedBeforeNudge'),
      );
    });
  });

  describe('adherence states', () => {
    it('suppresses an open episode when Genesys reports it Explained, and keeps it in history as suppressed', () => {
      const nudged = commandsAt(startDrift(), policy, T0 + 7 * MINUTE).state!;
      const explained = applyObservation(
        nudged,
        observation({ adherenceState: 'Explained', adherenceChangedAt: T0 + 8 * MINUTE }),
        policy,
        T0 + 8 * MINUTE,
      );
      assert.equal(explained.state!.episode!.suppression, 'approvedExplanation');
      assert.equal(explained.state!.nextDueAt, undefined);
      assert.deepEqual(typesOf(explained.commands), ['cancelCheck', 'updateCards']);
      assert.deepEqual(commandsAt(explained.state!, policy, T0 + 60 * MINUTE).commands, []);
      const back = applyObservation(
        explained.state,
        observation({ adherenceState: 'InAdherence', adherenceChangedAt: T0 + 30 * MINUTE }),
        policy,
        T0 + 30 * MINUTE,
      );
      assert.ok(back.commands.some((c) => c.type === 'writeHistory' && c.episode.outcome === 'suppressed'));
    });

    it('opens an already suppressed episode for an agent who goes straight to Explained', () => {
      const decision = applyObservation(undefined, observation({ adherenceState: 'Explained' }), policy, T0);
      assert.equal(decision.state!.episode!.suppression, 'approvedExplanation');
      assert.equal(decision.state!.nextDueAt, undefined);
    });

    it('starts a new episode when the agent is out of adherence again after an explanation lapses', () => {
      const explained = applyObservation(
        undefined,
        observation({ adherenceState: 'Explained' }),
        policy,
        T0,
      ).state!;
      const out = applyObservation(
        explained,
        observation({ adherenceChangedAt: T0 + 20 * MINUTE }),
        policy,
        T0 + 20 * MINUTE,
      );
      assert.equal(out.state!.episode!.id, `a1:${T0 + 20 * MINUTE}`);
      assert.equal(out.state!.episode!.suppression, undefined);
      assert.equal(out.state!.nextDueAt, T0 + 26 * MINUTE);
    });

    it('ends an open episode as excluded when Genesys starts ignoring the activity', () => {
      const decision = applyObservation(
        startDrift(),
        observation({ adherenceState: 'Ignored', adherenceChangedAt: T0 + 2 * MINUTE }),
        policy,
        T0 + 2 * MINUTE,
      );
      const history = decision.commands.find((c) => c.type === 'writeHistory') as { episode: DriftEpisode };
      assert.equal(history.episode.suppression, 'excludedActivity');
      assert.equal(history.episode.outcome, 'suppressed');
      assert.equal(decision.state!.episode, undefined);
    });

    it('opens nothing for an Ignored agent who was not drifting', () => {
      const decision = applyObservation(undefined, observation({ adherenceState: 'Ignored' }), policy, T0);
      assert.equal(decision.state!.episode, undefined);
      assert.deepEqual(decision.commands, []);
    });

    it('pauses escalation while the state is Unknown and resumes with the original clock', () => {
      const unknown = applyObservation(
        startDrift(),
        observation({
          adherenceState: 'Unknown',
          rawAdherenceState: 'SomethingNew',
          adherenceChangedAt: T0 + 2 * MINUTE,
        }),
        policy,
        T0 + 2 * MINUTE,
      );
      assert.equal(unknown.state!.nextDueAt, undefined);
      assert.equal(unknown.state!.episode!.driftStartedAt, T0);
      assert.deepEqual(
        applyDue(unknown.state!, policy, T0 + 7 * MINUTE).commands.filter((c) => c.type === 'nudgeAgent'),
        [],
      );
      const resumed = applyObservation(
        unknown.state,
        observation({ adherenceChangedAt: T0 + 8 * MINUTE }),
        policy,
        T0 + 8 * MINUTE,
      );
      assert.equal(resumed.state!.episode!.id, `a1:${T0}`);
      assert.equal(resumed.state!.nextDueAt, T0 + 6 * MINUTE);
    });

    it('treats an adherence state it does not know as Unknown instead of failing', () => {
      const state = normalizeAdherenceState('OutdatedSdkVersion');
      const decision = applyObservation(
        undefined,
        observation({ adherenceState: state, rawAdherenceState: 'OutdatedSdkVersion' }),
        policy,
        T0,
      );
      assert.equal(decision.state!.lastAdherenceState, 'Unknown');
      assert.equal(decision.state!.episode, undefined);
    });

    it('ends the episode and deletes the state when the agent is removed from the unit', () => {
      const nudged = commandsAt(startDrift(), policy, T0 + 7 * MINUTE).state!;
      const removed = applyObservation(
        nudged,
        observation({ removedFromUnit: true, observedAt: T0 + 8 * MINUTE }),
        policy,
        T0 + 8 * MINUTE,
      );
      assert.equal(removed.state, undefined);
      assert.deepEqual(typesOf(removed.commands), ['cancelCheck', 'updateCards', 'writeHistory']);
      assert.ok(
        removed.commands.some((c) => c.type === 'writeHistory' && c.episode.outcome === 'removedFromUnit'),
      );
    });

    it('starts a new episode when Genesys reports a newer out-of-adherence stretch (a change was missed)', () => {
      const nudged = commandsAt(startDrift(), policy, T0 + 7 * MINUTE).state!;
      const again = applyObservation(
        nudged,
        observation({ adherenceChangedAt: T0 + 9 * MINUTE }),
        policy,
        T0 + 9 * MINUTE,
      );
      assert.ok(
        again.commands.some((c) => c.type === 'writeHistory' && c.episode.outcome === 'resolvedAfterNudge'),
      );
      assert.equal(again.state!.episode!.driftStartedAt, T0 + 9 * MINUTE);
      assert.equal(again.state!.nextDueAt, T0 + 15 * MINUTE);
    });
  });

  describe('suppression by policy', () => {
    const cases: { name: string; policy: DriftPolicy; overrides: object; reason: string }[] = [
      {
        name: 'an excluded scheduled category',
        policy: makePolicy({ excludedCategories: ['Meeting'] }),
        overrides: { scheduledActivityCategory: 'Meeting' },
        reason: 'excludedActivity',
      },
      {
        name: 'an excluded activity code',
        policy: makePolicy({ excludedActivityCodeIds: ['code-team'] }),
        overrides: { scheduledActivityCodeId: 'code-team' },
        reason: 'excludedActivity',
      },
      {
        name: 'an overtime activity code',
        policy: makePolicy({ overtimeActivityCodeIds: ['code-ot'] }),
        overrides: { scheduledActivityCodeId: 'code-ot' },
        reason: 'overtimeActivity',
      },
      {
        name: 'an approved adherence explanation',
        policy,
        overrides: { explanationStatus: 'Approved' },
        reason: 'approvedExplanation',
      },
    ];
    for (const c of cases) {
      it(`never nudges or alerts for ${c.name}, and keeps the episode in history as ${c.reason}`, () => {
        const state = startDrift(c.policy, c.overrides);
        assert.equal(state.episode!.suppression, c.reason);
        const run = commandsAt(state, c.policy, T0 + 60 * MINUTE);
        assert.deepEqual(run.commands, []);
        const back = applyObservation(
          run.state,
          observation({ adherenceState: 'InAdherence', adherenceChangedAt: T0 + 61 * MINUTE }),
          c.policy,
          T0 + 61 * MINUTE,
        );
        const history = back.commands.find((cmd) => cmd.type === 'writeHistory') as { episode: DriftEpisode };
        assert.equal(history.episode.outcome, 'suppressed');
        assert.equal(history.episode.suppression, c.reason);
      });
    }

    it('still nudges for a pending explanation', () => {
      const state = startDrift(policy, { explanationStatus: 'Pending' });
      assert.ok(typesOf(commandsAt(state, policy, T0 + 6 * MINUTE).commands).includes('nudgeAgent'));
    });
  });

  describe('ordering', () => {
    it('ignores an observation older than the one applied as stale', () => {
      const state = startDrift();
      const older = applyObservation(
        state,
        observation({ adherenceState: 'InAdherence', adherenceChangedAt: T0 - MINUTE }),
        policy,
        T0 + 2_000,
      );
      assert.equal(older.ignored, 'stale');
      assert.equal(older.state, state);
      assert.deepEqual(older.commands, []);
    });

    it('ignores the same observation again as a duplicate', () => {
      const state = startDrift();
      const again = applyObservation(state, observation(), policy, T0 + 5_000);
      assert.equal(again.ignored, 'duplicate');
      assert.equal(again.state, state);
    });

    it('keeps the episode clock when a restore repeats the current state', () => {
      const nudged = commandsAt(startDrift(), policy, T0 + 7 * MINUTE).state!;
      const restore = applyObservation(
        nudged,
        observation({ source: 'restore', observedAt: T0 + 8 * MINUTE }),
        policy,
        T0 + 8 * MINUTE,
      );
      assert.equal(restore.ignored, 'duplicate');
      assert.equal(restore.state, nudged);
      const withNewPresence = applyObservation(
        nudged,
        observation({ source: 'restore', observedAt: T0 + 8 * MINUTE, systemPresence: 'Away' }),
        policy,
        T0 + 8 * MINUTE,
      );
      assert.equal(withNewPresence.ignored, undefined);
      assert.equal(withNewPresence.state!.episode, nudged.episode);
      assert.equal(withNewPresence.state!.nextDueAt, T0 + 10 * MINUTE);
      assert.deepEqual(withNewPresence.commands, []);
    });
  });

  describe('card actions', () => {
    const alerted = () => commandsAt(startDrift(), policy, T0 + 10 * MINUTE).state!;
    const episodeId = `a1:${T0}`;

    it('stops further escalation on acknowledge but still records the formal exception', () => {
      const nudged = commandsAt(startDrift(), policy, T0 + 7 * MINUTE).state!;
      const ack = act(
        nudged,
        { type: 'acknowledge', episodeId, by: supervisor, at: T0 + 8 * MINUTE },
        T0 + 8 * MINUTE,
      );
      assert.equal(ack.result, 'applied');
      assert.equal(ack.state!.nextDueAt, T0 + 15 * MINUTE);
      const run = commandsAt(ack.state!, policy, T0 + 60 * MINUTE);
      assert.deepEqual(typesOf(run.commands), [
        'cancelCheck',
        'recordFormalException',
        'writeHistory',
        'updateCards',
      ]);
      assert.deepEqual(ack.state!.episode!.acknowledged, { by: supervisor, at: T0 + 8 * MINUTE });
    });

    it('answers a repeated acknowledge as unchanged', () => {
      const ack = act(
        alerted(),
        { type: 'acknowledge', episodeId, by: supervisor, at: T0 + 11 * MINUTE },
        T0 + 11 * MINUTE,
      );
      const again = act(
        ack.state!,
        { type: 'acknowledge', episodeId, by: agentActor, at: T0 + 12 * MINUTE },
        T0 + 12 * MINUTE,
      );
      assert.equal(again.result, 'unchanged');
      assert.equal(again.state, ack.state);
    });

    it('answers an action on an ended or other episode as stale and changes nothing', () => {
      const state = alerted();
      const other = act(
        state,
        { type: 'acknowledge', episodeId: 'a1:1', by: supervisor, at: T0 + 11 * MINUTE },
        T0 + 11 * MINUTE,
      );
      assert.equal(other.result, 'stale');
      assert.equal(other.state, state);
      const ended = applyObservation(
        state,
        observation({ adherenceState: 'InAdherence', adherenceChangedAt: T0 + 11 * MINUTE }),
        policy,
        T0 + 11 * MINUTE,
      ).state!;
      const late = act(
        ended,
        { type: 'snooze', episodeId, by: supervisor, at: T0 + 12 * MINUTE, until: T0 + 30 * MINUTE },
        T0 + 12 * MINUTE,
      );
      assert.equal(late.result, 'stale');
      assert.equal(late.state, ended);
      assert.equal(
        applyAction(undefined, { type: 'acknowledge', episodeId, by: supervisor, at: T0 }, policy, T0).result,
        'stale',
      );
    });

    it('re-alerts the supervisor once when the drift outlasts a snooze', () => {
      const snoozed = act(
        alerted(),
        { type: 'snooze', episodeId, by: supervisor, at: T0 + 11 * MINUTE, until: T0 + 20 * MINUTE },
        T0 + 11 * MINUTE,
      );
      assert.equal(snoozed.result, 'applied');
      const run = commandsAt(snoozed.state!, policy, T0 + 20 * MINUTE);
      assert.deepEqual(
        typesOf(run.commands).filter((t) => t.endsWith('Supervisor') || t === 'recordFormalException'),
        ['recordFormalException', 'reAlertSupervisor'],
      );
      assert.equal(run.state!.episode!.reAlertedAt, T0 + 20 * MINUTE);
      const second = act(
        run.state!,
        { type: 'snooze', episodeId, by: supervisor, at: T0 + 21 * MINUTE, until: T0 + 30 * MINUTE },
        T0 + 21 * MINUTE,
      );
      assert.deepEqual(
        commandsAt(second.state!, policy, T0 + 90 * MINUTE).commands.filter(
          (c) => c.type === 'alertSupervisor',
        ),
        [],
      );
    });

    it('does not re-alert when the agent is back before the snooze ends', () => {
      const snoozed = act(
        alerted(),
        { type: 'snooze', episodeId, by: supervisor, at: T0 + 11 * MINUTE, until: T0 + 20 * MINUTE },
        T0 + 11 * MINUTE,
      );
      const back = applyObservation(
        snoozed.state,
        observation({ adherenceState: 'InAdherence', adherenceChangedAt: T0 + 12 * MINUTE }),
        policy,
        T0 + 12 * MINUTE,
      );
      assert.deepEqual(commandsAt(back.state!, policy, T0 + 60 * MINUTE).commands, []);
    });

    it('holds the nudge of a new episode that starts while the agent is snoozed', () => {
      const snoozed = act(
        alerted(),
        { type: 'snooze', episodeId, by: supervisor, at: T0 + 11 * MINUTE, until: T0 + 30 * MINUTE },
        T0 + 11 * MINUTE,
      ).state!;
      const back = applyObservation(
        snoozed,
        observation({ adherenceState: 'InAdherence', adherenceChangedAt: T0 + 12 * MINUTE }),
        policy,
        T0 + 12 * MINUTE,
      ).state!;
      const again = applyObservation(
        back,
        observation({ adherenceChangedAt: T0 + 20 * MINUTE }),
        policy,
        T0 + 20 * MINUTE,
      ).state!;
      assert.equal(again.episode!.suppression, 'snoozed');
      const run = commandsAt(again, policy, T0 + 31 * MINUTE);
      assert.equal(instantOf(run.commands, 'nudgeAgent'), T0 + 30 * MINUTE);
      assert.equal(run.commands.filter((c) => c.type === 'alertSupervisor' && c.isReAlert).length, 0);
    });

    it('suppresses and records the episode on approved overtime, and starts a new one if drift outlasts it', () => {
      const approved = act(
        alerted(),
        { type: 'approveOvertime', episodeId, by: supervisor, at: T0 + 11 * MINUTE, until: T0 + 41 * MINUTE },
        T0 + 11 * MINUTE,
      );
      assert.equal(approved.state!.episode!.suppression, 'approvedOvertime');
      assert.deepEqual(typesOf(approved.commands), ['scheduleCheck', 'updateCards', 'writeHistory']);
      assert.equal(approved.state!.nextDueAt, T0 + 41 * MINUTE);
      const run = commandsAt(approved.state!, policy, T0 + 47 * MINUTE);
      const history = run.commands.find((c) => c.type === 'writeHistory') as { episode: DriftEpisode };
      assert.equal(history.episode.outcome, 'suppressed');
      assert.equal(run.state!.episode!.driftStartedAt, T0 + 41 * MINUTE);
      assert.equal(instantOf(run.commands, 'nudgeAgent'), T0 + 47 * MINUTE);
      assert.equal(run.commands.filter((c) => c.type === 'recordFormalException').length, 0);
    });

    it('attaches the agent reply to the episode and answers the same reply again as unchanged', () => {
      const nudged = commandsAt(startDrift(), policy, T0 + 7 * MINUTE).state!;
      const reply: DriftAction = {
        type: 'agentReply',
        episodeId,
        by: agentActor,
        at: T0 + 7 * MINUTE,
        reason: 'longCustomerInteraction',
        text: 'caller in distress',
      };
      const first = act(nudged, reply, T0 + 7 * MINUTE);
      assert.deepEqual(first.state!.episode!.agentReply, {
        by: agentActor,
        at: T0 + 7 * MINUTE,
        reason: 'longCustomerInteraction',
        text: 'caller in distress',
      });
      assert.deepEqual(typesOf(first.commands), ['updateCards']);
      assert.equal(act(first.state!, reply, T0 + 8 * MINUTE).result, 'unchanged');
    });

    const selfDeclared = [
      { allow: false, alerts: 1 },
      { allow: true, alerts: 0 },
    ];
    for (const c of selfDeclared) {
      it(`${c.allow ? 'silences' : 'does not silence'} the supervisor alert on a self-declared overtime reply when allowSelfDeclaredOvertime is ${c.allow}`, () => {
        const p = makePolicy({ allowSelfDeclaredOvertime: c.allow });
        const nudged = commandsAt(startDrift(p), p, T0 + 7 * MINUTE).state!;
        const reply = act(
          nudged,
          { type: 'agentReply', episodeId, by: agentActor, at: T0 + 7 * MINUTE, reason: 'approvedOvertime' },
          T0 + 7 * MINUTE,
          p,
        );
        const run = commandsAt(reply.state!, p, T0 + 30 * MINUTE);
        assert.equal(run.commands.filter((cmd) => cmd.type === 'alertSupervisor').length, c.alerts);
      });
    }
  });

  describe('schedule pre-check', () => {
    const episodeId = `a1:${T0}`;
    it('asks for the pre-check only when the first nudge is due', () => {
      const state = startDrift();
      assert.equal(needsScheduleCheck(state, policy, T0 + 5 * MINUTE), false);
      assert.equal(needsScheduleCheck(state, policy, T0 + 6 * MINUTE), true);
      const checked = applyAction(
        state,
        { type: 'scheduleChecked', episodeId, at: T0 + 6 * MINUTE, coverage: 'clear' },
        policy,
        T0 + 6 * MINUTE,
      ).state!;
      assert.equal(needsScheduleCheck(checked, policy, T0 + 6 * MINUTE), false);
    });

    const suppressing = [
      { coverage: 'overtime', reason: 'overtimeActivity' },
      { coverage: 'timeOff', reason: 'timeOff' },
      { coverage: 'explained', reason: 'approvedExplanation' },
    ] as const;
    for (const c of suppressing) {
      it(`suppresses the episode when the pre-check finds ${c.coverage}`, () => {
        const checked = applyAction(
          startDrift(),
          { type: 'scheduleChecked', episodeId, at: T0 + 6 * MINUTE, coverage: c.coverage },
          policy,
          T0 + 6 * MINUTE,
        );
        assert.equal(checked.result, 'applied');
        assert.equal(checked.state!.episode!.suppression, c.reason);
        assert.deepEqual(commandsAt(checked.state!, policy, T0 + 60 * MINUTE).commands, []);
      });
    }

    it('nudges and alerts anyway when the pre-check is unavailable, and keeps that on the episode for the card', () => {
      const checked = applyAction(
        startDrift(),
        { type: 'scheduleChecked', episodeId, at: T0 + 6 * MINUTE, coverage: 'unavailable' },
        policy,
        T0 + 6 * MINUTE,
      ).state!;
      const run = commandsAt(checked, policy, T0 + 10 * MINUTE);
      const alert = run.commands.find((c) => c.type === 'alertSupervisor') as { episode: DriftEpisode };
      assert.equal(alert.episode.scheduleCoverage, 'unavailable');
      assert.ok(typesOf(run.commands).includes('nudgeAgent'));
    });
  });

  describe('dampening', () => {
    it('starts the clock of a new episode at clockStartsAt', () => {
      const decision = applyObservation(undefined, observation(), policy, T0 + MINUTE, {
        clockStartsAt: T0 + MINUTE,
      });
      assert.equal(decision.state!.episode!.driftStartedAt, T0);
      assert.equal(decision.state!.nextDueAt, T0 + 7 * MINUTE);
    });

    it('holds an episode that began with the burst until the release, then times it from the release', () => {
      const state = startDrift();
      const held = applyDampening(state, { burstStartedAt: T0 - 5_000, releaseAt: T0 + 61_000 }, policy);
      assert.equal(held.state!.episode!.suppression, 'dampened');
      assert.deepEqual(held.commands, [{ type: 'scheduleCheck', key: 'agent:a1', dueAt: T0 + 61_000 }]);
      const run = commandsAt(held.state!, policy, T0 + 61_000 + 6 * MINUTE);
      assert.equal(instantOf(run.commands, 'nudgeAgent'), T0 + 61_000 + 6 * MINUTE);
    });

    it('leaves the clock of an agent who was drifting before the burst began', () => {
      const state = startDrift();
      const held = applyDampening(state, { burstStartedAt: T0 + 5_000, releaseAt: T0 + 65_000 }, policy);
      assert.equal(held.state, state);
      assert.deepEqual(held.commands, []);
    });
  });
});
