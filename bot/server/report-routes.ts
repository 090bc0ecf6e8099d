import type { Request, Response, Server } from 'restify';
import type { DriftScope } from '../../src/analytics/drift-scope';
import { isEmptyScope, narrowScopeToUnit } from '../../src/analytics/drift-scope';
import { identityOf, queryOf, sendError, sendJson } from '../tabs/tab-http';
import type { TabServices } from '../tabs/tab-services';
import { parseReportQuery } from './report-query';
import { describeError } from '../../src/platform/describe-error';

const EVERY_UNIT: DriftScope = { allUnits: true, unitIds: [], teamIds: [] };

/**
 * `GET /api/reports/drift?from=&to=&managementUnit=`: the JSON of `buildDriftReport` (src/analytics/drift-report.ts)
 * over the units the caller may see, or over one of them. Production: a Teams SSO token (`Authorization: Bearer`) of
 * a member of a team whose channel watches the unit (401 without a valid token, 403 outside that scope). Local mode
 * (no BOT_ID): loopback only, no sign-in, every unit. Bad parameters answer 400 with the reason.
 */
export function registerReportRoutes(server: Server, tabs: TabServices): void {
  server.get('/api/reports/drift', async (req: Request, res: Response) => {
    try {
      await answerReport(req, res, tabs);
    } catch (error) {
      tabs.logger.error({ err: describeError(error) }, 'report request failed');
      if (!res.headersSent) sendError(res, 500, 'internal', 'The report could not be built; try again.');
    }
  });
}

async function answerReport(req: Request, res: Response, tabs: TabServices): Promise<void> {
  const auth = await tabs.authenticator.authenticate(identityOf(req));
  if (auth.status === 'refused') return sendError(res, auth.httpStatus, auth.code, auth.message);
  const parsed = parseReportQuery(queryOf(req), tabs.clock.now());
  if (parsed.status === 'invalid') return sendError(res, 400, 'badRequest', parsed.reason);
  const { query } = parsed;

  let scope: DriftScope;
  if (auth.viewer === undefined) {
    // Local mode without a chosen persona: the loopback caller sees every unit.
    scope = EVERY_UNIT;
  } else {
    const access = await tabs.access.resolve(auth.viewer);
    if (isEmptyScope(access.scope))
      return access.isMembershipPartial
        ? sendError(
            res,
            503,
            'membershipUnavailable',
            'Teams could not tell which teams you belong to; try again.',
          )
        : sendError(
            res,
            403,
            'notSupervisor',
            'Reports are for members of a team whose channel watches a management unit or team.',
          );
    scope = access.scope;
  }
  if (query.managementUnitId !== undefined) {
    const unitKnown = tabs.board.unitsOf(EVERY_UNIT).some((unit) => unit.id === query.managementUnitId);
    const narrowed = narrowScopeToUnit(scope, query.managementUnitId, tabs.board.lookups().unitOfTeam);
    if (narrowed === undefined)
      return sendError(res, 403, 'unitNotVisible', 'None of your channels watches that management unit.');
    if (!unitKnown)
      return sendError(
        res,
        400,
        'badRequest',
        `unknown management unit "${query.managementUnitId.slice(0, 80)}"`,
      );
    scope = narrowed;
  }
  sendJson(res, 200, await tabs.board.report(scope, query));
}
