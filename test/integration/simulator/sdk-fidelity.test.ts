import assert from 'node:assert/strict';
import platformClient from 'purecloud-platform-client-v2';
import type { RunningSimulator } from '../../../src/simulator/genesys-simulator';
import { FrameCollector, START_AT, startTestSimulator, topicIs } from '../../support/simulator-test-kit';

// The official SDK (purecloud-platform-client-v2 on npm, a devDependency) must parse every simulator answer
// into its models.
// Its ApiClient is a process-wide singleton: this suite points it at its own simulator and logs in itself.
describe('Genesys simulator fidelity against the official JavaScript SDK', () => {
  let sim: RunningSimulator;
  const sockets: FrameCollector[] = [];
  const client = platformClient.ApiClient.instance;
  const wfm = new platformClient.WorkforceManagementApi();
  const users = new platformClient.UsersApi();
  const notifications = new platformClient.NotificationsApi();
  const window = {
    startDate: new Date(START_AT - 12 * 3_600_000).toISOString(),
    endDate: new Date(START_AT + 12 * 3_600_000).toISOString(),
  };

  before(async () => {
    sim = await startTestSimulator({ asyncSearchDelayMs: 10 });
    const port = Number(new URL(sim.apiUrl).port);
    client.setGateway({
      host: '127.0.0.1',
      protocol: 'http',
      port,
      path_params_login: '',
      path_params_api: '',
    });
    const auth = await client.loginClientCredentialsGrant(sim.clientId, sim.clientSecret);
    assert.equal(typeof auth.accessToken, 'string');
  });
  after(async () => {
    for (const s of sockets.splice(0)) s.close();
    await sim.stop();
  });

  it('parses business units, management units (with adherence settings), unit users and activity codes', async () => {
    const bus = await wfm.getWorkforcemanagementBusinessunits();
    const buId = bus.entities![0].id!;
    const mus = await wfm.getWorkforcemanagementManagementunits();
    assert.equal(mus.entities!.length, 2);
    const inBu = await wfm.getWorkforcemanagementBusinessunitManagementunits(buId);
    assert.equal(inBu.entities!.length, 2);
    const muId = mus.entities![0].id!;
    const mu = await wfm.getWorkforcemanagementManagementunit(muId, { expand: ['settings.adherence'] });
    assert.equal(mu.settings!.adherence!.adherenceExceptionThresholdSeconds, 900);
    assert.deepEqual(mu.settings!.adherence!.ignoredActivityCategories!.values, ['Training']);
    assert.equal(mu.businessUnit!.id, buId);
    const unitUsers = await wfm.getWorkforcemanagementManagementunitUsers(muId);
    assert.equal(unitUsers.entities!.length, 4);
    const codes = await wfm.getWorkforcemanagementBusinessunitActivitycodes(buId);
    assert.ok(codes.entities!.some((c) => c.name === 'Overtime' && c.category === 'OnQueueWork'));
  });

  it('parses unit adherence, its download variant and adherence by user ids', async () => {
    const muId = sim.control.listUnits()[0].id;
    const listing = await wfm.getWorkforcemanagementManagementunitAdherence(muId);
    const entry = listing.entities![0];
    assert.equal(entry.managementUnit!.id, muId);
    assert.equal(typeof entry.timeOfAdherenceChange, 'string');
    assert.equal(typeof entry.adherenceState, 'string');
    const forced = await wfm.getWorkforcemanagementManagementunitAdherence(muId, {
      forceDownloadService: true,
    });
    assert.match(forced.downloadUrl!, /^http:\/\/127\.0\.0\.1/);
    const ids = sim.control
      .listAgents()
      .slice(0, 3)
      .map((a) => a.id);
    const byUser = await wfm.getWorkforcemanagementAdherence(ids);
    assert.deepEqual(
      byUser.map((u) => u.id),
      ids,
    );
  });

  it('parses schedule search results, synchronous and asynchronous', async () => {
    const unit = sim.control.listUnits()[0];
    const agentId = sim.control.listAgents(unit.id)[0].id;
    const sync = await wfm.postWorkforcemanagementManagementunitAgentschedulesSearch(unit.id, {
      ...window,
      userIds: [agentId],
    });
    assert.equal(sync.status, 'Complete');
    assert.equal(sync.result!.agentSchedules![0].user!.id, agentId);
    assert.equal(sync.result!.agentSchedules![0].shifts![0].lengthMinutes, 480);
    const topic = `v2.workforcemanagement.users.${sim.clientId}.schedules.search`;
    const channel = await notifications.postNotificationsChannels();
    await notifications.putNotificationsChannelSubscriptions(channel.id!, [{ id: topic }]);
    const socket = await FrameCollector.connect(channel.connectUri!);
    sockets.push(socket);
    const async = await wfm.postWorkforcemanagementBusinessunitAgentschedulesSearch(
      unit.businessUnitId,
      window,
      { forceAsync: true },
    );
    assert.equal(async.status, 'Processing');
    const event = await socket.next(topicIs(topic));
    assert.equal(event.json.eventBody.operationId, async.operationId);
  });

  it('parses users with email, manager and state', async () => {
    const agent = sim.control.listAgents()[0];
    const one = await users.getUser(agent.id);
    assert.equal(one.email, agent.email);
    assert.equal(one.manager!.id, agent.managerId);
    const page = await users.getUsers({ id: [agent.id, agent.managerId], pageSize: 25, state: 'active' });
    assert.deepEqual(
      page.entities!.map((u) => u.id),
      [agent.id, agent.managerId],
    );
  });

  it('parses notification channels, HEAD, subscriptions with ignoreErrors, and delete', async () => {
    const muId = sim.control.listUnits()[0].id;
    const channel = await notifications.postNotificationsChannels();
    assert.match(channel.connectUri!, /^ws:\/\/127\.0\.0\.1:\d+\/channels\//);
    await notifications.headNotificationsChannel(channel.id!);
    const listed = await notifications.getNotificationsChannels({ includechannels: 'token' });
    assert.ok(listed.entities!.some((c) => c.id === channel.id));
    const topics = [
      { id: `v2.workforcemanagement.managementunits.${muId}.adherence` },
      { id: 'v2.not.a.topic' },
    ];
    const subscribed = await notifications.postNotificationsChannelSubscriptions(channel.id!, topics, {
      ignoreErrors: true,
    });
    assert.deepEqual(
      subscribed.entities!.map((t) => t.state),
      ['Permitted', 'Rejected'],
    );
    const current = await notifications.getNotificationsChannelSubscriptions(channel.id!);
    assert.equal(current.entities!.length, 1);
    await notifications.deleteNotificationsChannelSubscriptions(channel.id!);
    // A HEAD 404 has no body, so the SDK rejects with an empty reason.
    await assert.rejects(notifications.headNotificationsChannel('streaming-0-missing'));
  });

  it('surfaces a 429 with its error body to the SDK caller', async () => {
    sim.control.injectFault({ kind: 'httpError', status: 429, retryAfterInSeconds: 2 });
    // Without extended responses the SDK rejects with the ErrorBody itself.
    await assert.rejects(
      wfm.getWorkforcemanagementBusinessunits(),
      (e: { status?: number; code?: string }) =>
        e.status === 429 && e.code === 'too.many.requests.retry.after',
    );
  });
});
