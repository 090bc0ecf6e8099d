import assert from 'node:assert/strict';
import type { RunningSimulator } from '../../../src/simulator/genesys-simulator';
import { ApiClient, FrameCollector, muTopic, startTestSimulator } from '../../support/simulator-test-kit';

describe('Genesys simulator notification channels', () => {
  let sim: RunningSimulator;
  let api: ApiClient;
  let muId: string;
  const sockets: FrameCollector[] = [];
  beforeEach(async () => {
    sim = await startTestSimulator();
    api = await ApiClient.login(sim);
    muId = sim.control.listUnits()[0].id;
  });
  afterEach(async () => {
    for (const s of sockets.splice(0)) s.close();
    await sim.stop();
  });

  it('creates a channel with a loopback connectUri and an expiry 24 h of simulator time away', async () => {
    const res = await api.json('POST', '/api/v2/notifications/channels');
    assert.equal(res.status, 200);
    assert.match(res.body.id, /^streaming-0-[0-9a-z]+$/);
    assert.equal(res.body.connectUri, `${sim.apiUrl.replace('http', 'ws')}/channels/${res.body.id}`);
    assert.equal(Date.parse(res.body.expires), sim.control.now() + 86_400_000);
    const listed = await api.json('GET', '/api/v2/notifications/channels');
    assert.deepEqual(
      listed.body.entities.map((c: { id: string }) => c.id),
      [res.body.id],
    );
    assert.equal((await api.request('HEAD', `/api/v2/notifications/channels/${res.body.id}`)).status, 200);
    assert.equal(
      (await api.request('HEAD', '/api/v2/notifications/channels/streaming-0-unknown')).status,
      404,
    );
  });

  it('adds topics with POST, replaces them with PUT and removes them with DELETE', async () => {
    const channel = await api.createChannel();
    const path = `/api/v2/notifications/channels/${channel.id}/subscriptions`;
    const team = sim.control.listTeams()[0];
    await api.json('POST', path, [{ id: muTopic(muId) }]);
    const added = await api.json('POST', path, [{ id: `v2.workforcemanagement.teams.${team.id}.adherence` }]);
    assert.equal(added.status, 200);
    assert.deepEqual(
      added.body.entities.map((t: { id: string }) => t.id).sort(),
      [muTopic(muId), `v2.workforcemanagement.teams.${team.id}.adherence`].sort(),
    );
    const replaced = await api.json('PUT', path, [{ id: muTopic(muId) }]);
    assert.deepEqual(replaced.body.entities, [{ id: muTopic(muId), state: 'Permitted' }]);
    assert.equal((await api.request('DELETE', path)).status, 200);
    assert.deepEqual((await api.json('GET', path)).body.entities, []);
  });

  it('refuses more than 1,000 topics on one channel with 400 and keeps the old list', async () => {
    const channel = await api.createChannel([muTopic(muId)]);
    const topics = Array.from({ length: 1001 }, (_, i) => ({
      id: `v2.users.user-${i}.workforcemanagement.adherence`,
    }));
    const res = await api.json('PUT', `/api/v2/notifications/channels/${channel.id}/subscriptions`, topics);
    assert.equal(res.status, 400);
    assert.equal(res.body.status, 400);
    const exactly = await api.json(
      'PUT',
      `/api/v2/notifications/channels/${channel.id}/subscriptions`,
      topics.slice(0, 1000),
    );
    assert.equal(exactly.status, 200);
    const over = await api.json('POST', `/api/v2/notifications/channels/${channel.id}/subscriptions`, [
      { id: muTopic(muId) },
    ]);
    assert.equal(over.status, 400);
    assert.equal(
      (await api.json('GET', `/api/v2/notifications/channels/${channel.id}/subscriptions`)).body.entities
        .length,
      1000,
    );
  });

  it('evicts the least recently used channel without a socket when a 21st channel is created', async () => {
    const channels = [];
    for (let i = 0; i < 20; i++) {
      channels.push(await api.createChannel());
      sim.control.advance(1000);
    }
    const connected = await FrameCollector.connect(channels[0].connectUri);
    sockets.push(connected);
    await api.createChannel();
    assert.equal(
      (await api.request('HEAD', `/api/v2/notifications/channels/${channels[0].id}`)).status,
      200,
      'the oldest channel has a socket, so it stays',
    );
    assert.equal(
      (await api.request('HEAD', `/api/v2/notifications/channels/${channels[1].id}`)).status,
      404,
      'the oldest idle channel goes',
    );
    assert.equal((await api.json('GET', '/api/v2/notifications/channels')).body.entities.length, 20);
    assert.equal(sim.control.getCounters().channelsEvicted, 1);
  });

  it('closes the socket of an evicted channel when every channel has a socket', async () => {
    const first = await api.createChannel();
    const socket = await FrameCollector.connect(first.connectUri);
    sockets.push(socket);
    for (let i = 0; i < 19; i++) {
      sim.control.advance(1000);
      const c = await api.createChannel();
      sockets.push(await FrameCollector.connect(c.connectUri));
    }
    await api.createChannel();
    await socket.closed();
    assert.equal((await api.request('HEAD', `/api/v2/notifications/channels/${first.id}`)).status, 404);
  });

  it('fails the whole request with 403 when a topic lacks permission and ignoreErrors is false', async () => {
    await sim.stop();
    sim = await startTestSimulator({ permissions: ['wfm:agentAdherence:notify'] });
    api = await ApiClient.login(sim);
    const agent = sim.control.listAgents()[0];
    const channel = await api.createChannel();
    const path = `/api/v2/notifications/channels/${channel.id}/subscriptions`;
    const userTopic = `v2.users.${agent.id}.workforcemanagement.adherence`;
    const res = await api.json('PUT', path, [{ id: userTopic }, { id: muTopic(agent.managementUnitId) }]);
    assert.equal(res.status, 403);
    assert.match(res.body.message, /wfm:realtimeAdherence:view/);
    assert.deepEqual((await api.json('GET', path)).body.entities, []);
  });

  it('reports a forbidden topic as Rejected with its missing permissions when ignoreErrors is true', async () => {
    await sim.stop();
    sim = await startTestSimulator({ permissions: ['wfm:agentAdherence:notify'] });
    api = await ApiClient.login(sim);
    const agent = sim.control.listAgents()[0];
    const channel = await api.createChannel();
    const path = `/api/v2/notifications/channels/${channel.id}/subscriptions?ignoreErrors=true`;
    const userTopic = `v2.users.${agent.id}.workforcemanagement.adherence`;
    const res = await api.json('PUT', path, [{ id: userTopic }, { id: muTopic(agent.managementUnitId) }]);
    assert.equal(res.status, 200);
    const byId = new Map(res.body.entities.map((t: { id: string }) => [t.id, t]));
    assert.deepEqual(byId.get(userTopic), { id: userTopic, state: 'Permitted' });
    const rejected = byId.get(muTopic(agent.managementUnitId)) as Record<string, unknown>;
    assert.equal(rejected.state, 'Rejected');
    assert.equal(typeof rejected.rejectionReason, 'string');
    assert.deepEqual(rejected.missingPermissions, ['wfm:realtimeAdherence:view']);
  });

  it('rejects unknown topic names: 400 without ignoreErrors, Rejected with it', async () => {
    const channel = await api.createChannel();
    const base = `/api/v2/notifications/channels/${channel.id}/subscriptions`;
    const bad = [{ id: 'v2.workforcemanagement.adherence' }];
    assert.equal((await api.json('PUT', base, bad)).status, 400);
    const lenient = await api.json('PUT', `${base}?ignoreErrors=true`, bad);
    assert.equal(lenient.status, 200);
    assert.equal(lenient.body.entities[0].state, 'Rejected');
  });

  it('expires a channel 24 h of simulator time after the last subscribe, and a re-subscribe moves the expiry', async () => {
    await sim.stop();
    // Tokens live up to 48 h (`accessTokenValiditySeconds` of `OAuthClient`,
    // MyPureCloud/platform-client-sdk-javascript build/index.d.ts); simulator time moves 47 h here.
    sim = await startTestSimulator({ tokenExpiresInSeconds: 172_800 });
    api = await ApiClient.login(sim);
    const channel = await api.createChannel([muTopic(muId)]);
    const socket = await FrameCollector.connect(channel.connectUri);
    sockets.push(socket);
    sim.control.advance(23 * 3_600_000);
    const again = await api.json('PUT', `/api/v2/notifications/channels/${channel.id}/subscriptions`, [
      { id: muTopic(muId) },
    ]);
    assert.equal(again.status, 200);
    const listed = (await api.json('GET', '/api/v2/notifications/channels')).body.entities[0];
    assert.equal(Date.parse(listed.expires), sim.control.now() + 86_400_000);
    sim.control.advance(23 * 3_600_000);
    assert.equal((await api.request('HEAD', `/api/v2/notifications/channels/${channel.id}`)).status, 200);
    sim.control.advance(3_600_000);
    await socket.closed();
    assert.equal((await api.request('HEAD', `/api/v2/notifications/channels/${channel.id}`)).status, 404);
  });
});
