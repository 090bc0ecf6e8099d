import type { TableClient } from '@azure/data-tables';
import type { AgentProfile, AgentProfileSnapshot } from '../../app/ports/agent-directory';
import { decodeKey, encodeKey, hasStatus, readString, withoutUndefined } from '../table-codec';

type Row = Record<string, unknown> & { partitionKey: string; rowKey: string };

/** A unit's profiles are spread over this many rows (by a hash of the agent id): about 47 each at 1,500 agents. */
const SETS_PER_UNIT = 32;
/**
 * A string property holds at most 64 KiB (32K UTF-16 characters); a set's JSON is cut into properties `p0`, `p1`, …
 * of at most this many characters (https://learn.microsoft.com/rest/api/storageservices/understanding-the-table-service-data-model).
 */
const MAX_PROPERTY_CHARS = 30_000;
/** Read-merge-write attempts of one set when other writers change it meanwhile. */
const MAX_ATTEMPTS = 5;

/** A profile as a set row stores it: the unit is the row's partition. */
type StoredProfile = Omit<AgentProfile, 'managementUnitId'>;

/**
 * The agent profile copy in Azure Table Storage (`AgentProfiles`): PartitionKey = management unit id, RowKey = one of
 * 32 profile sets of the unit (`set-NN`, by a hash of the agent id), holding its agents' name, email, managerId, teamId
 * and teamName as JSON. A start reads 50,000 profiles in about 1,100 rows (two pages) instead of 50,000, and a unit's
 * save writes 32 rows. Saving merges into each set (read, then a write guarded by its ETag), so saving some agents
 * keeps the others.
 */
export class TableAgentProfileSnapshot implements AgentProfileSnapshot {
  constructor(private readonly client: TableClient) {}

  async *list(): AsyncIterable<AgentProfile> {
    for await (const row of this.client.listEntities<Row>()) {
      const managementUnitId = decodeKey(row.partitionKey);
      for (const stored of profilesOf(row)) yield { ...stored, managementUnitId };
    }
  }

  async save(profiles: readonly AgentProfile[]): Promise<void> {
    const sets = new Map<string, { partitionKey: string; rowKey: string; profiles: AgentProfile[] }>();
    for (const profile of profiles) {
      const partitionKey = encodeKey(profile.managementUnitId);
      const rowKey = setKeyOf(profile.id);
      const key = `${partitionKey}/${rowKey}`;
      const set = sets.get(key) ?? { partitionKey, rowKey, profiles: [] };
      set.profiles.push(profile);
      sets.set(key, set);
    }
    await Promise.all(
      [...sets.values()].map((set) => this.merge(set.partitionKey, set.rowKey, set.profiles)),
    );
  }

  /** Writes the profiles into their set, keeping the set's other agents; retries from a fresh read on a conflict. */
  private async merge(
    partitionKey: string,
    rowKey: string,
    profiles: readonly AgentProfile[],
  ): Promise<void> {
    for (let attempt = 1; ; attempt += 1) {
      const current = await this.read(partitionKey, rowKey);
      const byId = new Map(current === undefined ? [] : profilesOf(current).map((p) => [p.id, p]));
      for (const profile of profiles) byId.set(profile.id, storedOf(profile));
      const row = { partitionKey, rowKey, ...propertiesOf([...byId.values()]) };
      try {
        if (current?.etag === undefined) await this.client.createEntity(row);
        else await this.client.updateEntity(row, 'Replace', { etag: current.etag });
        return;
      } catch (error) {
        if (attempt >= MAX_ATTEMPTS || !(hasStatus(error, 409) || hasStatus(error, 412))) throw error;
      }
    }
  }

  private async read(partitionKey: string, rowKey: string): Promise<(Row & { etag?: string }) | undefined> {
    try {
      return await this.client.getEntity<Row>(partitionKey, rowKey);
    } catch (error) {
      if (hasStatus(error, 404)) return undefined;
      throw error;
    }
  }
}

/** The set (row key) an agent's profile belongs to: FNV-1a of the id, so every writer puts an agent in the same one. */
function setKeyOf(agentId: string): string {
  let hash = 0x811c9dc5;
  for (let i = 0; i < agentId.length; i += 1) hash = Math.imul(hash ^ agentId.charCodeAt(i), 0x01000193);
  return `set-${String((hash >>> 0) % SETS_PER_UNIT).padStart(2, '0')}`;
}

function storedOf(profile: AgentProfile): StoredProfile {
  return withoutUndefined({
    id: profile.id,
    name: profile.name,
    email: profile.email,
    managerId: profile.managerId,
    teamId: profile.teamId,
    teamName: profile.teamName,
  });
}

function propertiesOf(profiles: readonly StoredProfile[]): Record<string, string | number> {
  const json = JSON.stringify(profiles);
  const properties: Record<string, string | number> = { schemaVersion: 2 };
  for (let part = 0; part * MAX_PROPERTY_CHARS < json.length; part += 1)
    properties[`p${part}`] = json.slice(part * MAX_PROPERTY_CHARS, (part + 1) * MAX_PROPERTY_CHARS);
  return properties;
}

/** The profiles of a set row (none when it holds no readable set). */
function profilesOf(row: Row): StoredProfile[] {
  let json = '';
  for (let part = 0; readString(row[`p${part}`]) !== undefined; part += 1)
    json += readString(row[`p${part}`]);
  if (json === '') return [];
  const parsed = JSON.parse(json) as unknown;
  if (!Array.isArray(parsed)) return [];
  return parsed.filter(
    (p): p is StoredProfile =>
      typeof (p as StoredProfile | null)?.id === 'string' && typeof (p as StoredProfile).name === 'string',
  );
}
