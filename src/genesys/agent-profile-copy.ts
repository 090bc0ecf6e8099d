import type { AgentProfile, AgentProfileSnapshot } from '../app/ports/agent-directory';
import type { Logger } from '../platform/logger';
import { describeError } from '../platform/describe-error';

/**
 * The directory's copy of the agent profiles (`AgentProfileSnapshot`): read once at load, so the agents it has are not
 * read from Genesys again, and saved in the background after each read from Genesys (a failure only costs the next
 * start some reads). Without a snapshot it keeps nothing.
 */
export class AgentProfileCopy {
  private saving: Promise<void> = Promise.resolve();

  constructor(
    private readonly snapshot: AgentProfileSnapshot | undefined,
    private readonly logger: Logger,
  ) {}

  /** The stored profiles by agent id (none without a snapshot, or when it cannot be read). */
  async read(): Promise<Map<string, AgentProfile>> {
    const stored = new Map<string, AgentProfile>();
    if (this.snapshot === undefined) return stored;
    try {
      for await (const profile of this.snapshot.list()) stored.set(profile.id, profile);
    } catch (error) {
      this.logger.warn(
        { err: describeError(error) },
        'Could not read the stored agent profiles; reading Genesys',
      );
    }
    return stored;
  }

  /** Saves profiles read from Genesys, in the background, one save after the other. */
  save(profiles: readonly AgentProfile[]): void {
    const snapshot = this.snapshot;
    if (snapshot === undefined || profiles.length === 0) return;
    this.saving = this.saving
      .then(() => snapshot.save(profiles))
      .catch((error: unknown) =>
        this.logger.warn({ err: describeError(error) }, 'Could not store the agent profiles'),
      );
  }

  /** Resolves once the profiles handed to {@link save} so far are stored (or failed). */
  async saved(): Promise<void> {
    await this.saving;
  }
}

/**
 * A unit's agents as the directory keeps them: the stored profile of each id that has one, the user records read from
 * Genesys (`readRecords`) for the others, and a bare profile for an id with neither (unless `known` has one); teams
 * seen in adherence data (`known`) stay. `read` are the profiles read from Genesys, to be stored.
 */
export async function unitProfiles(
  unitId: string,
  ids: readonly string[],
  stored: ReadonlyMap<string, AgentProfile>,
  readRecords: (ids: readonly string[]) => Promise<ReadonlyArray<Omit<AgentProfile, 'managementUnitId'>>>,
  known: (agentId: string) => AgentProfile | undefined,
): Promise<{ profiles: AgentProfile[]; read: AgentProfile[] }> {
  const profiles: AgentProfile[] = [];
  const found = new Set<string>();
  for (const id of ids) {
    const profile = stored.get(id);
    if (profile === undefined) continue;
    found.add(id);
    const previous = known(id);
    profiles.push({
      ...profile,
      managementUnitId: unitId,
      teamId: previous?.teamId ?? profile.teamId,
      teamName: previous?.teamName ?? profile.teamName,
    });
  }
  const read: AgentProfile[] = [];
  for (const user of await readRecords(ids.filter((id) => !found.has(id)))) {
    found.add(user.id);
    const previous = known(user.id);
    read.push({ ...user, managementUnitId: unitId, teamId: previous?.teamId, teamName: previous?.teamName });
  }
  profiles.push(...read);
  // Agents without a readable user record still belong to the unit (for restore and per-user topics).
  for (const id of ids)
    if (!found.has(id) && known(id) === undefined) profiles.push({ id, name: id, managementUnitId: unitId });
  return { profiles, read };
}
