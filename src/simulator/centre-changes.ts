import {
  buildShift,
  FIRST_NAMES,
  LAST_NAMES,
  weekDateOf,
  type ActivityCode,
  type Agent,
  type ContactCentre,
  type ManagementUnit,
  type Person,
  type WorkTeam,
} from './contact-centre';
import { SeededRandom } from './seeded-random';

const MINUTE = 60_000;

/** What to add: an agent hired (or moved) into a unit while the day runs. */
export interface NewAgentRequest {
  readonly managementUnitId: string;
  readonly name?: string;
  readonly email?: string;
  /** Minutes from now to the start of their shift; default 0 (the shift starts now). */
  readonly shiftStartsInMinutes?: number;
}

/** What to add: a management unit created while running. */
export interface NewUnitRequest {
  readonly name?: string;
  /** Agents in the new unit; default 3. */
  readonly agents?: number;
}

/**
 * Changes to the simulated organisation while it runs (agents hired or moved mid-day, agents leaving a unit, units
 * created or deleted), deterministic for the simulator seed and the order of the changes. The arrays of the
 * {@link ContactCentre} are changed in place, so every REST route sees the change at once.
 */
export class CentreChanges {
  private count = 0;

  constructor(
    private readonly centre: ContactCentre,
    private readonly seed: number | string,
  ) {}

  /** Adds an agent to a unit (a new team member with a shift from now); returns them. */
  addAgent(request: NewAgentRequest, now: number): Agent {
    const unit = this.centre.managementUnits.find((u) => u.id === request.managementUnitId);
    if (!unit) throw new RangeError(`unknown management unit ${request.managementUnitId}`);
    const random = this.next('agent');
    const team = this.centre.teams.find((t) => t.managementUnitId === unit.id);
    if (!team) throw new RangeError(`management unit ${unit.id} has no team`);
    const person = this.person(random, 'Customer Service Agent', unit.name, team.supervisorId, request);
    const agents = this.centre.agents as Agent[];
    const slot = Math.floor(now / (15 * MINUTE)) * 15 * MINUTE;
    const agent: Agent = {
      ...person,
      managerId: team.supervisorId,
      index: agents.length,
      managementUnitId: unit.id,
      businessUnitId: unit.businessUnitId,
      teamId: team.id,
      shifts: [this.shiftFor(random, unit, slot + (request.shiftStartsInMinutes ?? 0) * MINUTE)],
      activeQueueIds: [this.centre.queueIds[0]],
    };
    agents.push(agent);
    return agent;
  }

  /** Takes an agent out of their unit (they stay a Genesys user); returns them. */
  removeAgentFromUnit(agentId: string): Agent {
    const agents = this.centre.agents as Agent[];
    const index = agents.findIndex((a) => a.id === agentId);
    if (index < 0) throw new RangeError(`unknown agent ${agentId}`);
    const [agent] = agents.splice(index, 1);
    (this.centre.formerAgents as Person[]).push(agent);
    return agent;
  }

  /** Creates a management unit (in the first business unit) with a team, its supervisor and agents; returns it. */
  addUnit(request: NewUnitRequest, now: number): { unit: ManagementUnit; agents: Agent[] } {
    const random = this.next('unit');
    const businessUnit = this.centre.businessUnits[0];
    const template = this.centre.managementUnits[0];
    const unit: ManagementUnit = {
      id: random.uuid(),
      name: request.name ?? `New Unit ${this.count}`,
      businessUnitId: businessUnit.id,
      timeZone: businessUnit.timeZone,
      adherence: template?.adherence ?? {
        severeAlertThresholdMinutes: 5,
        adherenceTargetPercent: 90,
        adherenceExceptionThresholdSeconds: 900,
        nonOnQueueActivitiesEquivalent: false,
        trackOnQueueActivity: true,
        ignoredActivityCategories: [],
        ignoredActivityCodeIds: [],
      },
    };
    (this.centre.managementUnits as ManagementUnit[]).push(unit);
    const supervisor = this.person(random, 'Team Supervisor', unit.name, this.centre.supervisors[0]?.id, {});
    (this.centre.supervisors as Person[]).push(supervisor);
    const team: WorkTeam = {
      id: random.uuid(),
      name: `${unit.name} Tier 1`,
      managementUnitId: unit.id,
      supervisorId: supervisor.id,
    };
    (this.centre.teams as WorkTeam[]).push(team);
    const agents: Agent[] = [];
    for (let i = 0; i < (request.agents ?? 3); i++)
      agents.push(this.addAgent({ managementUnitId: unit.id, shiftStartsInMinutes: -60 }, now));
    return { unit, agents };
  }

  /** Deletes a management unit: its agents leave it too; returns them. */
  removeUnit(managementUnitId: string): Agent[] {
    const units = this.centre.managementUnits as ManagementUnit[];
    const index = units.findIndex((u) => u.id === managementUnitId);
    if (index < 0) throw new RangeError(`unknown management unit ${managementUnitId}`);
    units.splice(index, 1);
    return this.centre.agents
      .filter((a) => a.managementUnitId === managementUnitId)
      .map((a) => this.removeAgentFromUnit(a.id));
  }

  private next(kind: string): SeededRandom {
    this.count += 1;
    return new SeededRandom(`${this.seed}:change:${kind}:${this.count}`);
  }

  private person(
    random: SeededRandom,
    title: string,
    department: string,
    managerId: string | undefined,
    identity: { readonly name?: string; readonly email?: string },
  ): Person {
    const first = random.pick(FIRST_NAMES);
    const last = random.pick(LAST_NAMES);
    const taken = new Set(
      [...this.centre.supervisors, ...this.centre.agents, ...this.centre.formerAgents].map((p) => p.email),
    );
    let email = identity.email?.toLowerCase() ?? `${first}.${last}@contoso.example`.toLowerCase();
    for (let n = 2; taken.has(email); n++) email = `${first}.${last}${n}@contoso.example`.toLowerCase();
    return {
      id: random.uuid(),
      name: identity.name ?? `${first} ${last}`,
      email,
      title,
      department,
      managerId,
      state: 'active',
    };
  }

  private shiftFor(random: SeededRandom, unit: ManagementUnit, startAt: number) {
    const businessUnit = this.centre.businessUnits.find((b) => b.id === unit.businessUnitId)!;
    const code = (name: string): ActivityCode => businessUnit.activityCodes.find((c) => c.name === name)!;
    const scheduleId = new SeededRandom(`${businessUnit.id}:${weekDateOf(startAt)}`).uuid();
    return buildShift(random, startAt, code, random.uuid(), scheduleId);
  }
}
