import type {
  AgentDirectory,
  AgentProfile,
  AgentProfileSnapshot,
  ManagementUnitProfile,
} from '../app/ports/agent-directory';
import type { Clock } from '../platform/clock';
import type { Logger } from '../platform/logger';
import { AgentProfileCopy, unitProfiles } from './agent-profile-copy';
import type { GenesysMetrics } from './genesys-metrics';
import type { GenesysRestClient } from './genesys-rest-client';
import {
  readActivityCodes,
  readAgent,
  readUnit,
  readUnitUserIds,
  readUserRecords,
  readVisibleUnitIds,
  type ActivityCodeInfo,
  type UnitAdherenceSettings,
} from './directory-reads';

export type { ActivityCodeInfo, UnitAdherenceSettings } from './directory-reads';
import { describeError } from '../platform/describe-error';

/** An agent whose lookup failed is not looked up again for this long (unless a refresh finds them first). */
const FAILED_LOOKUP_RETRY_MS = 15 * 60_000;

/** What a refresh changed among the watched units. */
export interface DirectoryChanges {
  readonly addedUnitIds: readonly string[];
  readonly removedUnitIds: readonly string[];
}

/** Collaborators of a {@link GenesysDirectory}. */
export interface GenesysDirectoryOptions {
  readonly rest: GenesysRestClient;
  readonly logger: Logger;
  /** Counts lookups and refreshes. */
  readonly metrics?: GenesysMetrics;
  /** Times failed lookups (so they are not retried at once); without it they are retried on the next event. */
  readonly clock?: Clock;
  /**
   * The profiles as last read, kept across restarts: `load` reads from Genesys only the agents it has no profile of,
   * and every read from Genesys (load, refresh) is saved back (in the background).
   */
  readonly snapshot?: AgentProfileSnapshot;
}

/**
 * The Genesys directory, discovered at start: watched management units and their adherence settings,
 * activity codes per business unit, and the agents of each unit (name, email, manager, team).
 */
export class GenesysDirectory implements AgentDirectory {
  private readonly units = new Map<string, ManagementUnitProfile>();
  private readonly settings = new Map<string, UnitAdherenceSettings>();
  private readonly agents = new Map<string, AgentProfile>();
  private readonly agentsByEmail = new Map<string, AgentProfile>();
  private readonly activityCodes = new Map<string, ActivityCodeInfo>();
  private readonly lookups = new Map<string, Promise<AgentProfile | undefined>>();
  private readonly failedLookups = new Map<string, number>();
  private readonly profileCopy: AgentProfileCopy;

  private readonly rest: GenesysRestClient;
  private readonly logger: Logger;

  constructor(private readonly options: GenesysDirectoryOptions) {
    this.rest = options.rest;
    this.logger = options.logger;
    this.profileCopy = new AgentProfileCopy(options.snapshot, options.logger);
  }

  /**
   * Discovers everything (again): `configuredUnitIds` or every visible unit. Units that cannot be read are logged and
   * skipped; it throws only when no unit at all could be read.
   */
  async load(configuredUnitIds?: readonly string[]): Promise<void> {
    const unitIds =
      configuredUnitIds && configuredUnitIds.length > 0
        ? [...configuredUnitIds]
        : await readVisibleUnitIds(this.rest);
    const businessUnitIds = new Set<string>();
    for (const unitId of unitIds) {
      try {
        const unit = await this.loadUnit(unitId);
        if (unit.businessUnitId) businessUnitIds.add(unit.businessUnitId);
      } catch (error) {
        this.logger.error(
          { managementUnitId: unitId, err: describeError(error) },
          'Could not read management unit; it is not watched (check GENESYS_MANAGEMENT_UNIT_IDS and wfm permissions)',
        );
      }
    }
    if (this.units.size === 0)
      throw new Error(
        `No Genesys management unit could be read (tried ${unitIds.length}); check GENESYS_MANAGEMENT_UNIT_IDS and the OAuth client's WFM permissions`,
      );
    for (const businessUnitId of businessUnitIds) {
      try {
        await this.loadActivityCodes(businessUnitId);
      } catch (error) {
        this.logger.warn(
          { businessUnitId, err: describeError(error) },
          'Could not read activity codes; names will be missing',
        );
      }
    }
    const stored = await this.profileCopy.read();
    const read: AgentProfile[] = [];
    for (const unitId of this.units.keys()) {
      try {
        read.push(...(await this.loadAgents(unitId, stored)));
      } catch (error) {
        this.logger.warn(
          { managementUnitId: unitId, err: describeError(error) },
          'Could not read the users of a management unit',
        );
      }
    }
    this.profileCopy.save(read);
    this.logger.info(
      { units: this.units.size, agents: this.agents.size, activityCodes: this.activityCodes.size },
      'Genesys directory loaded',
    );
  }

  /** Resolves once the profiles read from Genesys so far are stored (tests, shutdown). */
  async snapshotSaved(): Promise<void> {
    await this.profileCopy.saved();
  }

  /**
   * Reads the directory again while running: with `configuredUnitIds` empty, units that appeared are added and units
   * that are no longer listed are dropped (with their agents); every watched unit's settings and agents are re-read
   * (agents added since are found). Rejects, changing nothing, when the unit listing cannot be read.
   */
  async refresh(configuredUnitIds?: readonly string[]): Promise<DirectoryChanges> {
    const isConfigured = configuredUnitIds !== undefined && configuredUnitIds.length > 0;
    const listed = isConfigured ? [...configuredUnitIds] : await readVisibleUnitIds(this.rest);
    const addedUnitIds = listed.filter((unitId) => !this.units.has(unitId));
    // A configured unit is never dropped: it is the operator's choice, and an unreadable one is logged below.
    const removedUnitIds = isConfigured ? [] : [...this.units.keys()].filter((id) => !listed.includes(id));
    for (const unitId of removedUnitIds) this.dropUnit(unitId);
    const businessUnitIds = new Set<string>();
    for (const unitId of listed) {
      try {
        const unit = await this.loadUnit(unitId);
        if (unit.businessUnitId && addedUnitIds.includes(unitId)) businessUnitIds.add(unit.businessUnitId);
      } catch (error) {
        if (addedUnitIds.includes(unitId)) addedUnitIds.splice(addedUnitIds.indexOf(unitId), 1);
        this.logger.warn(
          { managementUnitId: unitId, err: describeError(error) },
          'Could not read management unit during the directory refresh',
        );
      }
    }
    for (const businessUnitId of businessUnitIds) {
      if ([...this.activityCodes.values()].some((code) => code.businessUnitId === businessUnitId)) continue;
      await this.loadActivityCodes(businessUnitId).catch((error: unknown) =>
        this.logger.warn({ businessUnitId, err: describeError(error) }, 'Could not read activity codes'),
      );
    }
    for (const unitId of this.units.keys()) {
      await this.loadAgents(unitId)
        .then((profiles) => this.profileCopy.save(profiles))
        .catch((error: unknown) =>
          this.logger.warn(
            { managementUnitId: unitId, err: describeError(error) },
            'Could not read the users of a management unit during the directory refresh',
          ),
        );
    }
    this.failedLookups.clear();
    if (this.options.metrics) {
      this.options.metrics.directoryRefreshes++;
      this.options.metrics.unitsAdded += addedUnitIds.length;
      this.options.metrics.unitsRemoved += removedUnitIds.length;
    }
    this.logger.info(
      { units: this.units.size, agents: this.agents.size, addedUnitIds, removedUnitIds },
      'Genesys directory refreshed',
    );
    return { addedUnitIds, removedUnitIds };
  }

  /**
   * Looks up an agent the directory does not know (hired or moved after start): `GET /api/v2/users/{id}` for name,
   * email and manager, and `GET /api/v2/workforcemanagement/agents/{id}/managementunit` for the unit (else
   * `managementUnitId`). One lookup per agent at a time; a failed one is not repeated for 15 minutes. Never rejects.
   */
  lookUpAgent(agentId: string, managementUnitId?: string): Promise<AgentProfile | undefined> {
    const known = this.agents.get(agentId);
    if (known !== undefined) return Promise.resolve(known);
    const running = this.lookups.get(agentId);
    if (running !== undefined) return running;
    const failedAt = this.failedLookups.get(agentId);
    const now = this.options.clock?.now();
    if (failedAt !== undefined && (now === undefined || now - failedAt < FAILED_LOOKUP_RETRY_MS))
      return Promise.resolve(undefined);
    const lookup = this.fetchAgent(agentId, managementUnitId).finally(() => this.lookups.delete(agentId));
    this.lookups.set(agentId, lookup);
    return lookup;
  }

  private async fetchAgent(
    agentId: string,
    hintUnitId: string | undefined,
  ): Promise<AgentProfile | undefined> {
    const metrics = this.options.metrics;
    if (metrics) metrics.agentLookups++;
    try {
      const user = await readAgent(this.rest, agentId, hintUnitId);
      const profile: AgentProfile = {
        ...user,
        teamId: this.agents.get(agentId)?.teamId,
        teamName: this.agents.get(agentId)?.teamName,
      };
      this.put(profile);
      this.failedLookups.delete(agentId);
      this.logger.info(
        { agentId, managementUnitId: profile.managementUnitId },
        'Agent unknown at start looked up',
      );
      return profile;
    } catch (error) {
      if (metrics) metrics.agentLookupFailures++;
      this.failedLookups.set(agentId, this.options.clock?.now() ?? 0);
      this.logger.warn({ agentId, err: describeError(error) }, 'Could not look up an unknown agent');
      return undefined;
    }
  }

  private dropUnit(unitId: string): void {
    this.units.delete(unitId);
    this.settings.delete(unitId);
    for (const agent of [...this.agents.values()]) {
      if (agent.managementUnitId !== unitId) continue;
      this.agents.delete(agent.id);
      if (agent.email) this.agentsByEmail.delete(agent.email.toLowerCase());
    }
  }

  getAgent(agentId: string): AgentProfile | undefined {
    return this.agents.get(agentId);
  }

  findAgentByEmail(email: string): AgentProfile | undefined {
    return this.agentsByEmail.get(email.toLowerCase());
  }

  getUnit(managementUnitId: string): ManagementUnitProfile | undefined {
    return this.units.get(managementUnitId);
  }

  listUnits(): readonly ManagementUnitProfile[] {
    return [...this.units.values()];
  }

  activityCodeName(activityCodeId: string): string | undefined {
    return this.activityCodes.get(activityCodeId)?.name;
  }

  /** The activity code with its category and business unit, if known. */
  getActivityCode(activityCodeId: string): ActivityCodeInfo | undefined {
    return this.activityCodes.get(activityCodeId);
  }

  /** The unit's adherence settings (threshold, ignored categories and codes), if discovered. */
  /** Every discovered activity code (all watched business units). */
  listActivityCodes(): readonly ActivityCodeInfo[] {
    return [...this.activityCodes.values()];
  }

  getUnitSettings(managementUnitId: string): UnitAdherenceSettings | undefined {
    return this.settings.get(managementUnitId);
  }

  /** Every discovered agent. */
  listAgents(): readonly AgentProfile[] {
    return [...this.agents.values()];
  }

  /** Agents of one unit. */
  listAgentsOfUnit(managementUnitId: string): readonly AgentProfile[] {
    return [...this.agents.values()].filter((agent) => agent.managementUnitId === managementUnitId);
  }

  /** Records team membership seen in adherence data (users carry no team unless expanded). */
  noteTeam(agentId: string, teamId: string | undefined, teamName: string | undefined): void {
    const agent = this.agents.get(agentId);
    if (
      !agent ||
      teamId === undefined ||
      (agent.teamId === teamId && (teamName === undefined || agent.teamName === teamName))
    )
      return;
    this.put({ ...agent, teamId, teamName: teamName ?? agent.teamName });
  }

  private async loadUnit(unitId: string): Promise<ManagementUnitProfile> {
    const { unit, settings } = await readUnit(this.rest, unitId);
    this.units.set(unitId, unit);
    this.settings.set(unitId, settings);
    return unit;
  }

  private async loadActivityCodes(businessUnitId: string): Promise<void> {
    for (const code of await readActivityCodes(this.rest, businessUnitId))
      this.activityCodes.set(code.id, code);
  }

  /** The unit's agents: stored profiles, else read from Genesys; returns those read from Genesys. */
  private async loadAgents(
    unitId: string,
    stored = new Map<string, AgentProfile>(),
  ): Promise<AgentProfile[]> {
    const ids = await readUnitUserIds(this.rest, unitId);
    const { profiles, read } = await unitProfiles(
      unitId,
      ids,
      stored,
      (missing) => readUserRecords(this.rest, missing),
      (id) => this.agents.get(id),
    );
    for (const profile of profiles) this.put(profile);
    return read;
  }

  private put(agent: AgentProfile): void {
    const previous = this.agents.get(agent.id);
    if (previous?.email) this.agentsByEmail.delete(previous.email.toLowerCase());
    this.agents.set(agent.id, agent);
    if (agent.email) this.agentsByEmail.set(agent.email.toLowerCase(), agent);
  }
}
