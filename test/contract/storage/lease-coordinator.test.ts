import assert from 'node:assert/strict';
import type { LeaseStore } from '../../../src/app/ports/lease-store';
import { LeaseCoordinator } from '../../../src/app/lease-coordinator';
import { InMemoryLeaseStore } from '../../../src/storage/leases/in-memory-lease-store';
import { TableLeaseStore } from '../../../src/storage/leases/table-lease-store';
import { createTestTableService } from '../../support/azurite';
import { ManualClock } from '../../support/manual-clock';
import { ManualScheduler } from '../../support/manual-scheduler';
import { RecordingLogger } from '../../support/recording-logger';
import { collect } from '../../support/storage-fixtures';

const units = ['mu-1', 'mu-2', 'mu-3'];

function describeTwoCoordinators(name: string, createStore: () => Promise<LeaseStore>): void {
  describe(`LeaseCoordinator with two instances: ${name}`, () => {
    it('has each unit owned by exactly one instance, and the survivor takes all within 30 s of a crash', async () => {
      const leases = await createStore();
      const clock = new ManualClock(Date.UTC(2025, 5, 1, 8, 0, 0));
      const time = new ManualScheduler(clock);
      const schedulers = { a: time.scoped('a'), b: time.scoped('b') };
      const make = (instanceId: 'a' | 'b'): LeaseCoordinator =>
        new LeaseCoordinator({
          leases,
          clock,
          scheduler: schedulers[instanceId],
          logger: new RecordingLogger(),
          instanceId,
          unitIds: units,
        });
      const a = make('a');
      const b = make('b');
      const advanceBy = (ms: number): Promise<number> =>
        time.advanceByAsync(ms, async () => void (await Promise.all([a.settled(), b.settled()])));

      a.start();
      b.start();
      for (let second = 0; second < 30; second += 1) {
        await advanceBy(1_000);
        for (const unit of units)
          assert.equal(Number(a.owns(unit)) + Number(b.owns(unit)), 1, `${unit} at +${second + 1} s`);
      }

      schedulers.a.dispose(); // a crashes: no renewals, no release
      const crashedAt = clock.now();
      while (b.ownedUnitIds().length < units.length && clock.now() - crashedAt <= 60_000)
        await advanceBy(1_000);
      assert.ok(clock.now() - crashedAt <= 30_000, `took ${clock.now() - crashedAt} ms`);
      assert.deepEqual(a.ownedUnitIds(), []);
      assert.deepEqual(
        (await collect(leases.list())).map((lease) => lease.owner),
        ['b', 'b', 'b'],
      );
      await b.stop();
      assert.deepEqual(await collect(leases.list()), []);
    });
  });
}

describeTwoCoordinators('in memory', async () => new InMemoryLeaseStore());
describeTwoCoordinators(
  'Azure Table on Azurite',
  async () => new TableLeaseStore((await createTestTableService(['Leases'])).client('Leases')),
);
