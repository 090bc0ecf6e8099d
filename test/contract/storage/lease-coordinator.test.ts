import assert from 'node:assert/strict';
import type { Clock, LeaseStore, Logger, Scheduler } from '../../../src/app/ports';
import { LeaseCoordinator } from '../../../src/app/lease-coordinator';
import { InMemoryLeaseStore } from '../../../src/storage/leases/in-memory-lease-store';
import { TableLeaseStore } from '../../../src/storage/leases/table-lease-store';
import { createTestTableService } from '../../support/azurite';
import { collect } from './storage-fixtures';

/** A minimal manual clock with one scheduler per instance (the shared test/support one is being written elsewhere). */
class ManualTime implements Clock {
  private readonly tasks = new Map<string, { dueAt: number; task: () => void }>();
  constructor(private current: number) {}
  now(): number {
    return this.current;
  }
  scheduler(name: string): Scheduler {
    const id = (key: string): string => `${name}\u0000${key}`;
    const mine = (): string[] => [...this.tasks.keys()].filter((key) => key.startsWith(`${name}\u0000`));
    return {
      schedule: (key, dueAt, task) => void this.tasks.set(id(key), { dueAt, task }),
      cancel: (key) => void this.tasks.delete(id(key)),
      dueAt: (key) => this.tasks.get(id(key))?.dueAt,
      size: () => mine().length,
      dispose: () => mine().forEach((key) => this.tasks.delete(key)),
    };
  }
  async advanceBy(ms: number, settle: () => Promise<void>): Promise<void> {
    const target = this.current + ms;
    for (;;) {
      const next = [...this.tasks.entries()].filter(([, t]) => t.dueAt <= target).sort(([, a], [, b]) => a.dueAt - b.dueAt)[0];
      if (!next) break;
      this.tasks.delete(next[0]);
      this.current = Math.max(this.current, next[1].dueAt);
      next[1].task();
      await settle();
    }
    this.current = target;
  }
}

const quietLogger: Logger = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined, child: () => quietLogger };
const units = ['mu-1', 'mu-2', 'mu-3'];

function describeTwoCoordinators(name: string, createStore: () => Promise<LeaseStore>): void {
  describe(`LeaseCoordinator with two instances: ${name}`, () => {
    it('has each unit owned by exactly one instance, and the survivor takes all within 30 s of a crash', async () => {
      const leases = await createStore();
      const time = new ManualTime(Date.UTC(2025, 5, 1, 8, 0, 0));
      const schedulers = { a: time.scheduler('a'), b: time.scheduler('b') };
      const make = (instanceId: 'a' | 'b'): LeaseCoordinator =>
        new LeaseCoordinator({ leases, clock: time, scheduler: schedulers[instanceId], logger: quietLogger, instanceId, unitIds: units });
      const a = make('a');
      const b = make('b');
      const advanceBy = (ms: number): Promise<void> => time.advanceBy(ms, async () => void (await Promise.all([a.settled(), b.settled()])));

      a.start();
      b.start();
      for (let second = 0; second < 30; second += 1) {
        await advanceBy(1_000);
        for (const unit of units) assert.equal(Number(a.owns(unit)) + Number(b.owns(unit)), 1, `${unit} at +${second + 1} s`);
      }

      schedulers.a.dispose(); // a crashes: no renewals, no release
      const crashedAt = time.now();
      while (b.ownedUnitIds().length < units.length && time.now() - crashedAt <= 60_000) await advanceBy(1_000);
      assert.ok(time.now() - crashedAt <= 30_000, `took ${time.now() - crashedAt} ms`);
      assert.deepEqual(a.ownedUnitIds(), []);
      assert.deepEqual((await collect(leases.list())).map((lease) => lease.owner), ['b', 'b', 'b']);
      await b.stop();
      assert.deepEqual(await collect(leases.list()), []);
    });
  });
}

describeTwoCoordinators('in memory', async () => new InMemoryLeaseStore());
describeTwoCoordinators('Azure Table on Azurite', async () => new TableLeaseStore((await createTestTableService(['Leases'])).client('Leases')));
