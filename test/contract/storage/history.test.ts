import assert from 'node:assert/strict';
import type { DriftHistoryRecord, DriftHistoryStore } from '../../../src/app/ports/drift-history-store';
import { InMemoryDriftHistoryStore } from '../../../src/storage/history/in-memory-drift-history-store';
import { TableDriftHistoryStore } from '../../../src/storage/history/table-drift-history-store';
import { createTestTableService } from '../../support/azurite';
import { anEpisode, baseInstant, collect, dayInMs } from '../../support/storage-fixtures';

const aRecord = (agentId: string, driftStartedAt: number, managementUnitId = 'mu-1'): DriftHistoryRecord => ({
  episode: anEpisode({
    agentId,
    driftStartedAt,
    managementUnitId,
    stage: 'nudged',
    endedAt: driftStartedAt + 400_000,
    outcome: 'resolvedAfterNudge',
  }),
  agentName: 'Alex Agent',
  teamName: 'Team One',
  recordedAt: driftStartedAt + 400_001,
});
const episodeIds = (records: readonly DriftHistoryRecord[]): string[] =>
  records.map((r) => r.episode.id).sort();

/** The DriftHistoryStore contract, run against every implementation. */
export function describeDriftHistoryStoreContract(
  name: string,
  createStore: () => Promise<DriftHistoryStore>,
): void {
  describe(`DriftHistoryStore contract: ${name}`, () => {
    let store: DriftHistoryStore;
    beforeEach(async () => {
      store = await createStore();
    });

    it('gives back a recorded episode by episode id and unit, and nothing for another unit', async () => {
      const record = aRecord('a1', baseInstant);
      await store.upsert(record);
      assert.deepEqual(await store.get(record.episode.id, 'mu-1'), record);
      assert.equal(await store.get(record.episode.id, 'mu-2'), undefined);
      assert.equal(await store.get('a1:1600000000000', 'mu-1'), undefined);
    });

    it('finds an episode whose id does not follow the agent:start pattern', async () => {
      const record = {
        ...aRecord('a1', baseInstant),
        episode: { ...aRecord('a1', baseInstant).episode, id: 'legacy-episode' },
      };
      await store.upsert(record);
      assert.deepEqual(await store.get('legacy-episode', 'mu-1'), record);
    });

    it('replaces the row of an episode recorded again', async () => {
      const first = aRecord('a1', baseInstant);
      await store.upsert(first);
      const second: DriftHistoryRecord = {
        ...first,
        episode: {
          ...first.episode,
          outcome: 'becameFormalException',
          formalExceptionAt: baseInstant + 900_000,
        },
        recordedAt: baseInstant + 900_001,
      };
      await store.upsert(second);
      assert.deepEqual(await collect(store.list({ from: 0, to: baseInstant * 2 })), [second]);
    });

    it('lists the episodes that started in [from, to), across days and filtered by unit', async () => {
      const records = [
        aRecord('a1', baseInstant - 1),
        aRecord('a2', baseInstant),
        aRecord('a3', baseInstant + 3 * dayInMs, 'mu-2'),
        aRecord('a4', baseInstant + 5 * dayInMs - 1, 'mu-3'),
        aRecord('a5', baseInstant + 5 * dayInMs),
      ];
      for (const record of records) await store.upsert(record);
      const window = { from: baseInstant, to: baseInstant + 5 * dayInMs };
      assert.deepEqual(episodeIds(await collect(store.list(window))), episodeIds(records.slice(1, 4)));
      assert.deepEqual(
        episodeIds(await collect(store.list({ ...window, managementUnitIds: ['mu-1', 'mu-3'] }))),
        episodeIds([records[1], records[3]]),
      );
      assert.deepEqual(await collect(store.list({ ...window, managementUnitIds: [] })), []);
      assert.deepEqual(await collect(store.list({ from: baseInstant, to: baseInstant })), []);
    });

    it('deletes the episodes that started before an instant and counts them, keeping later ones of the same day', async () => {
      const records = Array.from({ length: 130 }, (_, i) =>
        aRecord(`old-${i}`, baseInstant - 100 * dayInMs + i * 60_000),
      );
      const sameDayBefore = aRecord('same-day-before', baseInstant - 1);
      const sameDayAfter = aRecord('same-day-after', baseInstant);
      for (const record of [...records, sameDayBefore, sameDayAfter]) await store.upsert(record);
      assert.equal(await store.deleteOlderThan(baseInstant), 131);
      assert.deepEqual(episodeIds(await collect(store.list({ from: 0, to: baseInstant * 2 }))), [
        sameDayAfter.episode.id,
      ]);
      assert.equal(await store.deleteOlderThan(baseInstant), 0);
    });
  });
}

describeDriftHistoryStoreContract('in memory', async () => new InMemoryDriftHistoryStore());
describeDriftHistoryStoreContract(
  'Azure Table on Azurite',
  async () =>
    new TableDriftHistoryStore((await createTestTableService(['DriftHistory'])).client('DriftHistory')),
);
