import assert from 'node:assert/strict';
import type { LeaseStore } from '../../../src/app/ports/lease-store';
import { InMemoryLeaseStore } from '../../../src/storage/leases/in-memory-lease-store';
import { TableLeaseStore } from '../../../src/storage/leases/table-lease-store';
import { createTestTableService } from '../../support/azurite';
import { baseInstant, collect } from '../../support/storage-fixtures';

const ttlMs = 20_000;

/** The LeaseStore contract, run against every implementation. */
export function describeLeaseStoreContract(name: string, createStore: () => Promise<LeaseStore>): void {
  describe(`LeaseStore contract: ${name}`, () => {
    let store: LeaseStore;
    beforeEach(async () => {
      store = await createStore();
    });

    it('grants a free lease and refuses it to another owner until it expires', async () => {
      assert.deepEqual(await store.acquire('mu-1', 'instance-a', ttlMs, baseInstant), {
        resource: 'mu-1',
        owner: 'instance-a',
        expiresAt: baseInstant + ttlMs,
      });
      assert.equal(await store.acquire('mu-1', 'instance-b', ttlMs, baseInstant + ttlMs - 1), undefined);
    });

    it('renews a lease for its owner', async () => {
      await store.acquire('mu-1', 'instance-a', ttlMs, baseInstant);
      assert.deepEqual(await store.acquire('mu-1', 'instance-a', ttlMs, baseInstant + 5000), {
        resource: 'mu-1',
        owner: 'instance-a',
        expiresAt: baseInstant + 5000 + ttlMs,
      });
      assert.equal(await store.acquire('mu-1', 'instance-b', ttlMs, baseInstant + ttlMs + 1), undefined);
    });

    it('lets another owner take an expired lease', async () => {
      await store.acquire('mu-1', 'instance-a', ttlMs, baseInstant);
      assert.deepEqual(await store.acquire('mu-1', 'instance-b', ttlMs, baseInstant + ttlMs), {
        resource: 'mu-1',
        owner: 'instance-b',
        expiresAt: baseInstant + 2 * ttlMs,
      });
      assert.equal(await store.acquire('mu-1', 'instance-a', ttlMs, baseInstant + ttlMs + 1), undefined);
    });

    it('releases only for the owner', async () => {
      await store.acquire('mu-1', 'instance-a', ttlMs, baseInstant);
      await store.release('mu-1', 'instance-b');
      assert.equal(await store.acquire('mu-1', 'instance-b', ttlMs, baseInstant + 1), undefined);
      await store.release('mu-1', 'instance-a');
      await store.release('mu-1', 'instance-a');
      assert.equal((await store.acquire('mu-1', 'instance-b', ttlMs, baseInstant + 2))?.owner, 'instance-b');
    });

    it('lists the leases held', async () => {
      await store.acquire('mu-1', 'instance-a', ttlMs, baseInstant);
      await store.acquire('mu/2', 'instance-b', ttlMs, baseInstant);
      const leases = (await collect(store.list())).sort((x, y) => x.resource.localeCompare(y.resource));
      assert.deepEqual(leases, [
        { resource: 'mu-1', owner: 'instance-a', expiresAt: baseInstant + ttlMs },
        { resource: 'mu/2', owner: 'instance-b', expiresAt: baseInstant + ttlMs },
      ]);
    });

    it('grants a contested free lease to exactly one of several instances', async () => {
      const owners = ['a', 'b', 'c', 'd'];
      const results = await Promise.all(
        owners.map((owner) => store.acquire('mu-1', owner, ttlMs, baseInstant)),
      );
      const winners = results.filter((lease) => lease !== undefined);
      assert.equal(winners.length, 1);
      assert.equal((await collect(store.list()))[0].owner, winners[0].owner);
    });

    it('grants a contested expired lease to exactly one of several instances', async () => {
      await store.acquire('mu-1', 'old', ttlMs, baseInstant);
      const results = await Promise.all(
        ['a', 'b', 'c'].map((owner) => store.acquire('mu-1', owner, ttlMs, baseInstant + ttlMs)),
      );
      assert.equal(results.filter((lease) => lease !== undefined).length, 1);
    });
  });
}

describeLeaseStoreContract('in memory', async () => new InMemoryLeaseStore());
describeLeaseStoreContract(
  'Azure Table on Azurite',
  async () => new TableLeaseStore((await createTestTableService(['Leases'])).client('Leases')),
);
