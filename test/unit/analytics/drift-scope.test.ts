import assert from 'node:assert/strict';
import type { RouteRecord } from '../../../src/app/ports/route-store';
import {
  isEmptyScope,
  isInScope,
  mergeScopes,
  narrowScopeToUnit,
  scopeOfRoutes,
  unitsToRead,
} from '../../../src/analytics/drift-scope';

const route = (scope: RouteRecord['scope'], targetId: string): RouteRecord => ({
  scope,
  targetId,
  conversationKey: 'channel:1',
  createdAt: 0,
});
const unitOfTeam = (teamId: string): string | undefined =>
  ({ 'team-red': 'mu-north', 'team-green': 'mu-south' })[teamId];

describe('drift scope', () => {
  it('sees a watched unit whole and a watched team only', () => {
    const scope = scopeOfRoutes([route('managementUnit', 'mu-north'), route('team', 'team-green')]);
    assert.ok(isInScope(scope, 'mu-north', undefined));
    assert.ok(isInScope(scope, 'mu-south', 'team-green'));
    assert.ok(!isInScope(scope, 'mu-south', 'team-blue'));
    assert.deepEqual(unitsToRead(scope, unitOfTeam), ['mu-north', 'mu-south']);
  });

  it('lets `watch all` win over everything else', () => {
    const scope = mergeScopes([
      scopeOfRoutes([route('team', 'team-red')]),
      scopeOfRoutes([route('all', '*')]),
    ]);
    assert.ok(scope.allUnits);
    assert.equal(unitsToRead(scope, unitOfTeam), undefined);
    assert.deepEqual(narrowScopeToUnit(scope, 'mu-x', unitOfTeam), {
      allUnits: false,
      unitIds: ['mu-x'],
      teamIds: [],
    });
  });

  it('narrows to the watched teams of a unit, and to nothing outside the scope', () => {
    const scope = scopeOfRoutes([route('team', 'team-green')]);
    assert.deepEqual(narrowScopeToUnit(scope, 'mu-south', unitOfTeam), {
      allUnits: false,
      unitIds: [],
      teamIds: ['team-green'],
    });
    assert.equal(narrowScopeToUnit(scope, 'mu-north', unitOfTeam), undefined);
  });

  it('reads every unit when a watched team is of an unknown unit', () => {
    assert.equal(unitsToRead(scopeOfRoutes([route('team', 'team-unknown')]), unitOfTeam), undefined);
  });

  it('is empty without routes', () => {
    assert.ok(isEmptyScope(scopeOfRoutes([])));
  });
});
