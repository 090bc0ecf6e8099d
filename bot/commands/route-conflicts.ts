import type { RouteRecord, RouteScope } from '../../src/app/ports/route-store';

/** A route being asked for: what it covers. */
export interface RouteTarget {
  readonly scope: RouteScope;
  readonly targetId: string;
}

/**
 * Routes of other channels that get alerts `target` covers today, so a new route here would silently take them (a team
 * route outranks a unit route, which outranks `watch all`) or silently get nothing (an older route of the same target
 * wins): the same target, or a broader one that includes it. Pure; the caller drops routes of dead channels.
 */
export function findCoveringRoutes(
  routes: readonly RouteRecord[],
  target: RouteTarget,
  hereKey: string,
  unitOfTeam: (teamId: string) => string | undefined,
): RouteRecord[] {
  const teamUnit = target.scope === 'team' ? unitOfTeam(target.targetId) : undefined;
  return routes.filter((route) => {
    if (route.conversationKey === hereKey) return false;
    if (route.scope === target.scope && route.targetId === target.targetId) return true;
    if (target.scope === 'team')
      return route.scope === 'all' || (route.scope === 'managementUnit' && route.targetId === teamUnit);
    if (target.scope === 'managementUnit') return route.scope === 'all';
    return false;
  });
}

/** Routes of other channels inside `target` that keep their alerts (a narrower route outranks the new one). Pure. */
export function findNarrowerRoutes(
  routes: readonly RouteRecord[],
  target: RouteTarget,
  hereKey: string,
  unitOfTeam: (teamId: string) => string | undefined,
): RouteRecord[] {
  return routes.filter((route) => {
    if (route.conversationKey === hereKey) return false;
    if (target.scope === 'all') return route.scope !== 'all';
    if (target.scope === 'managementUnit')
      return route.scope === 'team' && unitOfTeam(route.targetId) === target.targetId;
    return false;
  });
}
