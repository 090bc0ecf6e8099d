import assert from 'node:assert/strict';
import type { AdherenceObservation } from '../../../src/domain/adherence-observation';
import { GenesysAdherenceClient } from '../../../src/genesys/genesys-adherence-client';
import type { GenesysClientOptions } from '../../../src/genesys/genesys-client-options';
import { GenesysScheduleCoverageChecker } from '../../../src/genesys/genesys-schedule-coverage-checker';
import { platformTimers } from '../../../src/genesys/genesys-timers';
import {
  startGenesysSimulator,
  type RunningSimulator,
  type SimulatorOptions,
} from '../../../src/simulator/genesys-simulator';
import { InMemoryAgentProfileSnapshot } from '../../../src/storage/agent-profiles/in-memory-agent-profile-snapshot';
import { eventually } from '../../support/eventually';
import { startGenesysHarness, type GenesysHarness, type RecordingSink } from '../../support/genesys-test-kit';
import { ManualClock } from '../../support/manual-clock';
import { RecordingLogger } from '../../support/recording-logger';
import { collect } from '../../support/storage-fixtures';

const BREAK = {
  systemPresence: 'Break',
  routingStatus: 'OFF_QUEUE',
  actualActivityCategory: 'Break',
} as const;
const MEAL = { systemPresence: 'Meal', routingStatus: 'OFF_QUEUE', actualActivityCategory: 'Meal' } as const;

const running: GenesysHarness[] = [];

async function startHarness(
  simulator: SimulatorOptions = {},
  client: Partial<GenesysClientOptions> = {},
  beforeStart?: (sim: RunningSimulator) => void,
  timers?: ManualClock,
): Promise<GenesysHarness> {
  const harness = await startGenesysHarness({ simulator, client, beforeStart, timers });
  running.push(harness);
  return harness;
}

/** The newest observation per agent. */
function latest(sink: RecordingSink): Map<string, AdherenceObservation> {
  const map = new Map<string, AdherenceObservation>();
  for (const o of sink.observations) map.set(o.agentId, o);
  return map;
}

/** No agent got the same observation twice in a row. */
function assertNoRepeats(sink: RecordingSink): void {
  const previous = new Map<string, AdherenceObservation>();
  for (const o of sink.observations) {
    const p = previous.get(o.agentId);
    if (p)
      assert.ok(
        !(
          p.adherenceChangedAt === o.adherenceChangedAt &&
          p.adherenceState === o.adherenceState &&
          p.actualActivityCategory === o.actualActivityCategory
        ),
        `repeated observation for ${o.agentId}`,
      );
    previous.set(o.agentId, o);
  }
}

/** Every agent's newest observation matches the simulator's current adherence. */
function assertMatchesSimulator(h: GenesysHarness): void {
  const mine = latest(h.sink);
  for (const agent of h.sim.control.listAgents()) {
    const o = mine.get(agent.id);
    assert.ok(o, `no observation for ${agent.id}`);
    assert.equal(o.adherenceState, agent.adherenceState, `state of ${agent.id}`);
    assert.equal(o.adherenceChangedAt, Date.parse(agent.adherenceChangeTime), `change time of ${agent.id}`);
    assert.equal(o.actualActivityCategory, agent.actualActivityCategory, `activity of ${agent.id}`);
  }
}

describe('GenesysAdherenceClient against the simulator', function () {
  afterEach(async () => {
    for (const h of running.splice(0)) await h.stop();
  });

  it('discovers units, agents with email and manager, and adherence settings', async () => {
    const h = await startHarness();
    const units = h.sim.control.listUnits();
    assert.deepEqual(
      h.client.directory
        .listUnits()
        .map((u) => u.id)
        .sort(),
      units.map((u) => u.id).sort(),
    );
    const unit = h.client.directory.getUnit(units[0].id)!;
    assert.equal(unit.exceptionThresholdMs, units[0].adherenceExceptionThresholdSeconds * 1000);
    assert.equal(unit.businessUnitId, units[0].businessUnitId);
    const agent = h.sim.control.listAgents()[0];
    const profile = h.client.directory.findAgentByEmail(agent.email.toUpperCase());
    assert.equal(profile?.id, agent.id);
    assert.equal(profile?.managerId, agent.managerId);
    assert.equal(profile?.teamId, agent.teamId);
  });

  it('reads from Genesys only the agents it has no stored profile of, and stores what it read', async () => {
    const sim = await startGenesysSimulator({
      port: 0,
      seed: 7,
      scenario: 'idle',
      manualClock: true,
      units: 2,
    });
    const snapshot = new InMemoryAgentProfileSnapshot();
    const discover = async (): Promise<{ client: GenesysAdherenceClient; userReads: number }> => {
      const client = new GenesysAdherenceClient(
        {
          apiUrl: sim.apiUrl,
          loginUrl: sim.loginUrl,
          clientId: sim.clientId,
          clientSecret: sim.clientSecret,
        },
        { clock: { now: () => sim.control.now() }, logger: new RecordingLogger(), profileSnapshot: snapshot },
      );
      const before = sim.control.getCounters().requests;
      await client.discover();
      await client.directory.snapshotSaved();
      return { client, userReads: sim.control.getCounters().requests - before };
    };
    try {
      const first = await discover();
      const agents = sim.control.listAgents();
      assert.equal((await collect(snapshot.list())).length, agents.length, 'every profile read was stored');
      const second = await discover();
      // The same units, settings, activity codes and unit user lists, but no user records.
      assert.ok(second.userReads < first.userReads, `${second.userReads} requests, then ${first.userReads}`);
      const agent = agents[0];
      const profile = second.client.directory.findAgentByEmail(agent.email);
      assert.equal(profile?.id, agent.id);
      assert.equal(profile?.managerId, agent.managerId);
      assert.equal(profile?.managementUnitId, agent.managementUnitId);
      await first.client.stop();
      await second.client.stop();
    } finally {
      await sim.stop();
    }
  });

  it('restores every agent at start and then delivers events timed by adherenceChangeTime', async () => {
    const h = await startHarness();
    const agents = h.sim.control.listAgents();
    assert.equal(h.sink.observations.length, agents.length);
    assert.ok(h.sink.observations.every((o) => o.source === 'restore'));
    const agent = agents[0];
    h.sim.control.advance(5_000);
    const view = h.sim.control.setAgentActivity(agent.id, BREAK);
    await eventually('the event', () => h.sink.ofAgent(agent.id).some((o) => o.source === 'event'));
    const event = h.sink.ofAgent(agent.id).find((o) => o.source === 'event')!;
    assert.equal(event.source, 'event');
    assert.equal(event.actualActivityCategory, 'Break');
    assert.equal(event.adherenceState, view.adherenceState);
    assert.equal(event.adherenceChangedAt, Date.parse(view.adherenceChangeTime));
    assert.equal(h.client.metrics.eventsReceived, 1);
  });

  it('reconnects after dropped sockets without a missed or repeated observation', async () => {
    const h = await startHarness();
    const [a, b] = h.sim.control.listAgents();
    const channelBefore = h.client.channelIds()[0];
    const restoresBefore = h.client.metrics.restores;
    h.sim.control.injectFault({ kind: 'dropSockets' });
    // Changed while no socket is open: only the restore can bring it.
    h.sim.control.advance(1_000);
    h.sim.control.setAgentActivity(a.id, BREAK);
    await eventually(
      'reconnect and restore',
      () => h.client.metrics.restores > restoresBefore && h.client.isStreaming() && !h.client.isRestoring(),
    );
    h.sim.control.advance(1_000);
    h.sim.control.setAgentActivity(b.id, MEAL);
    await eventually('event after reconnect', () =>
      h.sink.ofAgent(b.id).some((o) => o.actualActivityCategory === 'Meal'),
    );
    await h.client.flush();
    assert.equal(h.client.channelIds()[0], channelBefore);
    assert.ok(h.client.metrics.reconnects >= 1);
    assertMatchesSimulator(h);
    assertNoRepeats(h.sink);
  });

  it('restores after a reconnect only the units it processes, and holds no event for the others', async () => {
    const h = await startHarness();
    const agents = h.sim.control.listAgents();
    const mine = agents[0];
    const other = agents.find((agent) => agent.managementUnitId !== mine.managementUnitId)!;
    h.client.restorer.restoreOnly((unitId) => unitId === mine.managementUnitId);
    const restoresBefore = h.client.metrics.restores;
    const observationsBefore = h.sink.observations.length;
    h.sim.control.injectFault({ kind: 'dropSockets' });
    // Changed while no socket is open: only a restore can bring them.
    h.sim.control.advance(1_000);
    h.sim.control.setAgentActivity(mine.id, BREAK);
    h.sim.control.setAgentActivity(other.id, BREAK);
    await eventually(
      'reconnect and restore',
      () => h.client.metrics.restores > restoresBefore && h.client.isStreaming() && !h.client.isRestoring(),
    );
    await h.client.flush();
    const restored = h.sink.observations.slice(observationsBefore).filter((o) => o.source === 'restore');
    assert.ok(restored.length > 0);
    assert.ok(restored.every((o) => o.managementUnitId === mine.managementUnitId));
    assert.ok(restored.some((o) => o.agentId === mine.id && o.actualActivityCategory === 'Break'));
  });

  it('reconnects to the same channel at once on socket_closing and keeps receiving', async () => {
    const h = await startHarness();
    const channelBefore = h.client.channelIds()[0];
    h.sim.control.injectFault({ kind: 'socketClosing', closeAfterMs: 60_000 });
    await eventually(
      'socket_closing handled',
      () => h.client.metrics.socketClosingNotices === 1 && h.client.isStreaming() && !h.client.isRestoring(),
    );
    const agent = h.sim.control.listAgents()[3];
    h.sim.control.advance(1_000);
    h.sim.control.setAgentActivity(agent.id, BREAK);
    await eventually('event after socket_closing', () =>
      h.sink.ofAgent(agent.id).some((o) => o.actualActivityCategory === 'Break'),
    );
    assert.equal(h.client.channelIds()[0], channelBefore);
    assert.equal(h.client.metrics.channelsCreated, 1);
    assertNoRepeats(h.sink);
  });

  for (const kind of ['expireChannel', 'evictChannel'] as const) {
    it(`creates a new channel, subscribes again and restores after ${kind}`, async () => {
      const h = await startHarness();
      const channelBefore = h.client.channelIds()[0]!;
      h.sim.control.injectFault({ kind, channelId: channelBefore });
      const agent = h.sim.control.listAgents()[2];
      h.sim.control.advance(1_000);
      h.sim.control.setAgentActivity(agent.id, BREAK);
      await eventually(
        'new channel',
        () =>
          h.client.channelIds()[0] !== channelBefore &&
          h.client.isStreaming() &&
          !h.client.isRestoring() &&
          h.client.metrics.restores >= 2,
      );
      await h.client.flush();
      assert.ok(
        h.sink.ofAgent(agent.id).some((o) => o.actualActivityCategory === 'Break'),
        'change made while the channel was gone was restored',
      );
      h.sim.control.advance(1_000);
      h.sim.control.setAgentActivity(agent.id, MEAL);
      await eventually('event on the new channel', () =>
        h.sink.ofAgent(agent.id).some((o) => o.actualActivityCategory === 'Meal' && o.source === 'event'),
      );
      assert.equal(h.client.metrics.channelsCreated, 2);
      assertMatchesSimulator(h);
    });
  }

  it('re-subscribes before the 24 hour expiry so the channel outlives it', async () => {
    // A 48 h token (the longest Genesys issues), so the channel outlives 24 h without a token renewal.
    const h = await startHarness({ tokenExpiresInSeconds: 172_800 }, { resubscribeMarginInMs: 60 * 60_000 });
    const channel = h.client.channelIds()[0]!;
    h.sim.control.advance(23 * 60 * 60_000 + 30 * 60_000);
    await eventually('the re-subscription', () => h.client.metrics.resubscriptions >= 1);
    h.sim.control.advance(60 * 60_000);
    await eventually('channel still listed', () =>
      h.sim.control.listChannels().some((c) => c.id === channel),
    );
    assert.equal(h.client.channelIds()[0], channel);
    assert.equal(h.client.metrics.channelsCreated, 1);
  });

  it('honours a 429 Retry-After during start and still restores', async () => {
    const h = await startHarness({}, {}, (sim) =>
      sim.control.injectFault({
        kind: 'httpError',
        status: 429,
        count: 1,
        retryAfterInSeconds: 1,
        pathPattern: 'managementunits$',
      }),
    );
    assert.equal(h.client.metrics.rest429s, 1);
    assert.equal(h.sink.observations.length, h.sim.control.listAgents().length);
  });

  it('retries a 503 during the restore and loses nothing', async () => {
    const h = await startHarness({}, {}, (sim) =>
      sim.control.injectFault({ kind: 'httpError', status: 503, count: 2, pathPattern: '/adherence$' }),
    );
    assert.ok(h.client.metrics.rest5xxs >= 2);
    assertMatchesSimulator(h);
  });

  it('fetches a new token when the old one expires or is revoked', async () => {
    const h = await startHarness({ tokenExpiresInSeconds: 3_600 });
    const issued = h.client.metrics.tokenRequests;
    h.sim.control.advance(3_600_000);
    await h.client.rest.get('/api/v2/workforcemanagement/managementunits');
    assert.equal(h.client.metrics.tokenRequests, issued + 1);
    h.sim.control.injectFault({ kind: 'expireTokens' });
    await h.client.rest.get('/api/v2/workforcemanagement/managementunits');
    assert.equal(h.client.metrics.tokenRequests, issued + 2);
  });

  it('skips a malformed frame and keeps the stream alive', async () => {
    const h = await startHarness();
    h.sim.control.injectFault({ kind: 'malformedFrame' });
    await eventually('the malformed frame', () => h.client.metrics.malformedFrames === 1);
    const agent = h.sim.control.listAgents()[1];
    h.sim.control.advance(1_000);
    h.sim.control.setAgentActivity(agent.id, BREAK);
    await eventually('event after the malformed frame', () =>
      h.sink.ofAgent(agent.id).some((o) => o.actualActivityCategory === 'Break'),
    );
    assert.ok(h.client.isStreaming());
    assert.equal(h.logger.withMessage('Malformed Genesys frame skipped').length, 1);
  });

  it('hands duplicate and out-of-order frames on for the drift core to judge, which applies each change once and the newest last', async () => {
    const h = await startHarness();
    const agent = h.sim.control.listAgents()[4];
    h.sim.control.injectFault({ kind: 'duplicateFrames', count: 1 });
    h.sim.control.advance(1_000);
    h.sim.control.setAgentActivity(agent.id, BREAK);
    await eventually('the duplicate', () => (h.sink.ignored.duplicate ?? 0) >= 1);
    h.sim.control.injectFault({ kind: 'reorderFrames', count: 1 });
    h.sim.control.advance(1_000);
    h.sim.control.setAgentActivity(agent.id, MEAL);
    h.sim.control.advance(1_000);
    h.sim.control.setAgentActivity(agent.id, { followSchedule: true });
    await eventually('the reordered frames', () => h.client.metrics.eventsReceived >= 4);
    await h.client.flush();
    assertNoRepeats(h.sink);
    assertMatchesSimulator(h);
  });

  it('signals a schedule change for the unit whose schedule was republished', async () => {
    const h = await startHarness();
    const unit = h.sim.control.listUnits()[1];
    h.sim.control.publishScheduleChange(unit.id);
    await eventually('the schedule change signal', () => h.sink.scheduleChanges.includes(unit.id));
    assert.ok(!h.sink.scheduleChanges.includes(h.sim.control.listUnits()[0].id));
  });

  it('shards more than 1,000 per-user topics across channels and restores and streams on each', async () => {
    const h = await startHarness(
      { units: 2, agentsPerUnit: 550, heartbeatIntervalMs: 200 },
      { adherenceTopicScope: 'user' },
    );
    assert.equal(h.client.channelIds().length, 2);
    const agents = h.sim.control.listAgents();
    assert.equal(new Set(h.sink.observations.map((o) => o.agentId)).size, agents.length);
    const last = agents[agents.length - 1];
    h.sim.control.advance(1_000);
    h.sim.control.setAgentActivity(last.id, BREAK);
    await eventually('event on the second channel', () =>
      h.sink.ofAgent(last.id).some((o) => o.source === 'event'),
    );
    assert.ok(h.sim.control.listChannels().every((c) => c.topicCount <= 1000));
  });

  it('keeps a quiet socket alive with ping and pong instead of reconnecting', async () => {
    // The liveness timers run on a manual clock: a ping goes out after a quiet period, and its deadline passes only
    // when the test moves the clock on, after the pong has arrived, however late a busy machine delivers it.
    const quietBeforePingMs = 40_000;
    const pongTimeoutMs = 10_000;
    const timers = new ManualClock();
    const h = await startHarness(
      { heartbeatIntervalMs: 24 * 60 * 60_000 },
      {
        quietBeforePingInMs: quietBeforePingMs,
        pongTimeoutInMs: pongTimeoutMs,
        maintenanceIntervalInMs: 60_000,
      },
      undefined,
      timers,
    );
    for (let round = 1; round <= 3; round += 1) {
      const pongsBefore = h.client.metrics.heartbeats;
      // Second by second up to the ping (within two quiet periods: one that saw the last pong only resets the watch).
      for (let second = 0; second < 80 && h.client.metrics.pingsSent < round; second += 1)
        timers.advanceBy(1_000);
      assert.equal(h.client.metrics.pingsSent, round, `ping ${round} after a quiet period`);
      await eventually(`pong ${round}`, () => h.client.metrics.heartbeats > pongsBefore);
      timers.advanceBy(pongTimeoutMs);
      assert.ok(h.client.isStreaming(), `the socket outlived the deadline of ping ${round}`);
    }
    assert.equal(h.client.metrics.reconnects, 0);
  });

  it('looks up an agent schedule in the simulator and answers overtime when the activity at that instant is an overtime code', async () => {
    const h = await startHarness();
    const agent = h.sim.control.listAgents()[0];
    const now = h.sim.control.now();
    const { data } = await h.client.rest.send<{
      result: {
        agentSchedules: Array<{
          shifts: Array<{
            activities: Array<{ startDate: string; lengthMinutes: number; activityCodeId: string }>;
          }>;
        }>;
      };
    }>({
      method: 'POST',
      path: `/api/v2/workforcemanagement/managementunits/${agent.managementUnitId}/agentschedules/search`,
      body: {
        startDate: new Date(now - 16 * 3_600_000).toISOString(),
        endDate: new Date(now + 12 * 3_600_000).toISOString(),
        userIds: [agent.id],
      },
    });
    const activities = data.result.agentSchedules[0].shifts.flatMap((shift) => shift.activities);
    const current = activities.find(
      (a) => Date.parse(a.startDate) <= now && now < Date.parse(a.startDate) + a.lengthMinutes * 60_000,
    );
    assert.ok(current, 'the idle scenario starts the agent inside a scheduled activity');
    assert.equal(await h.client.coverage.check(agent.id, agent.managementUnitId, now, []), 'clear');
    const withOvertime = new GenesysScheduleCoverageChecker({
      rest: h.client.rest,
      directory: h.client.directory,
      scheduleSearchTimeoutInMs: 1_000,
      clock: { now: () => h.sim.control.now() },
      logger: h.logger,
      timers: platformTimers,
    });
    assert.equal(
      await withOvertime.check(agent.id, agent.managementUnitId, now, [current.activityCodeId]),
      'overtime',
    );
    assert.equal(await h.client.coverage.check(agent.id, 'no-such-unit', now, []), 'unavailable');
  });

  it('restores one unit on demand, handing over again what it already delivered, and only that unit', async () => {
    const h = await startHarness();
    const [unit, other] = h.sim.control.listUnits();
    const before = h.sink.received.length;
    const handedOver = await h.client.restoreUnit(unit.id);
    const restored = h.sink.received.slice(before);
    assert.equal(handedOver, unit.agentCount);
    assert.equal(restored.length, unit.agentCount);
    assert.ok(restored.every((o) => o.source === 'restore' && o.managementUnitId === unit.id));
    assert.ok(!restored.some((o) => o.managementUnitId === other.id));
    assertMatchesSimulator(h);
  });
});
