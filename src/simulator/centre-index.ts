import type { Agent, ContactCentre, Person, WorkTeam } from './contact-centre';

interface Maps {
  readonly version: string;
  readonly people: ReadonlyMap<string, Person>;
  readonly agents: ReadonlyMap<string, Agent>;
  readonly agentsByUnit: ReadonlyMap<string, readonly Agent[]>;
  readonly agentsByTeam: ReadonlyMap<string, readonly Agent[]>;
  readonly teams: ReadonlyMap<string, WorkTeam>;
}

/**
 * Lookups by id over a contact centre, in the same order as its lists: at tens of thousands of agents a linear search
 * per request would make the simulator, not the client under test, the slow part. The centre changes while running
 * (hires, leavers, units added or removed: CentreChanges only pushes and splices), so the maps are rebuilt whenever one
 * of its lists has changed length since they were built.
 */
export class CentreIndex {
  private maps: Maps | undefined;

  constructor(private readonly centre: ContactCentre) {}

  /** A supervisor, agent or former agent by id. */
  person(id: string): Person | undefined {
    return this.current().people.get(id);
  }

  /** A current WFM agent by id. */
  agent(id: string): Agent | undefined {
    return this.current().agents.get(id);
  }

  /** The agents of a management unit, in centre order. */
  agentsOfUnit(managementUnitId: string): readonly Agent[] {
    return this.current().agentsByUnit.get(managementUnitId) ?? [];
  }

  /** The agents of a work team, in centre order. */
  agentsOfTeam(teamId: string): readonly Agent[] {
    return this.current().agentsByTeam.get(teamId) ?? [];
  }

  team(id: string): WorkTeam | undefined {
    return this.current().teams.get(id);
  }

  private current(): Maps {
    const { supervisors, agents, formerAgents, teams, managementUnits } = this.centre;
    const version = [supervisors, agents, formerAgents, teams, managementUnits]
      .map((l) => l.length)
      .join(':');
    if (this.maps?.version === version) return this.maps;
    const people = new Map<string, Person>();
    // First wins, as `find` over [...supervisors, ...agents, ...formerAgents] would.
    for (const person of [...supervisors, ...agents, ...formerAgents])
      if (!people.has(person.id)) people.set(person.id, person);
    const agentsByUnit = new Map<string, Agent[]>();
    const agentsByTeam = new Map<string, Agent[]>();
    for (const agent of agents) {
      push(agentsByUnit, agent.managementUnitId, agent);
      push(agentsByTeam, agent.teamId, agent);
    }
    this.maps = {
      version,
      people,
      agents: new Map(agents.map((agent) => [agent.id, agent])),
      agentsByUnit,
      agentsByTeam,
      teams: new Map(teams.map((team) => [team.id, team])),
    };
    return this.maps;
  }
}

const indexes = new WeakMap<ContactCentre, CentreIndex>();

/** The one index of a centre. */
export function indexOf(centre: ContactCentre): CentreIndex {
  let index = indexes.get(centre);
  if (!index) {
    index = new CentreIndex(centre);
    indexes.set(centre, index);
  }
  return index;
}

function push<T>(map: Map<string, T[]>, key: string, value: T): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}
