import type { AgentDirectory, AgentProfile } from '../../src/app/ports/agent-directory';
import type { RouteScope } from '../../src/app/ports/route-store';

/** A directory that can also list agents (GenesysDirectory does), so teams can be known by name. */
export type TeamAwareDirectory = AgentDirectory & { listAgents?(): readonly AgentProfile[] };

/** A resolved watch target. */
export interface WatchTarget {
  readonly scope: RouteScope;
  readonly targetId: string;
  readonly label: string;
}

/** A team as known from the directory's agents. */
export interface KnownTeam {
  readonly id: string;
  readonly name?: string;
  readonly managementUnitId: string;
}

/** The work teams known from the directory's agents (team id, name and the unit of its first agent). */
export function listKnownTeams(directory: TeamAwareDirectory): KnownTeam[] {
  const teams = new Map<string, KnownTeam>();
  for (const agent of directory.listAgents?.() ?? []) {
    if (agent.teamId === undefined) continue;
    const known = teams.get(agent.teamId);
    if (!known || (known.name === undefined && agent.teamName !== undefined)) {
      teams.set(agent.teamId, {
        id: agent.teamId,
        name: agent.teamName,
        managementUnitId: agent.managementUnitId,
      });
    }
  }
  return [...teams.values()];
}

/** Team → unit and agent → team lookups from the directory (what drift scopes need to place an agent). */
export function directoryLookups(directory: TeamAwareDirectory): {
  unitOfTeam: (teamId: string) => string | undefined;
  teamOfAgent: (agentId: string) => string | undefined;
} {
  const teams = new Map(listKnownTeams(directory).map((team) => [team.id, team.managementUnitId]));
  return {
    unitOfTeam: (teamId) => teams.get(teamId),
    teamOfAgent: (agentId) => directory.getAgent(agentId)?.teamId,
  };
}

/**
 * Resolves `all`, a management unit or a team by id or name (case-insensitive, units first); several matches
 * by name are ambiguous and answered with the candidates. Pure given the directory.
 */
export function resolveWatchTarget(
  directory: TeamAwareDirectory,
  typed: string,
):
  | { readonly status: 'found'; readonly target: WatchTarget }
  | { readonly status: 'notFound' | 'ambiguous'; readonly candidates: string[] } {
  const wanted = typed
    .trim()
    .replace(/^"(.*)"$/, '$1')
    .toLowerCase();
  if (wanted === 'all' || wanted === '*')
    return { status: 'found', target: { scope: 'all', targetId: '*', label: 'all units' } };
  const units = directory.listUnits();
  const teams = listKnownTeams(directory);
  const unitById = units.find((unit) => unit.id.toLowerCase() === wanted);
  if (unitById)
    return {
      status: 'found',
      target: { scope: 'managementUnit', targetId: unitById.id, label: `unit ${unitById.name}` },
    };
  const teamById = teams.find((team) => team.id.toLowerCase() === wanted);
  if (teamById)
    return {
      status: 'found',
      target: { scope: 'team', targetId: teamById.id, label: `team ${teamById.name ?? teamById.id}` },
    };
  const unitsByName = units.filter((unit) => unit.name.toLowerCase() === wanted);
  const teamsByName = teams.filter((team) => team.name?.toLowerCase() === wanted);
  const matches: WatchTarget[] = [
    ...unitsByName.map((unit) => ({
      scope: 'managementUnit' as const,
      targetId: unit.id,
      label: `unit ${unit.name}`,
    })),
    ...teamsByName.map((team) => ({
      scope: 'team' as const,
      targetId: team.id,
      label: `team ${team.name ?? team.id}`,
    })),
  ];
  if (matches.length === 1) return { status: 'found', target: matches[0] };
  if (matches.length > 1)
    return { status: 'ambiguous', candidates: matches.map((match) => `${match.label} (${match.targetId})`) };
  return {
    status: 'notFound',
    candidates: [
      ...units.map((unit) => `unit ${unit.name}`),
      ...teams.map((team) => `team ${team.name ?? team.id}`),
    ].slice(0, 20),
  };
}
