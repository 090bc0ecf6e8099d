import assert from 'node:assert/strict';
import type { RunningSimulator } from '../../../src/simulator/genesys-simulator';
import { startTestSimulator } from '../../support/simulator-test-kit';

/** Runs a shift-scenario simulator minute by minute and records every agent's adherence state each minute. */
async function traceShift(
  seed: number,
  hours: number,
): Promise<{ trace: string[]; sim: RunningSimulator; startedWith: Set<string> }> {
  const sim = await startTestSimulator({ scenario: 'shift', seed, units: 2, agentsPerUnit: 6 });
  const startedWith = new Set(sim.control.listAgents().map((a) => a.id));
  const trace: string[] = [];
  for (let minute = 0; minute < hours * 60; minute++) {
    sim.control.advance(60_000);
    for (const a of sim.control.listAgents())
      trace.push(
        `${minute}|${a.id}|${a.adherenceState}|${a.systemPresence}|${a.routingStatus}|${a.adherenceChangeTime}|${a.impact}|${a.explanationStatus ?? ''}`,
      );
  }
  return { trace, sim, startedWith };
}

describe('Genesys simulator shift scenario', () => {
  const running: RunningSimulator[] = [];
  afterEach(async () => {
    await Promise.all(running.splice(0).map((s) => s.stop()));
  });

  it('produces out-of-adherence episodes that end, calls while on queue, and a day that ends offline', async () => {
    const { trace, sim, startedWith } = await traceShift(3, 10);
    running.push(sim);
    const states = trace.map((line) => line.split('|'));
    assert.ok(
      states.some((s) => s[2] === 'OutOfAdherence'),
      'some agent slips out of adherence',
    );
    assert.ok(
      states.some((s) => s[4] === 'INTERACTING'),
      'agents take calls',
    );
    const episodes = new Map<string, number>();
    for (const s of states)
      if (s[2] === 'OutOfAdherence')
        episodes.set(`${s[1]}|${s[5]}`, (episodes.get(`${s[1]}|${s[5]}`) ?? 0) + 1);
    assert.ok(
      [...episodes.values()].some((minutes) => minutes >= 3),
      'at least one episode lasts three minutes or more',
    );
    assert.ok(
      sim.control
        .listAgents()
        .filter((a) => startedWith.has(a.id))
        .every((a) => a.systemPresence === 'Offline'),
      'everyone whose shift is over has logged out',
    );
    assert.ok(
      sim.control.listAgents().some((a) => !startedWith.has(a.id)),
      'a new hire joined a unit mid-day',
    );
    assert.ok(
      states.some((s) => s[2] === 'OutOfAdherence' && s[6] === 'Positive'),
      'an agent stays on queue into scheduled non-queue time (Positive impact)',
    );
    assert.ok(
      states.some((s) => s[7] === 'Approved'),
      'a late return is explained and the explanation approved',
    );
  });

  it('replays the same day from the same seed', async () => {
    const first = await traceShift(11, 3);
    running.push(first.sim);
    const second = await traceShift(11, 3);
    running.push(second.sim);
    assert.deepEqual(first.trace, second.trace);
  });
});
