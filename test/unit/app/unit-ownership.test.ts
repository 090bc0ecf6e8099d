import assert from 'node:assert/strict';
import { DriftMonitor } from '../../../src/app/drift-monitor';
import type { Lease, LeaseStore } from '../../../src/app/ports/lease-store';
import type { Scheduler } from '../../../src/platform/clock';
import { UnitOwnership } from '../../../src/app/unit-ownership';
import type { AdherenceObservation } from '../../../src/domain/adherence-observation';
import { agentCheckKey } from '../../../src/domain/drift-engine';
import { InMemoryDriftStateStore } from '../../../src/storage/drift-state/in-memory-drift-state-store';
import { InMemoryDriftHistoryStore } from '../../../src/storage/history/in-memory-drift-history-store';
import { InMemoryLeaseStore } from '../../../src/storage/leases/in-memory-lease-store';
import { InMemoryAlertOutbox } from '../../../src/storage/outbox/in-memory-alert-outbox';
import { MINUTE, T0, makePolicy, observation } from '../../support/drift-fixtures';
import { ManualClock } from '../../support/manual-clock';
import { ManualScheduler } from '../../support/manual-scheduler';
import { RecordingLogger } from '../../support/recording-logger';
import { RecordingNotifier } from '../../support/recording-notifier';

const SECOND = 1_000;
const units = ['mu1', 'mu2'];

/** Leases where a test can make another instance hold a unit (the owner's next renewal then fails). */
class StealableLeaseStore implements LeaseStore {
  readonly inner = new InMemoryLeaseStore();
  readonly stolen = new Set<string>();

  acquire(resource: string, owner: string, ttlMs: number, now: number): Promise<Lease | undefined> {
    if (this.stolen.has(resource)) return Promise.resolve(undefined);
    return this.inner.acquire(resource, owner, ttlMs, now);
  }

  release(resource: string, owner: string): Promise<void> {
    return this.inner.release(resource, owner);
  }

  list(): AsyncIterable<Lease> {
    return this.inner.list();
  }
}

interface Instance {
  readonly instanceId: string;
  readonly ownership: UnitOwnership;
  readonly monitor: DriftMonitor;
  readonly scheduler: Scheduler;
  readonly restores: string[];
  /** False once a test lets the instance's work hang (a send in flight when it dies): nobody waits for it. */
  isAwaited: boolean;
}

function makeWorld() {
  const clock = new ManualClock(T0 - MINUTE);
  const scheduler = new ManualScheduler(clock);
  const shared = {
    clock,
    scheduler,
    stateStore: new InMemoryDriftStateStore(),
    outbox: new InMemoryAlertOutbox(),
    history: new InMemoryDriftHistoryStore(),
    leases: new StealableLeaseStore(),
    notifier: new RecordingNotifier(() => clock.now()),
    logger: new RecordingLogger(),
  };
  const instances: Instance[] = [];
  const makeInstance = (
    instanceId: string,
    restored: (unitId: string) => AdherenceObservation[] = () => [],
  ): Instance => {
    const own = scheduler.scoped(instanceId);
    const logger = shared.logger.child({ instanceId });
    const ownership = new UnitOwnership({
      ...shared,
      scheduler: own,
      logger,
      instanceId,
      unitIds: units,
      restoreUnit: (unitId) => restore(unitId),
    });
    const monitor = new DriftMonitor({
      ...shared,
      scheduler: own,
      logger,
      policy: makePolicy(),
      delivery: { random: () => 0.5 },
      units: ownership,
    });
    const restores: string[] = [];
    const restore = async (unitId: string): Promise<void> => {
      restores.push(unitId);
      for (const o of restored(unitId))
        await monitor.ingest({ ...o, source: 'restore', observedAt: clock.now() });
    };
    const instance: Instance = { instanceId, ownership, monitor, scheduler: own, restores, isAwaited: true };
    instances.push(instance);
    return instance;
  };
  const settle = async (): Promise<void> => {
    for (let round = 0; round < 3; round += 1) {
      await Promise.all(
        instances
          .filter((i) => i.isAwaited)
          .map(async (i) => Promise.all([i.ownership.idle(), i.monitor.idle()])),
      );
    }
  };
  const advanceTo = (at: number) => scheduler.advanceToAsync(at, settle);
  /** Starts an instance as the composition root does: the leases, each unit taken adopted by the monitor. */
  const startInstance = async (instance: Instance): Promise<void> => {
    instance.ownership.start(instance.monitor);
    await scheduler.runDueAsync(settle);
  };
  /** Every running instance receives each Genesys observation (each streams every unit). */
  const observe = async (o: AdherenceObservation, to = instances) => {
    for (const instance of to) await instance.monitor.ingest(o);
  };
  /** Starts A then B (A takes every unit) and has agent a1 drift at T0, observed a second later. */
  const startTwoWithDrift = async (
    restoredOnB?: (unitId: string) => AdherenceObservation[],
  ): Promise<{ a: Instance; b: Instance }> => {
    const a = makeInstance('A');
    const b = makeInstance('B', restoredOnB);
    await startInstance(a);
    await startInstance(b);
    await advanceTo(T0 + SECOND);
    await observe(observation());
    return { a, b };
  };
  return { ...shared, makeInstance, startInstance, advanceTo, observe, settle, startTwoWithDrift };
}

describe('UnitOwnership with the DriftMonitor', () => {
  it('processes each unit on exactly one of two instances, with no duplicate alert', async () => {
    const world = makeWorld();
    const a = world.makeInstance('A');
    const b = world.makeInstance('B');
    await world.startInstance(a);
    await world.startInstance(b);
    assert.deepEqual(a.ownership.coordinator.ownedUnitIds(), units);
    assert.deepEqual(b.ownership.coordinator.ownedUnitIds(), []);
    await world.advanceTo(T0 + SECOND);
    await world.observe(observation());
    await world.advanceTo(T0 + 12 * MINUTE);
    assert.deepEqual(world.notifier.sent(T0), ['nudge|agent@6', 'supervisorAlert|supervisorChannel@10']);
    assert.equal(b.monitor.droppedObservations, 1);
    assert.equal(a.monitor.droppedObservations, 0);
  });

  it('stops nudging for a unit at once when the instance loses its lease', async () => {
    const world = makeWorld();
    const a = world.makeInstance('A');
    await world.startInstance(a);
    await world.advanceTo(T0 + SECOND);
    await world.observe(observation());
    assert.equal(a.scheduler.dueAt(agentCheckKey('a1')), T0 + 6 * MINUTE);
    world.leases.stolen.add('mu1');
    // The next renewal round (every 5 s) finds the unit held by someone else.
    await world.advanceTo(T0 + 5 * MINUTE);
    assert.equal(a.ownership.ownsUnit('mu1'), false);
    assert.equal(a.scheduler.dueAt(agentCheckKey('a1')), undefined);
    await world.observe(observation({ adherenceChangedAt: T0 + 5 * MINUTE, actualActivityCategory: 'Meal' }));
    assert.equal(a.monitor.droppedObservations, 1);
    // A click that lands on this replica is still applied (the owner reads it), but schedules nothing here.
    assert.equal(
      (
        await a.monitor.act('mu1', 'a1', {
          type: 'acknowledge',
          episodeId: `a1:${T0}`,
          by: { id: 'sup' },
          at: world.clock.now(),
        })
      ).result,
      'applied',
    );
    assert.equal(a.scheduler.dueAt(agentCheckKey('a1')), undefined);
    await world.advanceTo(T0 + 20 * MINUTE);
    assert.deepEqual(world.notifier.deliveries, []);
  });

  it('stops nudging when renewals fail and the lease runs out before the nudge', async () => {
    const world = makeWorld();
    const a = world.makeInstance('A');
    await world.startInstance(a);
    await world.advanceTo(T0 + SECOND);
    await world.observe(observation());
    // Storage stops answering: renewals fail, and the lease (20 s) runs out well before the 6-minute nudge.
    const realAcquire = world.leases.acquire.bind(world.leases);
    world.leases.acquire = () => Promise.reject(new Error('storage unreachable'));
    await world.advanceTo(T0 + 7 * MINUTE);
    world.leases.acquire = realAcquire;
    assert.equal(a.ownership.ownsUnit('mu1'), false);
    assert.deepEqual(world.notifier.deliveries, []);
  });

  it("takes over a crashed owner's unit, re-arms with the time left and alerts at the thresholds, exactly once", async () => {
    const world = makeWorld();
    const { a, b } = await world.startTwoWithDrift();
    await world.advanceTo(T0 + 4 * MINUTE);
    a.scheduler.dispose();
    await world.advanceTo(T0 + 30 * MINUTE);
    assert.deepEqual(world.notifier.sent(T0), ['nudge|agent@6', 'supervisorAlert|supervisorChannel@10']);
    assert.deepEqual(b.ownership.coordinator.ownedUnitIds(), units);
    assert.deepEqual(b.restores.sort(), units);
    const takeover = world.logger.entries.find(
      (e) => e.msg === 'management unit adopted' && e.bindings.instanceId === 'B',
    );
    assert.ok(takeover, 'B logs the adoption');
  });

  it('sends on adoption what fell due while nobody owned the unit, exactly once', async () => {
    const world = makeWorld();
    const { a } = await world.startTwoWithDrift();
    await world.advanceTo(T0 + 5 * MINUTE + 55 * SECOND);
    a.scheduler.dispose();
    await world.advanceTo(T0 + 8 * MINUTE);
    const nudges = world.notifier.deliveries.filter((d) => d.alert.kind === 'nudge');
    assert.equal(nudges.length, 1);
    // A's lease (20 s) ran out after the 6-minute mark; B's next round took the unit and sent the nudge at once.
    assert.ok(
      nudges[0].at > T0 + 6 * MINUTE && nudges[0].at <= T0 + 6 * MINUTE + 30 * SECOND,
      `nudge at ${nudges[0].at - T0} ms`,
    );
  });

  it('delivers on adoption a pending row the crashed owner was retrying, exactly once', async () => {
    const world = makeWorld();
    world.notifier.script('agent', { status: 'throttled', retryAfterMs: 60 * SECOND });
    const { a } = await world.startTwoWithDrift();
    await world.advanceTo(T0 + 6 * MINUTE + 10 * SECOND);
    a.scheduler.dispose();
    await world.advanceTo(T0 + 9 * MINUTE);
    assert.deepEqual(
      world.notifier.deliveries.map((d) => `${d.alert.kind}:${d.result.status}@${(d.at - T0) / SECOND}s`),
      ['nudge:throttled@360s', 'nudge:sent@420s'],
    );
  });

  it('sends again at once on adoption a row whose sender stopped mid-send, marked in doubt', async () => {
    const world = makeWorld();
    const deliver = world.notifier.deliver.bind(world.notifier);
    let isHanging = true;
    // A's send never returns (the process dies with the request in flight); the row stays claimed.
    world.notifier.deliver = (alert) => (isHanging ? new Promise(() => undefined) : deliver(alert));
    const { a } = await world.startTwoWithDrift();
    a.isAwaited = false;
    await world.advanceTo(T0 + 6 * MINUTE + SECOND);
    a.scheduler.dispose();
    isHanging = false;
    await world.advanceTo(T0 + 7 * MINUTE);
    const row = await world.outbox.get(`a1:${T0}|nudge|agent`);
    assert.equal(row?.status, 'sent');
    assert.equal(row?.attempts, 2);
    assert.match(row?.lastError ?? '', /^in doubt/);
    // Sent once A's lease (20 s) ran out and B took the unit, not after the 2-minute claim.
    assert.ok(row.sentAt! < T0 + 6 * MINUTE + 30 * SECOND, `sent at ${row.sentAt! - T0} ms`);
  });

  it('catches up with Genesys on adoption: an agent who came back while nobody owned the unit is not nudged', async () => {
    const world = makeWorld();
    const back = observation({
      adherenceState: 'InAdherence',
      adherenceChangedAt: T0 + 4 * MINUTE + 30 * SECOND,
      actualActivityCategory: 'OnQueueWork',
    });
    const { a, b } = await world.startTwoWithDrift((unitId) => (unitId === 'mu1' ? [back] : []));
    await world.advanceTo(T0 + 4 * MINUTE);
    a.scheduler.dispose();
    // The return happened while A was dead and B did not own the unit yet: B drops the event, and learns it from the restore.
    await world.advanceTo(T0 + 4 * MINUTE + 30 * SECOND);
    await world.observe(back, [b]);
    await world.advanceTo(T0 + 20 * MINUTE);
    assert.deepEqual(world.notifier.deliveries, []);
    assert.equal((await world.history.get(`a1:${T0}`, 'mu1'))?.episode.outcome, 'resolvedBeforeNudge');
  });

  it('releases its units on stop so another instance takes over at its next round', async () => {
    const world = makeWorld();
    const { a, b } = await world.startTwoWithDrift();
    await a.monitor.stop();
    await a.ownership.stop();
    await world.advanceTo(T0 + 10 * SECOND);
    assert.deepEqual(b.ownership.coordinator.ownedUnitIds(), units);
    await world.advanceTo(T0 + 7 * MINUTE);
    assert.deepEqual(world.notifier.sent(T0), ['nudge|agent@6']);
  });

  it('hands back the lease of a unit that vanished once its drift is ended, and no instance takes it again', async () => {
    const world = makeWorld();
    const { a, b } = await world.startTwoWithDrift();
    await world.advanceTo(T0 + 7 * MINUTE);
    assert.equal(await a.monitor.retireUnit('mu1'), 1);
    assert.equal(await b.monitor.retireUnit('mu1'), 0, 'only the owner ends the drift');
    assert.equal(a.ownership.ownsUnit('mu1'), false);
    assert.equal(a.scheduler.dueAt(agentCheckKey('a1')), undefined);
    assert.equal((await world.history.get(`a1:${T0}`, 'mu1'))?.episode.outcome, 'removedFromUnit');
    await world.advanceTo(T0 + 30 * MINUTE);
    assert.deepEqual(a.ownership.coordinator.ownedUnitIds(), ['mu2']);
    assert.deepEqual(b.ownership.coordinator.ownedUnitIds(), []);
    const holders: string[] = [];
    for await (const lease of world.leases.list())
      if (lease.expiresAt > world.clock.now()) holders.push(lease.resource);
    assert.deepEqual(holders, ['mu2']);
    assert.deepEqual(world.notifier.sent(T0), ['nudge|agent@6']);
  });
});
