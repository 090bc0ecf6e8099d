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
