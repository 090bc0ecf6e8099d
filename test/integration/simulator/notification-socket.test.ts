import assert from 'node:assert/strict';
import type { RunningSimulator } from '../../../src/simulator/genesys-simulator';
import {
  ApiClient,
  FrameCollector,
  muTopic,
  startTestSimulator,
  topicIs,
  type ReceivedFrame,
} from '../../support/simulator-test-kit';

const isHeartbeat = (f: ReceivedFrame): boolean =>
  f.json?.topicName === 'channel.metadata' && f.json?.eventBody?.message === 'WebSocket Heartbeat';

describe('Genesys simulator notification WebSocket', () => {
  let sim: RunningSimulator;
  let api: ApiClient;
  const sockets: FrameCollector[] = [];
  beforeEach(async () => {
    sim = await startTestSimulator({ heartbeatIntervalMs: 20 });
    api = await ApiClient.login(sim);
  });
  afterEach(async () => {
    for (const s of sockets.splice(0)) s.close();
    await sim.stop();
  });
  const connect = async (uri: string): Promise<FrameCollector> => {
    const socket = await FrameCollector.connect(uri);
    sockets.push(socket);
    return socket;
  };

  it('sends the documented heartbeat frame on an interval', async () => {
    const socket = await connect((await api.createChannel()).connectUri);
    const [first] = await socket.nextN(isHeartbeat, 2);
    assert.deepEqual(first.json, {
      topicName: 'channel.metadata',
      eventBody: { message: 'WebSocket Heartbeat' },
    });
  });

  it('answers a {"message":"ping"} text frame with a pong', async () => {
    const socket = await connect((await api.createChannel()).connectUri);
    socket.socket.send(JSON.stringify({ message: 'ping' }));
    const pong = await socket.next((f) => f.json?.eventBody?.message === 'pong');
    assert.deepEqual(pong.json, { topicName: 'channel.metadata', eventBody: { message: 'pong' } });
  });

  it('drops the first socket when a second one connects to the same channel', async () => {
    const channel = await api.createChannel();
    const first = await connect(channel.connectUri);
    const second = await connect(channel.connectUri);
    await first.closed();
    await second.nextN(isHeartbeat, 1);
    assert.equal(sim.control.getCounters().socketsOpen, 1);
  });

  it('refuses a connection to an unknown channel', async () => {
    await assert.rejects(
      FrameCollector.connect(`${sim.apiUrl.replace('http', 'ws')}/channels/streaming-0-doesnotexist`),
      /404/,
    );
  });

  it('delivers an adherence event with the documented envelope when an agent is set out of adherence', async () => {
    const agent = sim.control.listAgents().find((a) => a.scheduledActivityCategory === 'OnQueueWork')!;
    const teamTopic = `v2.workforcemanagement.teams.${agent.teamId}.adherence`;
    const userTopic = `v2.users.${agent.id}.workforcemanagement.adherence`;
    const socket = await connect(
      (await api.createChannel([muTopic(agent.managementUnitId), teamTopic, userTopic])).connectUri,
    );
    sim.control.advance(90_000);
    const changedAt = sim.control.now();
    sim.control.setAgentActivity(agent.id, { systemPresence: 'Break' });
    const frame = await socket.next(topicIs(muTopic(agent.managementUnitId)));
    const event = frame.json;
    assert.deepEqual(Object.keys(event).sort(), ['eventBody', 'metadata', 'topicName', 'version']);
    assert.equal(event.version, '2');
    assert.equal(typeof event.metadata.CorrelationId, 'string');
    const body = event.eventBody;
    assert.equal(body.user.id, agent.id);
    assert.equal(body.managementUnitId, agent.managementUnitId);
    assert.equal(body.businessUnitId, agent.businessUnitId);
    assert.deepEqual(body.team, { id: agent.teamId, name: agent.teamName });
    assert.equal(body.scheduledActivityCategory, 'OnQueueWork');
    assert.equal(typeof body.scheduledActivityCode.id, 'string');
    assert.equal(body.scheduledActivityCode.name, undefined, 'the topic form carries no code name');
    assert.equal(body.systemPresence, 'Break');
    assert.equal(body.routingStatus, 'OFF_QUEUE');
    assert.equal(body.actualActivityCategory, 'Break');
    assert.equal(body.adherenceState, 'OutOfAdherence');
    assert.equal(body.impact, 'Negative');
    assert.equal(body.adherenceChangeTime, new Date(changedAt).toISOString());
    assert.equal(body.timeOfAdherenceChange, undefined);
    assert.ok(!Object.values(body).includes(null), 'absent fields are omitted, never null');
    await socket.next(topicIs(teamTopic));
    await socket.next(topicIs(userTopic));
  });

  it('keeps adherenceChangeTime when only the routing status changes', async () => {
    const agent = sim.control.listAgents().find((a) => a.scheduledActivityCategory === 'OnQueueWork')!;
    const socket = await connect((await api.createChannel([muTopic(agent.managementUnitId)])).connectUri);
    sim.control.setAgentActivity(agent.id, { systemPresence: 'Away' });
    const wentOut = sim.control.now();
    sim.control.advance(60_000);
    sim.control.setAgentActivity(agent.id, {
      systemPresence: 'Away',
      routingStatus: 'OFF_QUEUE',
      actualActivityCategory: 'OffQueueWork',
    });
    const frames = await socket.nextN(topicIs(muTopic(agent.managementUnitId)), 2);
    assert.equal(frames[1].json.eventBody.adherenceState, 'OutOfAdherence');
    assert.equal(frames[1].json.eventBody.adherenceChangeTime, new Date(wentOut).toISOString());
  });

  it('publishes schedule topics and flips adherence when a unit schedule is republished', async () => {
    const unit = sim.control.listUnits()[0];
    const onShift = sim.control
      .listAgents(unit.id)
      .filter((a) => a.scheduledActivityCategory === 'OnQueueWork');
    const scheduleTopic = `v2.workforcemanagement.businessunits.${unit.businessUnitId}.schedules`;
    const changedTopic = `v2.workforcemanagement.managementunits.${unit.id}.agentschedules.changed`;
    const socket = await connect(
      (await api.createChannel([scheduleTopic, changedTopic, muTopic(unit.id)])).connectUri,
    );
    const startAt = sim.control.now() + 60_000;
    const change = sim.control.publishScheduleChange(unit.id, {
      startAt,
      durationMinutes: 30,
      activityCodeName: 'Team Meeting',
      agentIds: onShift.map((a) => a.id),
    });
    const published = (await socket.next(topicIs(scheduleTopic))).json.eventBody;
    assert.equal(published.status, 'Complete');
    assert.equal(published.result.published, true);
    assert.deepEqual(
      published.result.managementUnits[0].agents.map((a: { id: string }) => a.id).sort(),
      [...change.agentIds].sort(),
    );
    const changed = (await socket.next(topicIs(changedTopic))).json.eventBody;
    assert.equal(changed.agents.length, onShift.length);
    assert.equal(changed.agents[0].startDate, new Date(startAt).toISOString());
    sim.control.setAgentActivity(onShift[0].id, { followSchedule: false, systemPresence: 'OnQueue' });
    sim.control.advance(60_000);
    const flipped = await socket.next(
      (f) =>
        f.json?.topicName === muTopic(unit.id) &&
        f.json.eventBody.user.id === onShift[0].id &&
        f.json.eventBody.scheduledActivityCategory === 'Meeting',
    );
    assert.equal(flipped.json.eventBody.adherenceState, 'OutOfAdherence');
  });
});
