import assert from 'node:assert/strict';
import type { AgentProfile, AgentProfileSnapshot } from '../../../src/app/ports/agent-directory';
import { InMemoryAgentProfileSnapshot } from '../../../src/storage/agent-profiles/in-memory-agent-profile-snapshot';
import { TableAgentProfileSnapshot } from '../../../src/storage/agent-profiles/table-agent-profile-snapshot';
import { createTestTableService } from '../../support/azurite';
import { collect } from '../../support/storage-fixtures';

const profile = (id: string, overrides: Partial<AgentProfile> = {}): AgentProfile => ({
  id,
  name: `Agent ${id}`,
  email: `${id}@contoso.com`,
  managerId: 'manager-1',
  managementUnitId: 'mu-1',
  teamId: 'team-1',
  teamName: 'Red',
  ...overrides,
});
const byId = (profiles: readonly AgentProfile[]): AgentProfile[] =>
  [...profiles].sort((a, b) => a.id.localeCompare(b.id));

/** The AgentProfileSnapshot contract, run against every implementation. */
function describeAgentProfileSnapshotContract(
  name: string,
  createSnapshot: () => Promise<AgentProfileSnapshot>,
): void {
  describe(`AgentProfileSnapshot contract: ${name}`, () => {
    let snapshot: AgentProfileSnapshot;
    beforeEach(async () => {
      snapshot = await createSnapshot();
    });

    it('lists nothing before anything was saved', async () => {
      assert.deepEqual(await collect(snapshot.list()), []);
    });

    it('gives back the profiles it saved, over several units and more than a transaction holds', async () => {
      const profiles = Array.from({ length: 250 }, (_, i) =>
        profile(`agent-${String(i).padStart(3, '0')}`, { managementUnitId: i % 3 === 0 ? 'mu-2' : 'mu-1' }),
      );
      await snapshot.save(profiles);
      assert.deepEqual(byId(await collect(snapshot.list())), byId(profiles));
    });

    it('replaces the stored profile of an agent saved again, and keeps a profile without optional fields', async () => {
      await snapshot.save([profile('a'), profile('b')]);
      await snapshot.save([{ id: 'a', name: 'Renamed', managementUnitId: 'mu-1' }]);
      assert.deepEqual(byId(await collect(snapshot.list())), [
        { id: 'a', name: 'Renamed', managementUnitId: 'mu-1' },
        profile('b'),
      ]);
    });
  });
}

describeAgentProfileSnapshotContract('in memory', async () => new InMemoryAgentProfileSnapshot());
describeAgentProfileSnapshotContract(
  'Azure Table on Azurite',
  async () =>
    new TableAgentProfileSnapshot((await createTestTableService(['AgentProfiles'])).client('AgentProfiles')),
);

describe('TableAgentProfileSnapshot on Azurite', () => {
  it('keeps a unit’s profiles in at most 32 rows, and saving some agents keeps the others of their rows', async () => {
    const client = (await createTestTableService(['AgentProfiles'])).client('AgentProfiles');
    const snapshot = new TableAgentProfileSnapshot(client);
    const profiles = Array.from({ length: 1_500 }, (_, i) => profile(`agent-${i}`));
    await snapshot.save(profiles);
    const rows = await collect(client.listEntities());
    assert.ok(rows.length <= 32, `${rows.length} rows`);

    // Two writers at once, each saving agents of the same rows: neither loses the other's.
    await Promise.all([
      new TableAgentProfileSnapshot(client).save([profile('agent-1', { name: 'One' })]),
      new TableAgentProfileSnapshot(client).save(
        Array.from({ length: 40 }, (_, i) => profile(`agent-${i + 2}`, { name: `Renamed ${i + 2}` })),
      ),
    ]);
    const listed = new Map((await collect(snapshot.list())).map((p) => [p.id, p]));
    assert.equal(listed.size, 1_500);
    assert.equal(listed.get('agent-1')?.name, 'One');
    assert.equal(listed.get('agent-41')?.name, 'Renamed 41');
    assert.equal(listed.get('agent-0')?.name, 'Agent agent-0');
  });

  it('spreads a row’s profiles over several properties when they outgrow one (64 KiB each)', async () => {
    const client = (await createTestTableService(['AgentProfiles'])).client('AgentProfiles');
    const snapshot = new TableAgentProfileSnapshot(client);
    const long = 'x'.repeat(2_000);
    const profiles = Array.from({ length: 1_500 }, (_, i) => profile(`agent-${i}`, { teamName: long }));
    await snapshot.save(profiles);
    const rows = await collect(client.listEntities<Record<string, unknown>>());
    assert.ok(rows.some((row) => typeof row.p1 === 'string'));
    assert.deepEqual(byId(await collect(snapshot.list())), byId(profiles));
  });
});
