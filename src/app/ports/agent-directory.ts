/** An agent as known from Genesys discovery. */
export interface AgentProfile {
  readonly id: string;
  readonly name: string;
  readonly email?: string;
  readonly managerId?: string;
  readonly managementUnitId: string;
  readonly teamId?: string;
  readonly teamName?: string;
}

/**
 * The agent profiles (name, email, manager, team) as last read from Genesys, kept across restarts: Genesys answers 300
 * requests a minute per token and reads 100 users a request, so reading 50,000 agents again takes the start almost
 * two minutes; with the copy a restart reads only the agents it does not have, and the periodic directory refresh
 * keeps the copy current.
 */
export interface AgentProfileSnapshot {
  list(): AsyncIterable<AgentProfile>;
  /** Stores the profiles, replacing the stored ones of the same agents. */
  save(profiles: readonly AgentProfile[]): Promise<void>;
}

/** A management unit as known from Genesys discovery. */
export interface ManagementUnitProfile {
  readonly id: string;
  readonly name: string;
  readonly businessUnitId?: string;
  readonly timeZone?: string;
  readonly exceptionThresholdMs?: number;
}

/** Read access to the Genesys directory: agents, units, activity codes. */
export interface AgentDirectory {
  getAgent(agentId: string): AgentProfile | undefined;
  /**
   * Looks up an agent the directory does not know yet (hired or moved after start), so they can be linked to Teams and
   * named before their first nudge; resolves undefined when Genesys does not know them either. Never rejects.
   */
  lookUpAgent?(agentId: string, managementUnitId?: string): Promise<AgentProfile | undefined>;
  findAgentByEmail(email: string): AgentProfile | undefined;
  getUnit(managementUnitId: string): ManagementUnitProfile | undefined;
  listUnits(): readonly ManagementUnitProfile[];
  activityCodeName(activityCodeId: string): string | undefined;
}
