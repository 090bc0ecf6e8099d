import type { DriftHistoryRecord, DriftHistoryStore } from '../app/ports/drift-history-store';
import type { RouteRecord } from '../app/ports/route-store';

/**
 * What a viewer (a supervisor, a channel) may see: every unit, some units, or some work teams. An agent is in scope
 * when their unit or their team is. Built from the routes of the channels that watch (`watch all | unit | team`).
 */
export interface DriftScope {
  readonly allUnits: boolean;
  readonly unitIds: readonly string[];
  readonly teamIds: readonly string[];
}

/** Sees nothing. */
export const EMPTY_SCOPE: DriftScope = Object.freeze({ allUnits: false, unitIds: [], teamIds: [] });

/** The management unit of a work team, if known (teams live inside one unit). */
export type UnitOfTeam = (teamId: string) => string | undefined;

/** The union of what the routes watch (pure). */
export function scopeOfRoutes(routes: Iterable<RouteRecord>): DriftScope {
  const units = new Set<string>();
  const teams = new Set<string>();
  let allUnits = false;
  for (const route of routes) {
    if (route.scope === 'all') allUnits = true;
    else if (route.scope === 'managementUnit') units.add(route.targetId);
    else teams.add(route.targetId);
  }
  return allUnits
    ? { allUnits: true, unitIds: [], teamIds: [] }
    : { allUnits: false, unitIds: [...units].sort(), teamIds: [...teams].sort() };
}

/** The union of several scopes (pure). */
export function mergeScopes(scopes: Iterable<DriftScope>): DriftScope {
  const all = [...scopes];
  if (all.some((scope) => scope.allUnits)) return { allUnits: true, unitIds: [], teamIds: [] };
  return {
    allUnits: false,
    unitIds: [...new Set(all.flatMap((scope) => scope.unitIds))].sort(),
    teamIds: [...new Set(all.flatMap((scope) => scope.teamIds))].sort(),
  };
}

/** Whether the scope sees nothing. */
export function isEmptyScope(scope: DriftScope): boolean {
  return !scope.allUnits && scope.unitIds.length === 0 && scope.teamIds.length === 0;
}

/** Whether an agent of `managementUnitId` (and `teamId`, when known) is in scope. */
export function isInScope(scope: DriftScope, managementUnitId: string, teamId: string | undefined): boolean {
  return (
    scope.allUnits ||
    scope.unitIds.includes(managementUnitId) ||
    (teamId !== undefined && scope.teamIds.includes(teamId))
  );
}

/**
 * The part of `scope` inside one management unit: the whole unit, or only its watched teams; undefined when the
 * scope sees nothing of it.
 */
export function narrowScopeToUnit(
  scope: DriftScope,
  managementUnitId: string,
  unitOfTeam: UnitOfTeam,
): DriftScope | undefined {
  if (scope.allUnits || scope.unitIds.includes(managementUnitId))
    return { allUnits: false, unitIds: [managementUnitId], teamIds: [] };
  const teamIds = scope.teamIds.filter((teamId) => unitOfTeam(teamId) === managementUnitId);
  return teamIds.length === 0 ? undefined : { allUnits: false, unitIds: [], teamIds };
}

/**
 * The management units whose rows must be read to cover the scope: undefined = every unit. A team whose unit is
 * unknown makes every unit needed (its rows are filtered by team afterwards).
 */
export function unitsToRead(scope: DriftScope, unitOfTeam: UnitOfTeam): string[] | undefined {
  if (scope.allUnits) return undefined;
  const units = new Set(scope.unitIds);
  for (const teamId of scope.teamIds) {
    const unitId = unitOfTeam(teamId);
    if (unitId === undefined) return undefined;
    units.add(unitId);
  }
  return [...units].sort();
}

/**
 * The drift history of episodes that started in [from, to) and are in scope. `teamOf` supplies an agent's team when
 * an older row has none.
 */
export async function readScopedHistory(
  history: Pick<DriftHistoryStore, 'list'>,
  scope: DriftScope,
  period: { readonly from: number; readonly to: number },
  lookups: { readonly unitOfTeam: UnitOfTeam; readonly teamOfAgent: (agentId: string) => string | undefined },
): Promise<DriftHistoryRecord[]> {
  if (isEmptyScope(scope)) return [];
  const records: DriftHistoryRecord[] = [];
  const managementUnitIds = unitsToRead(scope, lookups.unitOfTeam);
  for await (const record of history.list({ from: period.from, to: period.to, managementUnitIds })) {
    const { episode } = record;
    const teamId = episode.teamId ?? lookups.teamOfAgent(episode.agentId);
    if (isInScope(scope, episode.managementUnitId, teamId)) records.push(record);
  }
  return records;
}
