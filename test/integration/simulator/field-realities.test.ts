import assert from 'node:assert/strict';
import type { RunningSimulator } from '../../../src/simulator/genesys-simulator';
import {
  ApiClient,
  FrameCollector,
  muTopic,
  START_AT,
  startTestSimulator,
  type WireJson,
} from '../../support/simulator-test-kit';

/** What a real org does that a lab does not: staff changes mid-day, explanations, odd clocks, tokens that end. */
describe('Genesys simulator field realities', () => {
  let sim: RunningSimulator;
  let api: ApiClient;
  const sockets: FrameCollector[] = [];
  beforeEach(async () => {
    sim = await startTestSimulator();
    api = await ApiClient.login(sim);
  });
  afterEach(async () => {
    for (const s of sockets.splice(0)) s.close();
    await sim.stop();
  });
  const listen = async (topics: string[]): Promise<FrameCollector> => {
    const socket = await FrameCollector.connect((await api.createChannel(topics)).connectUri);
    sockets.push(socket);
    return socket;
  };
  const adherenceOf = (socket: FrameCollector, agentId: string): WireJson[] =>
    socket.frames.filter((f) => f.json?.eventBody?.user?.id === agentId).map((f) => f.json.eventBody);

  it('hires an agent mid-day: the event names them, the directory and unit listing know them', async () => {
    const unit = sim.control.listUnits()[0];
    const socket = await listen([muTopic(unit.id)]);
    const hired = sim.control.addAgent({ managementUnitId: unit.id, name: 'Nia New' });
    const event = (await socket.next((f) => f.json?.eventBody?.user?.id === hired.id)).json;
    assert.equal(event.eventBody.managementUnitId, unit.id);
    const user = await api.json('GET', `/api/v2/users/${hired.id}`);
    assert.equal(user.body.name, 'Nia New');
    assert.equal(user.body.email, hired.email);
    const placement = await api.json('GET', `/api/v2/workforcemanagement/agents/${hired.id}/managementunit`);
    assert.equal(placement.body.managementUnit.id, unit.id);
    const users = await api.json('GET', `/api/v2/workforcemanagement/managementunits/${unit.id}/users`);
    assert.ok(users.body.entities.some((u: { id: string }) => u.id === hired.id));
  });

  it('takes an agent out of their unit with a last removedFromManagementUnit event, then nothing', async () => {
    const unit = sim.control.listUnits()[0];
    const agent = sim.control.listAgents(unit.id)[0];
    const socket = await listen([muTopic(unit.id)]);
    sim.control.removeAgentFromUnit(agent.id);
    const last = (await socket.next((f) => f.json?.eventBody?.user?.id === agent.id)).json;
    assert.equal(last.eventBody.removedFromManagementUnit, true);
    assert.equal(sim.control.getAgent(agent.id), undefined);
    const placement = await api.request(
      'GET',
      `/api/v2/workforcemanagement/agents/${agent.id}/managementunit`,
    );
    assert.equal(placement.status, 404);
    assert.equal((await api.json('GET', `/api/v2/users/${agent.id}`)).status, 200, 'still a Genesys user');
  });

  it('sends an explanation with the same adherenceChangeTime, and Explained once approved', async () => {
    const unit = sim.control.listUnits()[0];
    const agent = sim.control.listAgents(unit.id).find((a) => a.scheduledActivityCategory === 'OnQueueWork')!;
    const socket = await listen([muTopic(unit.id)]);
    const out = sim.control.setAgentActivity(agent.id, { systemPresence: 'Away' });
    sim.control.advance(60_000);
    sim.control.explainAgent(agent.id, { status: 'Pending' });
    sim.control.explainAgent(agent.id, { status: 'Approved', asExplained: true });
    await socket.nextN((f) => f.json?.eventBody?.user?.id === agent.id, 3);
    const [first, pending, approved] = adherenceOf(socket, agent.id);
    assert.equal(first.adherenceState, 'OutOfAdherence');
    assert.equal(pending.adherenceExplanation.status, 'Pending');
    assert.equal(pending.adherenceChangeTime, out.adherenceChangeTime);
    assert.equal(approved.adherenceState, 'Explained');
    assert.equal(approved.adherenceExplanation.status, 'Approved');
    assert.equal(approved.adherenceChangeTime, out.adherenceChangeTime);
  });

  it('reports out of office and Positive impact as Genesys does', async () => {
    const [first, second] = sim.control
      .listAgents()
      .filter((a) => a.scheduledActivityCategory === 'OnQueueWork');
    const socket = await listen(sim.control.listUnits().map((u) => muTopic(u.id)));
    // Scheduled for a meeting, on queue taking calls: out of adherence with Positive impact.
    sim.control.publishScheduleChange(second.managementUnitId, {
      agentIds: [second.id],
      startAt: START_AT,
      durationMinutes: 30,
      activityCodeName: 'Meeting',
    });
    sim.control.setAgentActivity(second.id, { systemPresence: 'OnQueue', routingStatus: 'INTERACTING' });
    const positive = await socket.next(
      (f) => f.json?.eventBody?.user?.id === second.id && f.json.eventBody.impact === 'Positive',
    );
    assert.equal(positive.json.eventBody.adherenceState, 'OutOfAdherence');
    sim.control.setAgentActivity(first.id, { systemPresence: 'Offline', isOutOfOffice: true });
    const away = await socket.next(
      (f) => f.json?.eventBody?.user?.id === first.id && f.json.eventBody.isOutOfOffice === true,
    );
    assert.equal(away.json.eventBody.systemPresence, 'Offline');
  });

  it('dates frames from a wrong clock on request, far in the future or days in the past', async () => {
    const unit = sim.control.listUnits()[0];
    const [a, b] = sim.control.listAgents(unit.id);
    const socket = await listen([muTopic(unit.id)]);
    sim.control.injectFault({ kind: 'misdatedFrames', adherenceChangeTime: '2099-01-01T00:00:00.000Z' });
    sim.control.setAgentActivity(a.id, { systemPresence: 'Away' });
    sim.control.injectFault({ kind: 'misdatedFrames', offsetMs: -40 * 86_400_000 });
    sim.control.setAgentActivity(b.id, { systemPresence: 'Away' });
    const future = (await socket.next((f) => f.json?.eventBody?.user?.id === a.id)).json.eventBody;
    const ancient = (await socket.next((f) => f.json?.eventBody?.user?.id === b.id)).json.eventBody;
    assert.equal(future.adherenceChangeTime, '2099-01-01T00:00:00.000Z');
    assert.ok(Date.parse(ancient.adherenceChangeTime) < sim.control.now() - 39 * 86_400_000);
  });

  it('creates and deletes management units while running', async () => {
    const before = (await api.json('GET', '/api/v2/workforcemanagement/managementunits')).body.entities
      .length;
    const unit = sim.control.addUnit({ name: 'Night Shift', agents: 2 });
    const listed = (await api.json('GET', '/api/v2/workforcemanagement/managementunits')).body.entities;
    assert.equal(listed.length, before + 1);
    assert.equal(
      (await api.json('GET', `/api/v2/workforcemanagement/managementunits/${unit.id}/users`)).body.entities
        .length,
      2,
    );
    assert.equal(
      (await api.json('GET', `/api/v2/workforcemanagement/managementunits/${unit.id}/adherence`)).body
        .entities.length,
      2,
    );
    assert.equal(sim.control.removeUnit(unit.id), 2);
    assert.equal(
      (await api.json('GET', '/api/v2/workforcemanagement/managementunits')).body.entities.length,
      before,
    );
    assert.equal(
      (await api.request('GET', `/api/v2/workforcemanagement/managementunits/${unit.id}`)).status,
      404,
    );
  });

  it('closes a channel when the token that created it expires: socket closed, HEAD 404', async () => {
    sim.control.setTokenLifetime(600);
    const shortLived = await ApiClient.login(sim);
    const channel = await shortLived.createChannel([muTopic(sim.control.listUnits()[0].id)]);
    const socket = await FrameCollector.connect(channel.connectUri);
    sockets.push(socket);
    assert.ok(
      Date.parse(channel.expires) > sim.control.now() + 600_000,
      'the channel itself would live 24 h',
    );
    sim.control.advance(599_000);
    assert.equal((await api.request('HEAD', `/api/v2/notifications/channels/${channel.id}`)).status, 200);
    sim.control.advance(2_000);
    await socket.closed();
    assert.equal((await api.request('HEAD', `/api/v2/notifications/channels/${channel.id}`)).status, 404);
    assert.equal(sim.control.getCounters().channelsClosedWithToken, 1);
  });

  it('closes the channels of revoked tokens', async () => {
    const channel = await api.createChannel([muTopic(sim.control.listUnits()[0].id)]);
    const socket = await FrameCollector.connect(channel.connectUri);
    sockets.push(socket);
    sim.control.injectFault({ kind: 'expireTokens' });
    await socket.closed();
    const fresh = await ApiClient.login(sim);
    assert.equal((await fresh.request('HEAD', `/api/v2/notifications/channels/${channel.id}`)).status, 404);
  });

  it('offers the new controls over HTTP', async () => {
    const control = (method: string, path: string, body?: unknown) =>
      fetch(`${sim.apiUrl}/_simulator${path}`, {
        method,
        headers: { 'Content-Type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
      }).then(async (res) => ({ status: res.status, body: (await res.json()) as WireJson }));
    const unit = sim.control.listUnits()[0];
    const hired = await control('POST', '/agents', {
      managementUnitId: unit.id,
      email: 'Nia.New@Contoso.example',
    });
    assert.equal(hired.body.email, 'nia.new@contoso.example');
    await control('PUT', `/agents/${hired.body.id}/activity`, { systemPresence: 'Away' });
    const explained = await control('PUT', `/agents/${hired.body.id}/explanation`, { status: 'Approved' });
    assert.equal(explained.body.explanationStatus, 'Approved');
    assert.equal(
      (await control('PUT', `/agents/${hired.body.id}/explanation`, { status: 'Maybe' })).status,
      400,
    );
    assert.equal((await control('POST', `/agents/${hired.body.id}/removal`)).status, 200);
    const added = await control('POST', '/units', { name: 'Weekend', agents: 1 });
    assert.equal(added.body.agentCount, 1);
    assert.equal((await control('DELETE', `/units/${added.body.id}`)).body.agentsRemoved, 1);
    assert.equal((await control('PUT', '/tokens', { expiresInSeconds: 300 })).status, 200);
    assert.equal((await control('PUT', '/tokens', { expiresInSeconds: -1 })).status, 400);
    const fault = await control('POST', '/faults', { kind: 'misdatedFrames', offsetMs: 3_600_000 });
    assert.equal(fault.status, 200);
    assert.equal((await control('POST', '/faults', { kind: 'misdatedFrames' })).status, 400);
  });
});
