import assert from 'node:assert/strict';
import type { RouteRecord, RouteStore } from '../../../src/app/ports/route-store';
import { InMemoryRouteStore } from '../../../src/storage/routes/in-memory-route-store';
import { TableRouteStore } from '../../../src/storage/routes/table-route-store';
import { createTestTableService } from '../../support/azurite';
import { baseInstant, collect } from '../../support/storage-fixtures';

const sort = (routes: readonly RouteRecord[]): RouteRecord[] =>
  [...routes].sort((a, b) =>
    `${a.scope}${a.targetId}${a.conversationKey}`.localeCompare(
      `${b.scope}${b.targetId}${b.conversationKey}`,
    ),
  );

/** The RouteStore contract, run against every implementation. */
export function describeRouteStoreContract(name: string, createStore: () => Promise<RouteStore>): void {
  describe(`RouteStore contract: ${name}`, () => {
    let store: RouteStore;
    beforeEach(async () => {
      store = await createStore();
    });

    it('lists every route and the routes of one channel, and deletes one route', async () => {
      const all: RouteRecord = {
        scope: 'all',
        targetId: '*',
        conversationKey: 'channel:19:ops@thread.tacv2',
        createdBy: 'aad-admin',
        createdAt: baseInstant,
      };
      const unit: RouteRecord = {
        scope: 'managementUnit',
        targetId: 'mu-1',
        conversationKey: 'channel:19:sup@thread.tacv2',
        createdAt: baseInstant,
      };
      const team: RouteRecord = {
        scope: 'team',
        targetId: 'team/1',
        conversationKey: 'channel:19:sup@thread.tacv2',
        createdAt: baseInstant,
      };
      for (const route of [all, unit, team]) await store.upsert(route);
      await store.upsert({ ...unit, createdBy: 'aad-2' });
      assert.deepEqual(sort(await collect(store.list())), sort([all, { ...unit, createdBy: 'aad-2' }, team]));
      assert.deepEqual(
        sort(await store.listByConversation('channel:19:sup@thread.tacv2')),
        sort([{ ...unit, createdBy: 'aad-2' }, team]),
      );
      await store.delete('team', 'team/1', 'channel:19:sup@thread.tacv2');
      await store.delete('team', 'team/1', 'channel:19:sup@thread.tacv2');
      assert.deepEqual(await store.listByConversation('channel:19:sup@thread.tacv2'), [
        { ...unit, createdBy: 'aad-2' },
      ]);
    });
  });
}

describeRouteStoreContract('in memory', async () => new InMemoryRouteStore());
describeRouteStoreContract(
  'Azure Table on Azurite',
  async () => new TableRouteStore((await createTestTableService(['Routes'])).client('Routes')),
);
