import assert from 'node:assert/strict';
import type { LeaseStore } from '../../../src/app/ports/lease-store';
import type { Scheduler } from '../../../src/platform/clock';
import { LeaseCoordinator, type LeaseCoordinatorOptions } from '../../../src/app/lease-coordinator';
import { InMemoryLeaseStore } from '../../../src/storage/leases/in-memory-lease-store';
import { ManualClock } from '../../support/manual-clock';
import { ManualScheduler } from '../../support/manual-scheduler';
import { RecordingLogger } from '../../support/recording-logger';

const start = Date.UTC(2025, 5, 1, 8, 0, 0);

interface Instance {
  readonly coordinator: LeaseCoordinator;
  readonly scheduler: Scheduler;
  readonly events: string[];
}

describe('LeaseCoordinator', () => {
  let clock: ManualClock;
  /** Shared by every instance, each through its own scoped view, so their tasks fire in one deadline order. */
  let time: ManualScheduler;
  let leases: LeaseStore;
  let instances: Instance[];

  const anInstance = (instanceId: string, overrides: Partial<LeaseCoordinatorOptions> = {}): Instance => {
    const events: string[] = [];
    const scheduler = time.scoped(instanceId);
    const coordinator = new LeaseCoordinator({
      leases,
      clock,
      scheduler,
      logger: new RecordingLogger(),
      instanceId,
      unitIds: ['mu-1', 'mu-2'],
      onAcquired: (unitId) => events.push(`acquired ${unitId}`),
      onLost: (unitId) => events.push(`lost ${unitId}`),
      ...overrides,
    });
    const instance = { coordinator, scheduler, events };
    instances.push(instance);
    return instance;
  };
  const advanceBy = (ms: number): Promise<number> =>
    time.advanceByAsync(
      ms,
      async () => void (await Promise.all(instances.map((i) => i.coordinator.settled()))),
    );

  beforeEach(() => {
    clock = new ManualClock(start);
    time = new ManualScheduler(clock);
    leases = new InMemoryLeaseStore();
    instances = [];
  });

  it('takes every free unit at start and reports each once, however often it renews', async () => {
    const a = anInstance('a');
    a.coordinator.start();
    await advanceBy(60_000);
    assert.deepEqual(a.events, ['acquired mu-1', 'acquired mu-2']);
    assert.equal(a.coordinator.owns('mu-1'), true);
    assert.deepEqual(a.coordinator.ownedUnitIds().sort(), ['mu-1', 'mu-2']);
  });

  it('gives a second instance nothing while the first keeps renewing', async () => {
    const a = anInstance('a');
    const b = anInstance('b');
    a.coordinator.start();
    await advanceBy(0);
    b.coordinator.start();
    await advanceBy(120_000);
    assert.deepEqual(b.events, []);
    assert.equal(b.coordinator.owns('mu-1'), false);
    assert.deepEqual(a.coordinator.ownedUnitIds().sort(), ['mu-1', 'mu-2']);
  });

  it('lets another instance take over within 30 s of the owner crashing', async () => {
    const a = anInstance('a');
    const b = anInstance('b');
    a.coordinator.start();
    await advanceBy(0);
    b.coordinator.start();
    await advanceBy(7_000);
    a.scheduler.dispose(); // a crash: no more renewals, no release
    const crashedAt = clock.now();
    let takenOverAt: number | undefined;
    for (let step = 0; step < 40 && takenOverAt === undefined; step += 1) {
      await advanceBy(1_000);
      if (b.coordinator.owns('mu-1') && b.coordinator.owns('mu-2')) takenOverAt = clock.now();
    }
    assert.ok(
      takenOverAt !== undefined && takenOverAt - crashedAt <= 30_000,
      `taken over after ${takenOverAt! - crashedAt} ms`,
    );
    assert.equal(a.coordinator.owns('mu-1'), false);
  });

  it('releases its leases on stop so another instance takes over at its next round', async () => {
    const a = anInstance('a');
    const b = anInstance('b');
    a.coordinator.start();
    await advanceBy(0);
    b.coordinator.start();
    await advanceBy(1_000);
    await a.coordinator.stop();
    assert.deepEqual(a.events.slice(2).sort(), ['lost mu-1', 'lost mu-2']);
    assert.equal(a.coordinator.owns('mu-1'), false);
    await advanceBy(5_000);
    assert.deepEqual(b.coordinator.ownedUnitIds().sort(), ['mu-1', 'mu-2']);
  });

  it('stops owning a unit the moment another instance holds it', async () => {
    const a = anInstance('a', { unitIds: ['mu-1'] });
    a.coordinator.start();
    await advanceBy(0);
    // Another instance steals the lease as if a's renewals had stalled beyond the ttl.
    await leases.release('mu-1', 'a');
    await leases.acquire('mu-1', 'thief', 20_000, clock.now());
    await advanceBy(5_000);
    assert.equal(a.coordinator.owns('mu-1'), false);
    assert.deepEqual(a.events, ['acquired mu-1', 'lost mu-1']);
  });

  it('keeps a unit while storage fails only until the lease runs out', async () => {
    let isDown = false;
    const inner = new InMemoryLeaseStore();
    leases = {
      acquire: (...args) => (isDown ? Promise.reject(new Error('storage down')) : inner.acquire(...args)),
      release: (resource, owner) => inner.release(resource, owner),
      list: () => inner.list(),
    };
    const a = anInstance('a', { unitIds: ['mu-1'] });
    a.coordinator.start();
    await advanceBy(0);
    isDown = true;
    await advanceBy(19_999);
    assert.equal(a.coordinator.owns('mu-1'), true);
    await advanceBy(1);
    assert.equal(a.coordinator.owns('mu-1'), false);
    await advanceBy(5_000);
    assert.deepEqual(a.events, ['acquired mu-1', 'lost mu-1']);
    isDown = false;
    await advanceBy(5_000);
    assert.deepEqual(a.events, ['acquired mu-1', 'lost mu-1', 'acquired mu-1']);
  });

  it('drops and releases a unit removed from its set', async () => {
    const a = anInstance('a');
    a.coordinator.start();
    await advanceBy(0);
    await a.coordinator.setUnitIds(['mu-1']);
    assert.deepEqual(a.events, ['acquired mu-1', 'acquired mu-2', 'lost mu-2']);
    assert.equal((await leases.acquire('mu-2', 'b', 20_000, clock.now()))?.owner, 'b');
  });

  it('rejects a renew period that is not shorter than the ttl', () => {
    assert.throws(
      () => anInstance('a', { ttlMs: 5_000, renewEveryMs: 5_000 }),
      /renewEveryMs must be shorter than ttlMs/,
    );
  });

  it('takes a unit released by a draining owner within its watch period, not at its next round', async () => {
    const a = anInstance('a');
    const b = anInstance('b');
    a.coordinator.start();
    await advanceBy(0);
    b.coordinator.start();
    await advanceBy(100);
    // B's next acquire round is 4.9 s away; its watch looks every 500 ms.
    await a.coordinator.stop();
    await advanceBy(500);
    assert.deepEqual(b.coordinator.ownedUnitIds().sort(), ['mu-1', 'mu-2']);
    assert.deepEqual(b.events.sort(), ['acquired mu-1', 'acquired mu-2']);
  });

  it('looks for free leases with one list per watch period while it lacks a unit, and not at all once it holds every unit', async () => {
    let lists = 0;
    const inner = new InMemoryLeaseStore();
    leases = {
      acquire: (...args) => inner.acquire(...args),
      release: (resource, owner) => inner.release(resource, owner),
      list: () => {
        lists += 1;
        return inner.list();
      },
    };
    const a = anInstance('a');
    const b = anInstance('b');
    a.coordinator.start();
    await advanceBy(0);
    b.coordinator.start();
    await advanceBy(10_000);
    // Only B lacks units: one look every 500 ms, one storage query each.
    assert.equal(lists, 20);
    await a.coordinator.stop();
    await advanceBy(1_000);
    assert.deepEqual(b.coordinator.ownedUnitIds().sort(), ['mu-1', 'mu-2']);
    const afterTakeover = lists;
    await advanceBy(10_000);
    assert.equal(lists, afterTakeover);
  });

  it('takes no new unit once draining, while renewing the units it holds until it stops', async () => {
    const a = anInstance('a', { unitIds: ['mu-1', 'mu-2'] });
    await leases.acquire('mu-2', 'other', 20_000, clock.now());
    a.coordinator.start();
    await advanceBy(0);
    assert.deepEqual(a.coordinator.ownedUnitIds(), ['mu-1']);
    await a.coordinator.stopAcquiring();
    await leases.release('mu-2', 'other');
    await advanceBy(60_000);
    assert.deepEqual(a.coordinator.ownedUnitIds(), ['mu-1']);
    assert.deepEqual(a.events, ['acquired mu-1']);
    await a.coordinator.stop();
    assert.deepEqual(a.events, ['acquired mu-1', 'lost mu-1']);
    assert.equal((await leases.acquire('mu-1', 'b', 20_000, clock.now()))?.owner, 'b');
  });
});
