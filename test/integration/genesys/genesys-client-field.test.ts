import assert from 'node:assert/strict';
import { InstallationHandler } from '../../../bot/handlers/installation-handler';
import { WelcomeSender } from '../../../bot/delivery/welcome-sender';
import { TeamsSendLimiter } from '../../../bot/delivery/teams-send-limiter';
import { sleep } from '../../../src/platform/timers';
import type { DirectoryChanges } from '../../../src/genesys/genesys-directory';
import type { GenesysClientOptions } from '../../../src/genesys/genesys-client-options';
import type { SimulatorOptions } from '../../../src/simulator/genesys-simulator';
import { createInMemoryStores } from '../../../src/storage/in-memory-stores';
import { FakeTeamsMessenger } from '../../support/fake-teams-messenger';
import { eventually } from '../../support/eventually';
import { startGenesysHarness, type GenesysHarness } from '../../support/genesys-test-kit';
import { ManualClock } from '../../support/manual-clock';
import { RecordingLogger } from '../../support/recording-logger';

const AWAY = { systemPresence: 'Away' } as const;

const running: GenesysHarness[] = [];

async function startHarness(
  simulator: SimulatorOptions = {},
  client: Partial<GenesysClientOptions> = {},
  timers?: ManualClock,
): Promise<GenesysHarness> {
  const harness = await startGenesysHarness({
    simulator: { seed: 11, agentsPerUnit: 4, asyncSearchDelayMs: 10, ...simulator },
    client: { directoryRefreshIntervalInMs: 0, ...client },
    timers,
  });
  running.push(harness);
  return harness;
}

const eventsOf = (h: GenesysHarness, agentId: string) =>
  h.sink.observations.filter((o) => o.agentId === agentId && o.source === 'event');

describe('GenesysAdherenceClient in a changing org', function () {
  afterEach(async () => {
    for (const h of running.splice(0)) await h.stop();
  });

  it('looks up an agent hired after start from their first event, and links them to Teams when they install', async () => {
    const h = await startHarness();
    const unit = h.sim.control.listUnits()[0];
    const hired = h.sim.control.addAgent({ managementUnitId: unit.id, name: 'Nia New' });
    assert.equal(h.client.directory.getAgent(hired.id), undefined);
    await eventually('the lookup', () => h.client.directory.getAgent(hired.id) !== undefined);
    const profile = h.client.directory.getAgent(hired.id)!;
    assert.equal(profile.name, 'Nia New');
    assert.equal(profile.managementUnitId, unit.id);
    assert.equal(h.client.metrics.agentLookups, 1);
    assert.ok(eventsOf(h, hired.id).length >= 1, 'their event reached the drift core meanwhile');

    // Nia installs the app later: the install handler finds her in the directory by the email Teams reports.
    const stores = createInMemoryStores();
    const messenger = new FakeTeamsMessenger();
    messenger.members.set('roster', [
      {
        id: '29:nia',
        aadObjectId: '5d1f1e2a-6b7c-4d8e-9f01-23456789abcd',
        name: 'Nia New',
        email: hired.email.toUpperCase(),
      },
    ]);
    const clock = { now: () => h.sim.control.now() };
    const logger = new RecordingLogger();
    const welcomes = new WelcomeSender({
      ledger: stores.welcomes,
      messenger,
      limiter: new TeamsSendLimiter({ clock }),
      clock,
      logger,
      sleep,
    });
    const handler = new InstallationHandler({
      conversations: stores.conversations,
      routes: stores.routes,
      directory: h.client.directory,
      messenger,
      welcomes,
      clock,
      logger,
    });
    await handler.onPersonalInstalled(
      {
        serviceUrl: 'https://smba.example/teams',
        conversationId: 'a:nia',
        conversationType: 'personal',
        from: { id: '29:nia', aadObjectId: '5d1f1e2a-6b7c-4d8e-9f01-23456789abcd', name: 'Nia New' },
        reference: { conversation: { id: 'a:nia' } },
      },
      { isUpgrade: false },
    );
    assert.equal((await stores.conversations.get('5d1f1e2a-6b7c-4d8e-9f01-23456789abcd'))?.agentId, hired.id);
  });

  it('finds units that appear and drops units that vanish on a directory refresh, changing the subscriptions', async () => {
    const h = await startHarness();
    const changes: DirectoryChanges[] = [];
    h.client.onUnitsChanged((change) => {
      changes.push(change);
    });
    const added = h.sim.control.addUnit({ name: 'Night Shift', agents: 2 });
    const topic = `v2.workforcemanagement.managementunits.${added.id}.adherence`;
    assert.deepEqual(await h.client.refreshDirectory(), { addedUnitIds: [added.id], removedUnitIds: [] });
    assert.ok(h.client.directory.getUnit(added.id));
    const newcomer = h.sim.control.listAgents(added.id)[0];
    assert.equal(h.client.directory.getAgent(newcomer.id)?.managementUnitId, added.id);
    h.sim.control.advance(1_000);
    h.sim.control.setAgentActivity(newcomer.id, AWAY);
    await eventually('an event from the new unit', () => eventsOf(h, newcomer.id).length > 0);

    h.sim.control.removeUnit(added.id);
    assert.deepEqual(await h.client.refreshDirectory(), { addedUnitIds: [], removedUnitIds: [added.id] });
    assert.equal(h.client.directory.getUnit(added.id), undefined);
    assert.deepEqual(changes, [
      { addedUnitIds: [added.id], removedUnitIds: [] },
      { addedUnitIds: [], removedUnitIds: [added.id] },
    ]);
    const subscribed = await h.client.rest.get<{ entities: Array<{ id: string }> }>(
      `/api/v2/notifications/channels/${h.client.channelIds()[0]}/subscriptions`,
    );
    assert.ok(!subscribed.entities.some((t) => t.id === topic), 'the vanished unit is unsubscribed');
    assert.equal(h.client.metrics.unitsAdded, 1);
    assert.equal(h.client.metrics.unitsRemoved, 1);
  });

  it('refreshes the directory on its own at the configured interval', async () => {
    const h = await startHarness({}, { directoryRefreshIntervalInMs: 50 });
    const added = h.sim.control.addUnit({ agents: 1 });
    await eventually('the periodic refresh', () => h.client.metrics.unitsAdded === 1);
    assert.ok(h.client.directory.getUnit(added.id));
  });

  it('waits for an asynchronous schedule search on the completion topic of the OAuth client and reads its result', async () => {
    // The client's timers on a manual clock: the 15 s bound cannot run out on a busy machine before the answer comes.
    const h = await startHarness({}, {}, new ManualClock());
    const agent = h.sim.control.listAgents()[0];
    h.sim.control.injectFault({ kind: 'asyncScheduleSearches', count: 1 });
    const answer = await h.client.coverage.check(agent.id, agent.managementUnitId, h.sim.control.now(), []);
    assert.equal(answer, 'clear');
    assert.equal(h.client.metrics.asyncScheduleSearches, 1);
    assert.equal(h.client.metrics.asyncScheduleSearchTimeouts, 0);
    assert.equal(h.sim.control.getCounters().asyncScheduleSearches, 1);
  });

  it('answers unavailable (the nudge then goes out, marked) when the asynchronous answer does not come in time', async () => {
    const boundMs = 15_000;
    const timers = new ManualClock();
    const h = await startHarness({}, { scheduleSearchTimeoutInMs: boundMs }, timers);
    const agent = h.sim.control.listAgents()[1];
    h.sim.control.injectFault({ kind: 'asyncScheduleSearches', count: 1, outcome: 'never' });
    let answer: string | undefined;
    void h.client.coverage
      .check(agent.id, agent.managementUnitId, h.sim.control.now(), [])
      .then((value) => (answer = value));
    await eventually('the search accepted as Processing', () => h.client.metrics.asyncScheduleSearches === 1);
    timers.advanceBy(boundMs - 1);
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(answer, undefined, 'still waiting just before the bound');
    timers.advanceBy(1);
    assert.equal(await eventually('the answer', () => answer), 'unavailable');
    assert.equal(h.client.metrics.asyncScheduleSearchTimeouts, 1);
  });

  it('rolls each channel over to a new one when the token is renewed, before the old token ends it, missing nothing', async () => {
    const h = await startHarness({ tokenExpiresInSeconds: 600 });
    const [a, b] = h.sim.control.listAgents();
    const oldChannel = h.client.channelIds()[0]!;
    const restores = h.client.metrics.restores;
    // The token is renewed a tenth of its life before it ends (540 s), and each channel with it.
    h.sim.control.advance(545_000);
    await eventually('the rollover', () => h.client.metrics.channelRollovers === 1);
    assert.notEqual(h.client.channelIds()[0], oldChannel);
    assert.ok(h.client.metrics.restores > restores, 'the new channel was restored');
    h.sim.control.setAgentActivity(a.id, AWAY);
    await eventually('an event while both channels live', () => eventsOf(h, a.id).length === 1);
    // The first token ends: the simulator closes the old channel, which was already retired.
    h.sim.control.advance(60_000);
    await eventually(
      'old channel closed',
      () => !h.sim.control.listChannels().some((c) => c.id === oldChannel),
    );
    h.sim.control.setAgentActivity(b.id, AWAY);
    await eventually('an event after the old token ended', () => eventsOf(h, b.id).length === 1);
    assert.equal(h.client.metrics.reconnects, 0, 'no gap: nothing had to reconnect');
    assert.ok(h.client.isStreaming());
    assert.equal(h.sim.control.getCounters().channelsClosedWithToken, 1);
  });

  it('resumes tracking with a restore when a channel vanishes with its revoked token', async () => {
    const h = await startHarness();
    const agent = h.sim.control.listAgents()[2];
    const restores = h.client.metrics.restores;
    h.sim.control.injectFault({ kind: 'expireTokens' });
    // Changed while the channel is gone: only the restore can bring it.
    h.sim.control.advance(1_000);
    h.sim.control.setAgentActivity(agent.id, AWAY);
    await eventually(
      'the change, by restore',
      () =>
        h.client.metrics.restores > restores &&
        h.sink.observations.some((o) => o.agentId === agent.id && o.systemPresence === 'Away'),
    );
    assert.ok(h.client.metrics.channelsCreated >= 2, 'a new channel replaced the vanished one');
    h.sim.control.advance(1_000);
    h.sim.control.setAgentActivity(agent.id, { followSchedule: true });
    await eventually('events on the new channel', () => eventsOf(h, agent.id).length > 0);
  });

  it('hands a frame dated 2099 to the drift core, which clamps it and applies the next real event', async () => {
    const h = await startHarness();
    const agent = h.sim.control.listAgents()[3];
    h.sim.control.injectFault({ kind: 'misdatedFrames', adherenceChangeTime: '2099-01-01T00:00:00.000Z' });
    h.sim.control.advance(1_000);
    h.sim.control.setAgentActivity(agent.id, AWAY);
    await eventually('the misdated event', () => eventsOf(h, agent.id).length === 1);
    assert.equal(eventsOf(h, agent.id)[0].adherenceChangedAt, Date.UTC(2099, 0, 1));
    h.sim.control.advance(60_000);
    const back = h.sim.control.setAgentActivity(agent.id, { followSchedule: true });
    await eventually('the next real event applied', () => eventsOf(h, agent.id).length === 2);
    assert.equal(eventsOf(h, agent.id)[1].adherenceChangedAt, Date.parse(back.adherenceChangeTime));
  });
});
