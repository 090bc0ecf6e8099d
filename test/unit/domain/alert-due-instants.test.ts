import assert from 'node:assert/strict';
import type { DriftCommand } from '../../../src/domain/drift-commands';
import { alertDueInstants, applyAction, applyObservation } from '../../../src/domain/drift-engine';
import type { AgentDriftState, DriftEpisode } from '../../../src/domain/drift-episode';
import type { DriftPolicy } from '../../../src/domain/drift-policy';
import { MINUTE, T0, makePolicy, observation, runChecksUntil } from '../../support/drift-fixtures';

const supervisor = { id: 'sup-1', name: 'Sam Supervisor' };

function drifting(policy: DriftPolicy): AgentDriftState {
  return applyObservation(undefined, observation(), policy, T0 + 1_000).state!;
}

/** The episode each alert command carried, by kind. */
function raised(commands: readonly DriftCommand[]): Record<string, DriftEpisode> {
  const episodes: Record<string, DriftEpisode> = {};
  for (const command of commands) {
    if (command.type === 'nudgeAgent') episodes.nudge = command.episode;
    if (command.type === 'alertSupervisor')
      episodes[command.isReAlert ? 'supervisorReAlert' : 'supervisorAlert'] = command.episode;
  }
  return episodes;
}

describe('alertDueInstants', () => {
  it('puts the nudge and the supervisor alert at the thresholds the engine escalates at, counted from the drift start', () => {
    const policy = makePolicy();
    const run = runChecksUntil(drifting(policy), policy, T0 + 12 * MINUTE);
    const { nudge, supervisorAlert } = raised(run.commands);
    assert.equal(nudge.nudgedAt, T0 + 6 * MINUTE);
    assert.equal(supervisorAlert.supervisorAlertedAt, T0 + 10 * MINUTE);
    for (const episode of [nudge, supervisorAlert]) {
      const due = alertDueInstants(episode, policy);
      assert.equal(due.nudge, T0 + 6 * MINUTE);
      assert.equal(due.supervisorAlert, T0 + 10 * MINUTE);
      assert.equal(due.supervisorReAlert, undefined);
    }
  });

  it("follows the scheduled activity's own thresholds and a clock moved by a mass schedule change", () => {
    const policy = makePolicy({
      byActivityCategory: { OnQueueWork: { nudgeAfterMs: 3 * MINUTE, supervisorAfterMs: 8 * MINUTE } },
    });
    const episode = drifting(policy).episode!;
    assert.deepEqual(alertDueInstants(episode, policy), {
      nudge: T0 + 3 * MINUTE,
      supervisorAlert: T0 + 8 * MINUTE,
      supervisorReAlert: undefined,
    });
    const released = { ...episode, clockStartedAt: T0 + 2 * MINUTE };
    assert.equal(alertDueInstants(released, policy).nudge, T0 + 5 * MINUTE);
  });

  it('puts the re-alert at the end of the snooze it follows', () => {
    const policy = makePolicy();
    const alerted = runChecksUntil(drifting(policy), policy, T0 + 10 * MINUTE).state!;
    const snoozed = applyAction(
      alerted,
      {
        type: 'snooze',
        episodeId: alerted.episode!.id,
        by: supervisor,
        at: T0 + 11 * MINUTE,
        until: T0 + 26 * MINUTE,
      },
      policy,
      T0 + 11 * MINUTE,
    ).state!;
    const run = runChecksUntil(snoozed, policy, T0 + 30 * MINUTE);
    const reAlert = raised(run.commands).supervisorReAlert;
    assert.equal(reAlert.reAlertedAt, T0 + 26 * MINUTE);
    assert.equal(alertDueInstants(reAlert, policy).supervisorReAlert, T0 + 26 * MINUTE);
  });
});
