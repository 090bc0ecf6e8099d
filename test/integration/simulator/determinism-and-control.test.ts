import assert from 'node:assert/strict';
import { startGenesysSimulator, type RunningSimulator } from '../../../src/simulator/genesys-simulator';
import { ApiClient, START_AT, startTestSimulator, type WireJson } from '../../support/simulator-test-kit';

describe('Genesys simulator determinism and control API', () => {
  const running: RunningSimulator[] = [];
  afterEach(async () => {
    await Promise.all(running.splice(0).map((s) => s.stop()));
  });
  const start = async (seed: number | string): Promise<RunningSimulator> => {
    const sim = await startTestSimulator({ seed });
    running.push(sim);
    return sim;
  };
  const schedulesOf = async (sim: RunningSimulator): Promise<unknown> => {
    const api = await ApiClient.login(sim);
    const unit = sim.control.listUnits()[0];
    const body = {
      startDate: new Date(START_AT - 86_400_000).toISOString(),
      endDate: new Date(START_AT + 86_400_000).toISOString(),
    };
    return (
      await api.json(
        'POST',
        `/api/v2/workforcemanagement/businessunits/${unit.businessUnitId}/agentschedules/search`,
        body,
      )
    ).body.result;
  };

  it('builds the same centre, people and schedules from the same seed and start instant', async () => {
    const [a, b] = [await start(42), await start(42)];
    assert.deepEqual(a.control.listAgents(), b.control.listAgents());
    assert.deepEqual(a.control.listTeams(), b.control.listTeams());
    assert.deepEqual(a.control.listUnits(), b.control.listUnits());
    assert.deepEqual(await schedulesOf(a), await schedulesOf(b));
  });

  it('builds a different centre from another seed', async () => {
    const [a, b] = [await start(42), await start('another')];
    assert.notDeepEqual(
      a.control.listAgents().map((x) => x.id),
      b.control.listAgents().map((x) => x.id),
    );
  });

  it('moves a manual clock only when told, firing schedule boundaries on the way', async () => {
    const sim = await start(7);
    assert.equal(sim.control.now(), START_AT);
    const agent = sim.control.listAgents().find((a) => a.scheduledActivityCategory === 'OnQueueWork')!;
    for (let i = 0; i < 10 * 60; i++) sim.control.advance(60_000);
    assert.equal(sim.control.now(), START_AT + 10 * 3_600_000);
    assert.equal(
      sim.control.getAgent(agent.id)!.scheduledActivityCategory,
      'Unscheduled',
      'the 8-hour shift is over',
    );
    assert.equal(
      sim.control.getAgent(agent.id)!.adherenceState,
      'InAdherence',
      'idle agents follow their schedule',
    );
  });

  it('offers the clock, agents, units, teams, activity changes, republishes and counters over HTTP', async () => {
    const sim = await start(9);
    const control = (path: string, method = 'GET', body?: unknown) =>
      fetch(`${sim.apiUrl}/_simulator${path}`, {
        method,
        body: body === undefined ? undefined : JSON.stringify(body),
      }).then(async (r) => ({ status: r.status, body: (await r.json()) as WireJson }));
    assert.equal((await control('/clock')).body.nowMs, START_AT);
    assert.equal((await control('/clock/advance', 'POST', { ms: 5000 })).body.nowMs, START_AT + 5000);
    const agents = (await control('/agents')).body as unknown as Array<{
      id: string;
      email: string;
      managementUnitId: string;
      scheduledActivityCategory: string;
    }>;
    assert.equal(agents.length, 8);
    assert.match(agents[0].email, /@contoso\.example$/);
    assert.equal(((await control('/units')).body as unknown as unknown[]).length, 2);
    assert.ok(
      (
        (await control('/teams')).body as unknown as Array<{ supervisorEmail: string }>
      )[0].supervisorEmail.endsWith('@contoso.example'),
    );
    const onQueue = agents.find((a) => a.scheduledActivityCategory === 'OnQueueWork')!;
    const set = await control(`/agents/${onQueue.id}/activity`, 'PUT', { systemPresence: 'Meal' });
    assert.equal(set.body.adherenceState, 'OutOfAdherence');
    assert.equal((await control('/agents/unknown/activity', 'PUT', { systemPresence: 'Meal' })).status, 404);
    const change = await control(`/units/${onQueue.managementUnitId}/schedule-changes`, 'POST', {
      durationMinutes: 15,
      activityCodeName: 'Meeting',
    });
    assert.ok(change.body.agentIds.length > 0);
    assert.equal(
      (
        await control(`/units/${onQueue.managementUnitId}/schedule-changes`, 'POST', {
          activityCodeName: 'Nope',
        })
      ).status,
      400,
    );
    assert.equal((await control('/faults', 'POST', { kind: 'nope' })).status, 400);
    const counters = (await control('/counters')).body;
    assert.equal(typeof counters.requests, 'number');
    assert.equal(counters.socketsOpen, 0);
  });

  it('listens on loopback with an ephemeral port by default', async () => {
    const sim = await startGenesysSimulator({ manualClock: true, units: 1, agentsPerUnit: 1 });
    running.push(sim);
    assert.match(sim.apiUrl, /^http:\/\/127\.0\.0\.1:\d+$/);
    assert.equal(sim.loginUrl, sim.apiUrl);
  });
});
