import assert from 'node:assert/strict';
import type { RunningSimulator } from '../../../src/simulator/genesys-simulator';
import {
  ApiClient,
  FrameCollector,
  START_AT,
  startTestSimulator,
  topicIs,
} from '../../support/simulator-test-kit';

describe('Genesys simulator agent schedule search', () => {
  let sim: RunningSimulator;
  let api: ApiClient;
  const sockets: FrameCollector[] = [];
  beforeEach(async () => {
    sim = await startTestSimulator({ asyncSearchDelayMs: 10 });
    api = await ApiClient.login(sim);
  });
  afterEach(async () => {
    for (const s of sockets.splice(0)) s.close();
    await sim.stop();
  });
  const window = {
    startDate: new Date(START_AT - 12 * 3_600_000).toISOString(),
    endDate: new Date(START_AT + 12 * 3_600_000).toISOString(),
  };

  it('returns the published shift with two breaks and a meal for each requested agent', async () => {
    const unit = sim.control.listUnits()[0];
    const agents = sim.control.listAgents(unit.id).slice(0, 2);
    const res = await api.json(
      'POST',
      `/api/v2/workforcemanagement/managementunits/${unit.id}/agentschedules/search`,
      { ...window, userIds: agents.map((a) => a.id) },
    );
    assert.equal(res.status, 200);
    assert.equal(res.body.status, 'Complete');
    const schedules = res.body.result.agentSchedules;
    assert.deepEqual(
      schedules.map((s: { user: { id: string } }) => s.user.id),
      agents.map((a) => a.id),
    );
    const codes = (
      await api.json('GET', `/api/v2/workforcemanagement/businessunits/${unit.businessUnitId}/activitycodes`)
    ).body.entities;
    const categoryOf = (id: string): string => codes.find((c: { id: string }) => c.id === id).category;
    const shift = schedules[0].shifts[0];
    assert.equal(shift.lengthMinutes, 480);
    const activities = shift.activities.map(
      (a: { activityCodeId: string; lengthMinutes: number }) =>
        `${categoryOf(a.activityCodeId)}:${a.lengthMinutes}`,
    );
    assert.equal(activities.filter((a: string) => a === 'Break:15').length, 2);
    assert.equal(activities.filter((a: string) => a === 'Meal:30').length, 1);
    assert.equal(res.body.result.businessUnitTimeZone, unit.timeZone);
    assert.equal(res.body.result.publishedSchedules.length, 1);
  });

  it('searches across the business unit through the businessunits twin', async () => {
    const unit = sim.control.listUnits()[0];
    const res = await api.json(
      'POST',
      `/api/v2/workforcemanagement/businessunits/${unit.businessUnitId}/agentschedules/search`,
      window,
    );
    assert.equal(res.body.status, 'Complete');
    assert.equal(res.body.result.agentSchedules.length, 8);
  });

  it('rejects a body without a valid date window', async () => {
    const unit = sim.control.listUnits()[0];
    const res = await api.json(
      'POST',
      `/api/v2/workforcemanagement/managementunits/${unit.id}/agentschedules/search`,
      { userIds: [] },
    );
    assert.equal(res.status, 400);
  });

  const completionTopic = (): string =>
    `v2.users.${sim.clientId}.workforcemanagement.agentschedules.managementunit.search.complete`;

  it('answers Processing with forceAsync and announces completion with a downloadUrl on the requester topic', async () => {
    const unit = sim.control.listUnits()[0];
    const topic = completionTopic();
    const socket = await FrameCollector.connect((await api.createChannel([topic])).connectUri);
    sockets.push(socket);
    const res = await api.json(
      'POST',
      `/api/v2/workforcemanagement/managementunits/${unit.id}/agentschedules/search?forceAsync=true`,
      window,
    );
    assert.equal(res.body.status, 'Processing');
    assert.equal(typeof res.body.operationId, 'string');
    const event = (await socket.next(topicIs(topic))).json;
    assert.equal(event.eventBody.operationId, res.body.operationId);
    assert.equal(event.eventBody.status, 'Complete');
    const downloaded = (await (await fetch(event.eventBody.downloadUrl)).json()) as {
      agentSchedules: unknown[];
    };
    assert.equal(downloaded.agentSchedules.length, 4);
  });

  it('answers a large search asynchronously without being asked to, as the real service may', async () => {
    const unit = sim.control.listUnits()[0];
    const topic = completionTopic();
    const socket = await FrameCollector.connect((await api.createChannel([topic])).connectUri);
    sockets.push(socket);
    // Four agents over three weeks: 84 agent-days, above what the simulator answers at once.
    const res = await api.json(
      'POST',
      `/api/v2/workforcemanagement/managementunits/${unit.id}/agentschedules/search`,
      { startDate: window.startDate, endDate: new Date(START_AT + 20 * 86_400_000).toISOString() },
    );
    assert.equal(res.body.status, 'Processing');
    const event = (await socket.next(topicIs(topic))).json;
    assert.equal(event.eventBody.operationId, res.body.operationId);
    assert.equal(sim.control.getCounters().asyncScheduleSearches, 1);
  });

  it('answers a small search asynchronously under the fault, and can report a failure or never answer', async () => {
    const unit = sim.control.listUnits()[0];
    const topic = completionTopic();
    const socket = await FrameCollector.connect((await api.createChannel([topic])).connectUri);
    sockets.push(socket);
    const path = `/api/v2/workforcemanagement/managementunits/${unit.id}/agentschedules/search`;
    sim.control.injectFault({ kind: 'asyncScheduleSearches', count: 1, outcome: 'error' });
    const failed = await api.json('POST', path, window);
    assert.equal(failed.body.status, 'Processing');
    const failure = (await socket.next(topicIs(topic))).json;
    assert.equal(failure.eventBody.operationId, failed.body.operationId);
    assert.equal(failure.eventBody.status, 'Error');
    assert.equal(typeof failure.eventBody.error.message, 'string');
    assert.equal((await api.json('POST', path, window)).body.status, 'Complete');
    sim.control.injectFault({ kind: 'asyncScheduleSearches', probability: 1, outcome: 'never' });
    assert.equal((await api.json('POST', path, window)).body.status, 'Processing');
    assert.equal((await api.json('POST', path, window)).body.status, 'Processing');
  });

  it('refuses a subscription to another requester completion topic', async () => {
    const channel = await api.json('POST', '/api/v2/notifications/channels');
    const res = await api.json(
      'PUT',
      `/api/v2/notifications/channels/${channel.body.id}/subscriptions?ignoreErrors=true`,
      [{ id: 'v2.users.someone-else.workforcemanagement.agentschedules.managementunit.search.complete' }],
    );
    assert.equal(res.body.entities[0].state, 'Rejected');
  });
});
