import assert from 'node:assert/strict';
import type { SettingsOverrideStore } from '../../../src/app/ports';
import { InMemorySettingsOverrideStore } from '../../../src/storage/settings/in-memory-settings-override-store';
import { TableSettingsOverrideStore } from '../../../src/storage/settings/table-settings-override-store';
import { createTestTableService } from '../../support/azurite';
import { collect } from '../../support/storage-fixtures';

/** The SettingsOverrideStore contract, run against every implementation. */
export function describeSettingsOverrideStoreContract(
  name: string,
  createStore: () => Promise<SettingsOverrideStore>,
): void {
  describe(`SettingsOverrideStore contract: ${name}`, () => {
    let store: SettingsOverrideStore;
    beforeEach(async () => {
      store = await createStore();
    });

    it('returns nothing for a scope without overrides', async () => {
      assert.equal(await store.get('managementUnit:mu-1'), undefined);
    });

    it('replaces the overrides of a scope and lists every scope', async () => {
      await store.upsert('managementUnit:mu-1', { nudgeAfterMs: 120_000, supervisorAfterMs: 300_000 });
      await store.upsert('managementUnit:mu-1', { nudgeAfterMs: 90_000 });
      await store.upsert('category:Break', { graceInMs: 60_000, untilAt: 4_102_444_800_123 });
      assert.deepEqual(await store.get('managementUnit:mu-1'), { nudgeAfterMs: 90_000 });
      const all = (await collect(store.list())).sort((a, b) => a.scope.localeCompare(b.scope));
      assert.deepEqual(all, [
        { scope: 'category:Break', values: { graceInMs: 60_000, untilAt: 4_102_444_800_123 } },
        { scope: 'managementUnit:mu-1', values: { nudgeAfterMs: 90_000 } },
      ]);
    });
  });
}

describeSettingsOverrideStoreContract('in memory', async () => new InMemorySettingsOverrideStore());
describeSettingsOverrideStoreContract(
  'Azure Table on Azurite',
  async () =>
    new TableSettingsOverrideStore(
      (await createTestTableService(['SettingsOverrides'])).client('SettingsOverrides'),
    ),
);
