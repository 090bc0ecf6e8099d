import assert from 'node:assert/strict';
import type { RunningSimulator } from '../../../src/simulator/genesys-simulator';
import {
  ApiClient,
  FrameCollector,
  muTopic,
  startTestSimulator,
  topicIs,
} from '../../support/simulator-test-kit';

describe('Genesys simulator rate limits and fault injection', () => {
  let sim: RunningSimulator;
  let api: ApiClient;
  const sockets: FrameCollector[] = [];
  beforeEach(async () => {
    sim = await startTestSimulator({ rateLimitPerMinute: 5 });
    api = await ApiClient.login(sim);
  });
  afterEach(async () => {
    for (const s of sockets.splice(0)) s.close();
    await sim.stop();
  });
  const connectToUnit = async (muId: string): Promise<{ socket: FrameCollector; channelId: string }> => {
    const channel = await api.createChannel([muTopic(muId)]);
    const socket = await FrameCollector.connect(channel.connectUri);
    sockets.push(socket);
    return { socket, channelId: channel.id };
  };

  it('answers 429 with an integer Retry-After and too.many.requests.retry.after over the per-token limit', async () => {
    const path = '/api/v2/workforcemanagement/businessunits';
    for (let i = 1; i <= 5; i++) {
      const res = await api.request('GET', path);
      assert.equal(res.status, 200);
      assert.equal(res.headers.get('inin-ratelimit-count'), String(i));
      assert.equal(res.headers.get('inin-ratelimit-allowed'), '5');
    }
    const limited = await api.json('GET', path);
    assert.equal(limited.status, 429);
    assert.match(limited.headers.get('retry-after')!, /^\d+$/);
    assert.equal(limited.body.code, 'too.many.requests.retry.after');
    assert.equal(limited.body.status, 429);
    assert.equal(sim.control.getCounters().rateLimited, 1);
  });

  it('echoes a caller ININ-Correlation-ID and makes one up otherwise', async () => {
    const echoed = await api.request('GET', '/api/v2/workforcemanagement/businessunits', undefined, {
      'ININ-Correlation-ID': 'test-correlation-1',
    });
    assert.equal(echoed.headers.get('inin-correlation-id'), 'test-correlation-1');
    const generated = await api.request('GET', '/api/v2/workforcemanagement/businessunits');
    assert.match(generated.headers.get('inin-correlation-id')!, /^[0-9a-f-]{36}$/);
  });

  it('answers the next N requests matching a path pattern with an injected status', async () => {
    sim.control.injectFault({ kind: 'httpError', status: 503, count: 2, pathPattern: '/adherence$' });
    const muId = sim.control.listUnits()[0].id;
    assert.equal((await api.request('GET', '/api/v2/workforcemanagement/businessunits')).status, 200);
    assert.equal(
      (await api.request('GET', `/api/v2/workforcemanagement/managementunits/${muId}/adherence`)).status,
      503,
    );
    assert.equal(
      (await api.request('GET', `/api/v2/workforcemanagement/managementunits/${muId}/adherence`)).status,
      503,
    );
    assert.equal(
      (await api.request('GET', `/api/v2/workforcemanagement/managementunits/${muId}/adherence`)).status,
      200,
    );
  });

  it('injects a 429 with the requested Retry-After through the HTTP control API', async () => {
    const res = await fetch(`${sim.apiUrl}/_simulator/faults`, {
      method: 'POST',
      body: JSON.stringify({ kind: 'httpError', status: 429, retryAfterInSeconds: 7 }),
    });
    assert.equal(res.status, 200);
    const limited = await api.request('GET', '/api/v2/workforcemanagement/businessunits');
    assert.equal(limited.status, 429);
    assert.equal(limited.headers.get('retry-after'), '7');
  });

  it('drops sockets while the channel and its subscriptions survive', async () => {
    const muId = sim.control.listUnits()[0].id;
    const { socket, channelId } = await connectToUnit(muId);
    assert.equal(sim.control.injectFault({ kind: 'dropSockets' }).affected, 1);
    await socket.closed();
    assert.equal((await api.request('HEAD', `/api/v2/notifications/channels/${channelId}`)).status, 200);
  });

  it('warns with v2.system.socket_closing and closes the socket after the grace period', async () => {
    const { socket } = await connectToUnit(sim.control.listUnits()[0].id);
    sim.control.injectFault({ kind: 'socketClosing', closeAfterMs: 60_000 });
    const warning = await socket.next(topicIs('v2.system.socket_closing'));
    assert.equal(typeof warning.json.eventBody.channelId, 'string');
    sim.control.advance(60_000);
    await socket.closed();
  });

  it('expires a channel on demand: its socket closes and HEAD answers 404', async () => {
    const { socket, channelId } = await connectToUnit(sim.control.listUnits()[0].id);
    sim.control.injectFault({ kind: 'expireChannel', channelId });
    await socket.closed();
    assert.equal((await api.request('HEAD', `/api/v2/notifications/channels/${channelId}`)).status, 404);
  });

  it('sends a malformed frame', async () => {
    const { socket } = await connectToUnit(sim.control.listUnits()[0].id);
    sim.control.injectFault({ kind: 'malformedFrame' });
    const frame = await socket.next((f) => f.json === undefined);
    assert.throws(() => JSON.parse(frame.raw));
  });

  it('duplicates and reorders adherence frames', async () => {
    const muId = sim.control.listUnits()[0].id;
    const { socket } = await connectToUnit(muId);
    const [first, second, third] = sim.control.listAgents(muId);
    sim.control.injectFault({ kind: 'duplicateFrames', count: 1 });
    sim.control.setAgentActivity(first.id, { systemPresence: 'Away' });
    const duplicated = await socket.nextN(topicIs(muTopic(muId)), 2);
    assert.equal(duplicated[0].raw, duplicated[1].raw);
    sim.control.injectFault({ kind: 'reorderFrames', count: 1 });
    sim.control.setAgentActivity(second.id, { systemPresence: 'Away' });
    sim.control.setAgentActivity(third.id, { systemPresence: 'Away' });
    const frames = await socket.nextN(topicIs(muTopic(muId)), 4);
    assert.deepEqual(
      frames.slice(2).map((f) => f.json.eventBody.user.id),
      [third.id, second.id],
    );
  });

  it('delays an adherence frame so it arrives after a later one', async () => {
    const muId = sim.control.listUnits()[0].id;
    const { socket } = await connectToUnit(muId);
    const [first, second] = sim.control.listAgents(muId);
    sim.control.injectFault({ kind: 'delayFrames', count: 1, delayMs: 50 });
    sim.control.setAgentActivity(first.id, { systemPresence: 'Away' });
    sim.control.setAgentActivity(second.id, { systemPresence: 'Away' });
    const frames = await socket.nextN(topicIs(muTopic(muId)), 2);
    assert.deepEqual(
      frames.map((f) => f.json.eventBody.user.id),
      [second.id, first.id],
    );
  });

  it('invalidates every token on demand', async () => {
    sim.control.injectFault({ kind: 'expireTokens' });
    assert.equal((await api.request('GET', '/api/v2/workforcemanagement/businessunits')).status, 401);
  });
});
