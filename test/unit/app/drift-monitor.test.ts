import assert from 'node:assert/strict';
import { DriftMonitor, type DriftMonitorOptions } from '../../../src/app/drift-monitor';
import { newOutboxAlert } from '../../../src/app/outbox-alert';
import type { AgentDirectory } from '../../../src/app/ports/agent-directory';
import type { ScheduleCoverageChecker } from '../../../src/app/ports/schedule-coverage-checker';
import type { DriftPolicy } from '../../../src/domain/drift-policy';
import { InMemoryDriftHistoryStore } from '../../../src/storage/history/in-memory-drift-history-store';
import { InMemoryAlertOutbox } from '../../../src/storage/outbox/in-memory-alert-outbox';
import { InMemoryDriftStateStore } from '../../../src/storage/drift-state/in-memory-drift-state-store';
import { MINUTE, T0, makePolicy, observation } from '../../support/drift-fixtures';
import { ManualClock } from '../../support/manual-clock';
import { ManualScheduler } from '../../support/manual-scheduler';
import { RecordingLogger } from '../../support/recording-logger';
import { RecordingNotifier } from '../../support/recording-notifier';

const supervisor = { id: 'sup-1', name: 'Sam Supervisor' };
const episodeId = `a1:${T0}`;

interface Stores {
  readonly clock: ManualClock;
  readonly stateStore: InMemoryDriftStateStore;
  readonly outbox: InMemoryAlertOutbox;
  readonly history: InMemoryDriftHistoryStore;
  readonly notifier: RecordingNotifier;
  readonly logger: RecordingLogger;
}

function makeStores(): Stores {
  const clock = new ManualClock(T0);
  return {
    clock,
    stateStore: new InMemoryDriftStateStore(),
    outbox: new InMemoryAlertOutbox(),
    history: new InMemoryDriftHistoryStore(),
    notifier: new RecordingNotifier(() => clock.now()),
    logger: new RecordingLogger(),
  };
}

function makeMonitor(stores: Stores, extra: Partial<DriftMonitorOptions> & { policy?: DriftPolicy } = {}) {
  const scheduler = new ManualScheduler(stores.clock);
  const monitor = new DriftMonitor({
    clock: stores.clock,
    scheduler,
    stateStore: stores.stateStore,
    outbox: stores.outbox,
    notifier: stores.notifier,
    history: stores.history,
    logger: stores.logger,
    policy: makePolicy(),
    delivery: { random: () => 0.5 },
    ...extra,
  });
  const advanceTo = (at: number) => scheduler.advanceToAsync(at, () => monitor.idle());
  return { monitor, scheduler, advanceTo };
}

async function driftingAgent(stores: Stores, extra: Partial<DriftMonitorOptions> = {}) {
  const harness = makeMonitor(stores, extra);
  // Received 30 s after Genesys's adherenceChangeTime: timing must still count from T0.
  stores.clock.set(T0 + 30_000);
  await harness.monitor.ingest(observation({ observedAt: T0 + 30_000 }));
  return harness;
}

describe('DriftMonitor', () => {
  it('nudges at 6, alerts the supervisor at 10 and records the formal exception at 15 minutes from adherenceChangeTime', async () => {
    const stores = makeStores();
    const { advanceTo } = await driftingAgent(stores);
    await advanceTo(T0 + 20 * MINUTE);
    assert.deepEqual(stores.notifier.sent(T0), ['nudge|agent@6', 'supervisorAlert|supervisorChannel@10']);
    const record = await stores.history.get(episodeId, 'mu1');
    assert.equal(record?.episode.formalExceptionAt, T0 + 15 * MINUTE);
    assert.ok(
      stores.logger.entries.some(
        (e) => e.msg === 'drift became a formal adherence exception' && e.bindings.episodeId === episodeId,
      ),
    );
  });

  it('sends supervisor alerts to Slack too when slackEnabled is true', async () => {
    const stores = makeStores();
    const { advanceTo } = await driftingAgent(stores, { slackEnabled: true });
    await advanceTo(T0 + 11 * MINUTE);
    assert.deepEqual(stores.notifier.sent(T0), [
      'nudge|agent@6',
      'supervisorAlert|supervisorChannel@10',
      'supervisorAlert|slack@10',
    ]);
  });

  it('sends nothing and writes the outcome to history when the agent is back before the nudge', async () => {
    const stores = makeStores();
    const { monitor, advanceTo, scheduler } = await driftingAgent(stores, {
      directory: {
        getAgent: () => ({
          id: 'a1',
          name: 'Ana Agent',
          managementUnitId: 'mu1',
          teamName: 'Billing Tier 1',
        }),
      } as unknown as AgentDirectory,
    });
    stores.clock.set(T0 + 4 * MINUTE);
    await monitor.ingest(observation({ adherenceState: 'InAdherence', adherenceChangedAt: T0 + 4 * MINUTE }));
    await advanceTo(T0 + 30 * MINUTE);
    assert.deepEqual(stores.notifier.deliveries, []);
    assert.equal(scheduler.size(), 0);
    const record = await stores.history.get(episodeId, 'mu1');
    assert.equal(record?.episode.outcome, 'resolvedBeforeNudge');
    assert.equal(record?.agentName, 'Ana Agent');
    assert.equal(record?.teamName, 'Billing Tier 1');
  });

  it('stops escalation when the supervisor acknowledges, and updates the cards', async () => {
    const stores = makeStores();
    const { monitor, advanceTo } = await driftingAgent(stores);
    await advanceTo(T0 + 7 * MINUTE);
    const { result } = await monitor.act('mu1', 'a1', {
      type: 'acknowledge',
      episodeId,
      by: supervisor,
      at: T0 + 7 * MINUTE,
    });
    assert.equal(result, 'applied');
    await advanceTo(T0 + 30 * MINUTE);
    assert.deepEqual(stores.notifier.sent(T0), ['nudge|agent@6']);
    assert.deepEqual(
      stores.notifier.cardUpdates.map((u) => u.change),
      ['acknowledged', 'formalException'],
    );
    assert.equal((await stores.history.get(episodeId, 'mu1'))?.episode.formalExceptionAt, T0 + 15 * MINUTE);
    assert.equal(
      (
        await monitor.act('mu1', 'a1', {
          type: 'acknowledge',
          episodeId,
          by: supervisor,
          at: T0 + 31 * MINUTE,
        })
      ).result,
      'unchanged',
    );
    assert.equal(
      (
        await monitor.act('mu1', 'a1', {
          type: 'acknowledge',
          episodeId: 'a1:1',
          by: supervisor,
          at: T0 + 31 * MINUTE,
        })
      ).result,
      'stale',
    );
  });

  it('re-alerts the supervisor once when the drift outlasts a snooze', async () => {
    const stores = makeStores();
    const { monitor, advanceTo } = await driftingAgent(stores);
    await advanceTo(T0 + 11 * MINUTE);
    await monitor.act('mu1', 'a1', {
      type: 'snooze',
      episodeId,
      by: supervisor,
      at: T0 + 11 * MINUTE,
      until: T0 + 25 * MINUTE,
    });
    await advanceTo(T0 + 60 * MINUTE);
    assert.deepEqual(stores.notifier.sent(T0), [
      'nudge|agent@6',
      'supervisorAlert|supervisorChannel@10',
      'supervisorReAlert|supervisorChannel@25',
    ]);
  });

  it('records approved overtime as suppressed and sends nothing more', async () => {
    const stores = makeStores();
    const { monitor, advanceTo } = await driftingAgent(stores);
    await advanceTo(T0 + 7 * MINUTE);
    await monitor.act('mu1', 'a1', {
      type: 'approveOvertime',
      episodeId,
      by: supervisor,
      at: T0 + 7 * MINUTE,
      until: T0 + 60 * MINUTE,
    });
    await advanceTo(T0 + 40 * MINUTE);
    stores.clock.set(T0 + 41 * MINUTE);
    await monitor.ingest(
      observation({ adherenceState: 'InAdherence', adherenceChangedAt: T0 + 41 * MINUTE }),
    );
    assert.deepEqual(stores.notifier.sent(T0), ['nudge|agent@6']);
    const record = await stores.history.get(episodeId, 'mu1');
    assert.equal(record?.episode.outcome, 'suppressed');
    assert.equal(record?.episode.suppression, 'approvedOvertime');
  });

  it('answers a card action with the episode it produced, and a stale one with none', async () => {
    const stores = makeStores();
    const { monitor, advanceTo } = await driftingAgent(stores);
    await advanceTo(T0 + 11 * MINUTE);
    const acknowledged = await monitor.act('mu1', 'a1', {
      type: 'acknowledge',
      episodeId,
      by: supervisor,
      at: T0 + 11 * MINUTE,
    });
    assert.equal(acknowledged.result, 'applied');
    assert.equal(acknowledged.episode?.id, episodeId);
    assert.deepEqual(acknowledged.episode?.acknowledged, { by: supervisor, at: T0 + 11 * MINUTE });
    assert.equal(acknowledged.episode?.supervisorAlertedAt, T0 + 10 * MINUTE);
    const stale = await monitor.act('mu1', 'a1', {
      type: 'acknowledge',
      episodeId: 'a1:1',
      by: supervisor,
      at: T0 + 12 * MINUTE,
    });
    assert.deepEqual(stale, { result: 'stale' });
  });

  it('adopts a unit without waiting for its pending rows to reach Teams, and sends them after', async () => {
    const stores = makeStores();
    const first = await driftingAgent(stores);
    await first.advanceTo(T0 + 5 * MINUTE);
    first.scheduler.dispose();
    // The unit's nudge is pending (its sender stopped before it went out) and Teams takes its time with it.
    const episode = (await stores.stateStore.get({ managementUnitId: 'mu1', agentId: 'a1' }))!.episode!;
    await stores.outbox.enqueue(newOutboxAlert(episode, 'nudge', 'agent', T0 + 5 * MINUTE));
    let release: () => void = () => undefined;
    const teamsAnswers = new Promise<void>((resolve) => (release = resolve));
    const deliver = stores.notifier.deliver.bind(stores.notifier);
    stores.notifier.deliver = async (alert) => {
      await teamsAnswers;
      return deliver(alert);
    };
    const second = makeMonitor(stores);
    const adoption = await second.monitor.adoptUnit('mu1');
    assert.equal(adoption.agents, 1, 'adopted while the send still waits');
    assert.deepEqual(stores.notifier.deliveries, []);
    release();
    await second.monitor.idle();
    assert.equal(stores.notifier.deliveries.length, 1);
  });

  it('reads stored drift per unit when it adopts one, and never lists every state', async () => {
    const stores = makeStores();
    const first = await driftingAgent(stores);
    await first.advanceTo(T0 + 5 * MINUTE);
    first.scheduler.dispose();
    const listed: Array<string | undefined> = [];
    const list = stores.stateStore.list.bind(stores.stateStore);
    stores.stateStore.list = (managementUnitId?: string) => {
      listed.push(managementUnitId);
      return list(managementUnitId);
    };
    const second = makeMonitor(stores);
    await second.advanceTo(T0 + 7 * MINUTE);
    assert.deepEqual(stores.notifier.deliveries, [], 'nothing is processed before the unit is adopted');
    await second.monitor.adoptUnit('mu1');
    await second.advanceTo(T0 + 7 * MINUTE);
    // Before its catch-up (so a store that keeps copies needs no read per agent) and after it (to re-arm).
    assert.deepEqual(listed, ['mu1', 'mu1']);
    assert.deepEqual(stores.notifier.sent(T0), ['nudge|agent@7']);
  });

  describe('schedule pre-check', () => {
    it("asks with the drift policy's overtime activity codes and suppresses the nudge for overtime", async () => {
      const stores = makeStores();
      const asked: Array<readonly string[]> = [];
      const coverageChecker: ScheduleCoverageChecker = {
        check: async (_agentId, _unitId, _at, overtimeActivityCodeIds) => {
          asked.push(overtimeActivityCodeIds);
          return overtimeActivityCodeIds.includes('code-ot') ? 'overtime' : 'clear';
        },
      };
      const policy = makePolicy({ overtimeActivityCodeIds: ['code-ot'] });
      const { advanceTo } = await driftingAgent(stores, { coverageChecker, policy });
      await advanceTo(T0 + 30 * MINUTE);
      assert.deepEqual(asked, [['code-ot']]);
      assert.deepEqual(stores.notifier.deliveries, []);
      const state = await stores.stateStore.get({ managementUnitId: 'mu1', agentId: 'a1' });
      assert.equal(state?.episode?.suppression, 'overtimeActivity');
    });

    it('asks for the schedule to be fetched when the drift begins, for the instant the nudge falls due', async () => {
      const stores = makeStores();
      const prepared: Array<[string, string, number]> = [];
      const coverageChecker: ScheduleCoverageChecker = {
        check: async () => 'clear',
        prepare: (agentId, unitId, at) => prepared.push([agentId, unitId, at]),
      };
      const { monitor, advanceTo } = await driftingAgent(stores, { coverageChecker });
      await monitor.idle();
      assert.deepEqual(prepared, [['a1', 'mu1', T0 + 6 * MINUTE]]);
      await advanceTo(T0 + 30 * MINUTE);
      assert.equal(prepared.length, 1, 'not again once the nudge went out');
    });

    it('suppresses the nudge when the agent has time off', async () => {
      const stores = makeStores();
      const coverageChecker: ScheduleCoverageChecker = { check: async () => 'timeOff' };
      const { advanceTo } = await driftingAgent(stores, { coverageChecker });
      await advanceTo(T0 + 30 * MINUTE);
      assert.deepEqual(stores.notifier.deliveries, []);
    });

    it('alerts anyway, marked unavailable, when the pre-check throws', async () => {
      const stores = makeStores();
      const coverageChecker: ScheduleCoverageChecker = {
        check: async () => {
          throw new Error('503 from Genesys');
        },
      };
      const { advanceTo } = await driftingAgent(stores, { coverageChecker });
      await advanceTo(T0 + 10 * MINUTE);
      assert.deepEqual(stores.notifier.sent(T0), ['nudge|agent@6', 'supervisorAlert|supervisorChannel@10']);
      assert.equal(stores.notifier.deliveries[1].alert.episode.scheduleCoverage, 'unavailable');
    });
  });

  describe('delivery', () => {
    it('stamps every outbox row with the instant it was due: its threshold, or the snooze end for a re-alert', async () => {
      const stores = makeStores();
      stores.notifier.script('agent', { status: 'throttled', retryAfterMs: 30_000 });
      const { monitor, advanceTo } = await driftingAgent(stores);
      await advanceTo(T0 + 11 * MINUTE);
      await monitor.act('mu1', 'a1', {
        type: 'snooze',
        episodeId,
        by: supervisor,
        at: T0 + 11 * MINUTE,
        until: T0 + 25 * MINUTE,
      });
      await advanceTo(T0 + 30 * MINUTE);
      const dueOf = async (kind: string) =>
        (await stores.outbox.get(`${episodeId}|${kind}|${kind === 'nudge' ? 'agent' : 'supervisorChannel'}`))
          ?.dueAt;
      // The throttled nudge went out at 6.5 minutes; it was due at 6.
      assert.equal(await dueOf('nudge'), T0 + 6 * MINUTE);
      assert.equal(await dueOf('supervisorAlert'), T0 + 10 * MINUTE);
      assert.equal(await dueOf('supervisorReAlert'), T0 + 25 * MINUTE);
    });

    it('retries a throttled nudge after Retry-After and sends it once', async () => {
      const stores = makeStores();
      stores.notifier.script('agent', { status: 'throttled', retryAfterMs: 30_000 });
      const { advanceTo } = await driftingAgent(stores);
      await advanceTo(T0 + 8 * MINUTE);
      assert.deepEqual(stores.notifier.sent(T0), ['nudge|agent@6.5']);
      const row = await stores.outbox.get(`${episodeId}|nudge|agent`);
      assert.equal(row?.status, 'sent');
      assert.equal(row?.attempts, 2);
    });

    it('dead-letters a nudge whose recipient is gone and tells the supervisor card', async () => {
      const stores = makeStores();
      stores.notifier.script('agent', {
        status: 'recipientGone',
        reason: '403 conversation blocked by user',
      });
      const { advanceTo } = await driftingAgent(stores);
      await advanceTo(T0 + 11 * MINUTE);
      const row = await stores.outbox.get(`${episodeId}|nudge|agent`);
      assert.equal(row?.status, 'deadLettered');
      assert.match(row?.lastError ?? '', /403/);
      const update = stores.notifier.cardUpdates.find((u) => u.change === 'deliveryFailed');
      assert.ok(update?.rows.some((r) => r.recipient === 'agent' && r.status === 'deadLettered'));
    });

    it('retries a failed delivery with backoff and dead-letters it after the last attempt', async () => {
      const stores = makeStores();
      const failure = { status: 'failed', reason: '502 from Bot Connector', isRetryable: true } as const;
      stores.notifier.script('agent', failure, failure, failure);
      const { advanceTo } = await driftingAgent(stores, {
        delivery: { maxAttempts: 3, baseBackoffInMs: 10_000, random: () => 0.5 },
      });
      await advanceTo(T0 + 8 * MINUTE);
      const attempts = stores.notifier.deliveries
        .filter((d) => d.alert.recipient === 'agent')
        .map((d) => (d.at - T0 - 6 * MINUTE) / 1000);
      assert.deepEqual(attempts, [0, 7.5, 22.5]);
      assert.equal((await stores.outbox.get(`${episodeId}|nudge|agent`))?.status, 'deadLettered');
      assert.ok(stores.logger.entries.some((e) => e.level === 'error' && e.msg === 'alert dead-lettered'));
    });

    it('dead-letters at once a failure that is not retryable', async () => {
      const stores = makeStores();
      stores.notifier.script('agent', { status: 'failed', reason: '400 bad card', isRetryable: false });
      const { advanceTo } = await driftingAgent(stores);
      await advanceTo(T0 + 7 * MINUTE);
      assert.equal(stores.notifier.deliveries.length, 1);
      assert.equal((await stores.outbox.get(`${episodeId}|nudge|agent`))?.status, 'deadLettered');
    });
  });

  describe('restart', () => {
    it('re-arms the drift clock with the time left and neither loses nor repeats an alert', async () => {
      const stores = makeStores();
      const first = await driftingAgent(stores);
      await first.advanceTo(T0 + 8 * MINUTE);
      first.scheduler.dispose();
      // Down for four minutes: the supervisor alert fell due while nothing ran.
      stores.clock.set(T0 + 12 * MINUTE);
      const second = makeMonitor(stores);
      await second.monitor.adoptUnit('mu1');
      await second.advanceTo(T0 + 12 * MINUTE);
      assert.deepEqual(stores.notifier.sent(T0), ['nudge|agent@6', 'supervisorAlert|supervisorChannel@12']);
      assert.equal(second.scheduler.dueAt('agent:a1'), T0 + 15 * MINUTE);
      await second.advanceTo(T0 + 30 * MINUTE);
      assert.equal(stores.notifier.deliveries.length, 2);
    });

    it('delivers a nudge whose state was written but whose outbox row was not (crash between the two)', async () => {
      const stores = makeStores();
      const first = await driftingAgent(stores);
      await first.advanceTo(T0 + 5 * MINUTE);
      first.scheduler.dispose();
      // Simulate the crash window: the state says nudged, the outbox has nothing.
      await stores.stateStore.modify({ managementUnitId: 'mu1', agentId: 'a1' }, (current) => ({
        next: {
          ...current!,
          episode: { ...current!.episode!, stage: 'nudged', nudgedAt: T0 + 6 * MINUTE },
          nextDueAt: T0 + 10 * MINUTE,
        },
        result: undefined,
      }));
      stores.clock.set(T0 + 7 * MINUTE);
      const second = makeMonitor(stores);
      await second.monitor.adoptUnit('mu1');
      await second.monitor.idle();
      assert.deepEqual(stores.notifier.sent(T0), ['nudge|agent@7']);
      // Raised again at 7 minutes, still due at the nudge threshold.
      assert.equal(stores.notifier.deliveries[0].alert.dueAt, T0 + 6 * MINUTE);
      await second.advanceTo(T0 + 11 * MINUTE);
      assert.deepEqual(stores.notifier.sent(T0), ['nudge|agent@7', 'supervisorAlert|supervisorChannel@10']);
    });

    it('does not send again a row that was already sent', async () => {
      const stores = makeStores();
      const first = await driftingAgent(stores);
      await first.advanceTo(T0 + 7 * MINUTE);
      first.scheduler.dispose();
      const second = makeMonitor(stores);
      await second.monitor.adoptUnit('mu1');
      await second.monitor.idle();
      assert.equal(stores.notifier.deliveries.length, 1);
    });
  });

  describe('mass schedule change', () => {
    const policy = makePolicy({
      dampening: { windowMs: 60_000, massChangeAgents: 3, massChangeWithinMs: 10_000 },
    });

    it('holds a burst of changes and starts their drift clocks when the window closes', async () => {
      const stores = makeStores();
      const { monitor, advanceTo } = makeMonitor(stores, { policy });
      // a0 was drifting long before the burst: its clock must not move.
      await monitor.ingest(
        observation({ agentId: 'a0', adherenceChangedAt: T0 - 3 * MINUTE, observedAt: T0 }),
      );
      stores.clock.set(T0 + 2_000);
      for (const agentId of ['a1', 'a2', 'a3'])
        await monitor.ingest(observation({ agentId, adherenceChangedAt: T0 + 1_000 }));
      // a2 is back inside the window: it gets nothing.
      await monitor.ingest(
        observation({
          agentId: 'a2',
          adherenceState: 'InAdherence',
          adherenceChangedAt: T0 + 20_000,
          observedAt: T0 + 21_000,
        }),
      );
      await advanceTo(T0 + 2_000 + 60_000 + 6 * MINUTE - 1);
      const nudgedAgents = () =>
        stores.notifier.deliveries
          .filter((d) => d.alert.kind === 'nudge')
          .map((d) => `${d.alert.agentId}@${(d.at - T0) / 1000}`)
          .sort();
      assert.deepEqual(nudgedAgents(), ['a0@180']);
      await advanceTo(T0 + 2_000 + 60_000 + 6 * MINUTE);
      assert.deepEqual(nudgedAgents(), ['a0@180', 'a1@422', 'a3@422']);
    });

    it('holds a unit after a schedule-change signal and applies only the newest observation per agent', async () => {
      const stores = makeStores();
      const { monitor, advanceTo, scheduler } = makeMonitor(stores, { policy });
      await monitor.signalScheduleChange('mu1');
      assert.equal(scheduler.dueAt('unit:mu1'), T0 + 60_000);
      stores.clock.set(T0 + 5_000);
      await monitor.ingest(observation({ adherenceChangedAt: T0 + 4_000 }));
      await monitor.ingest(
        observation({
          adherenceState: 'InAdherence',
          adherenceChangedAt: T0 + 9_000,
          observedAt: T0 + 9_500,
        }),
      );
      assert.equal(await stores.stateStore.get({ managementUnitId: 'mu1', agentId: 'a1' }), undefined);
      await advanceTo(T0 + 30 * MINUTE);
      assert.deepEqual(stores.notifier.deliveries, []);
      assert.equal(
        (await stores.stateStore.get({ managementUnitId: 'mu1', agentId: 'a1' }))?.lastAdherenceState,
        'InAdherence',
      );
    });
  });
});
