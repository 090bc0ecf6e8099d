import type { Request, Response, Server } from 'restify';
import type { DriftScope } from '../../src/analytics/drift-scope';
import { isEmptyScope, narrowScopeToUnit } from '../../src/analytics/drift-scope';
import { isLocalDate } from '../../src/analytics/local-calendar';
import { isLoopback } from './tab-auth';
import type { TabPage } from './tab-assets';
import { identityOf, queryOf, sendError, sendJson, sendJsonWithEtag } from './tab-http';
import type { TabServices } from './tab-services';
import type { ViewerAccess } from './viewer-access';
import { describeError } from '../../src/platform/describe-error';

/**
 * Hosts allowed to frame the tabs: Teams (web, desktop, mobile) and the Microsoft 365 hosts that run Teams apps
 * (learn.microsoft.com/microsoftteams/platform/tabs/how-to/tab-requirements).
 */
const TEAMS_FRAME_ANCESTORS =
  'teams.microsoft.com *.teams.microsoft.com *.skype.com teams.cloud.microsoft *.cloud.microsoft *.office.com outlook.office.com outlook.office365.com';

/** A refused request: HTTP status, a code for the page and a sentence for people. */
interface Refusal {
  readonly httpStatus: number;
  readonly code: string;
  readonly message: string;
}

/**
 * Registers the two tabs on the bot's restify server (GET only, no body parsing):
 * - pages `/tabs/board` (supervisor board: static tab and channel tab), `/tabs/me` (my drift window) and
 *   `/tabs/config` (the channel tab's configuration page), with a strict Content-Security-Policy;
 * - `/tabs/assets/<name>`: scripts, styles, the Teams theme and the two libraries, from this server (no CDN);
 * - the pages' data: `/tabs/api/whoami`, `/tabs/api/board/now`, `/tabs/api/board/week`, `/tabs/api/me`, and in local
 *   mode `/tabs/api/local/people`.
 * Every data answer is authenticated ({@link TabServices.authenticator}) and limited to what the viewer may see.
 */
export function registerTabRoutes(server: Server, tabs: TabServices): void {
  const { authenticator, board, assets } = tabs;
  const isLocal = authenticator.mode === 'local';
  const route =
    (handler: (req: Request, res: Response) => Promise<void> | void) =>
    async (req: Request, res: Response) => {
      try {
        if (isLocal && !isLoopback(req.socket?.remoteAddress)) {
          sendError(
            res,
            403,
            'loopbackOnly',
            'Without BOT_ID the tabs answer only on this machine (loopback).',
          );
          return;
        }
        await handler(req, res);
      } catch (error) {
        tabs.logger.error({ err: describeError(error), path: req.path?.() }, 'tab request failed');
        if (!res.headersSent) sendError(res, 500, 'internal', 'Something went wrong; try again.');
      }
    };

  const page = (name: TabPage) =>
    route((_req, res) => {
      const html = assets.page(name, authenticator.mode);
      res.writeHead(200, {
        'content-type': 'text/html; charset=utf-8',
        'cache-control': 'no-cache',
        'x-content-type-options': 'nosniff',
        'referrer-policy': 'no-referrer',
        'content-security-policy': [
          "default-src 'none'",
          "script-src 'self'",
          "style-src 'self'",
          "img-src 'self' data:",
          // In Teams, @microsoft/teams-js fetches Microsoft's list of valid host origins from its CDN (and falls back
          // to its bundled list): src/internal/validOrigins.ts of microsoft-teams-library-js.
          `connect-src 'self'${isLocal ? '' : ' https://res.cdn.office.net'}`,
          "base-uri 'none'",
          "form-action 'none'",
          `frame-ancestors ${isLocal ? "'self'" : TEAMS_FRAME_ANCESTORS}`,
        ].join('; '),
      });
      res.end(html);
    });
  server.get('/tabs/board', page('board'));
  server.get('/tabs/me', page('me'));
  server.get('/tabs/config', page('config'));

  server.get(
    '/tabs/assets/:name',
    route((req, res) => {
      // restify types route parameters as `any`; they are the decoded path segments (strings).
      const params = req.params as Readonly<Record<string, string | undefined>> | undefined;
      const file = assets.get(params?.name ?? '');
      if (!file) return sendError(res, 404, 'notFound', 'No such file.');
      if (req.headers['if-none-match'] === file.etag) {
        res.writeHead(304, { etag: file.etag });
        res.end();
        return;
      }
      res.writeHead(200, {
        'content-type': file.contentType,
        'content-length': String(file.body.length),
        etag: file.etag,
        'cache-control': 'no-cache',
        'x-content-type-options': 'nosniff',
      });
      res.end(file.body);
    }),
  );

  /** Authenticates and resolves the viewer's access; answers the refusal itself and returns undefined. */
  const accessOf = async (
    req: Request,
    res: Response,
    options: { readonly channelId?: string } = {},
  ): Promise<ViewerAccess | undefined> => {
    const auth = await authenticator.authenticate(identityOf(req));
    if (auth.status === 'refused') {
      sendError(res, auth.httpStatus, auth.code, auth.message);
      return undefined;
    }
    if (!auth.viewer) {
      sendError(res, 401, 'choosePerson', 'Choose who you are from the simulator’s people.');
      return undefined;
    }
    return tabs.access.resolve(auth.viewer, options);
  };

  /** Refuses unknown or repeated parameters (a typo should not silently widen or narrow what is shown). */
  const readParams = (req: Request, res: Response, known: readonly string[]): URLSearchParams | undefined => {
    const params = queryOf(req);
    for (const name of new Set(params.keys())) {
      const problem = !known.includes(name)
        ? `unknown parameter "${name}"${known.length > 0 ? ` (use ${known.join(', ')})` : ''}`
        : params.getAll(name).length > 1
          ? `give "${name}" once`
          : undefined;
      if (problem !== undefined) {
        sendError(res, 400, 'badRequest', problem);
        return undefined;
      }
    }
    return params;
  };

  server.get(
    '/tabs/api/whoami',
    route(async (req, res) => {
      const params = readParams(req, res, ['channel']);
      if (!params) return;
      const access = await accessOf(req, res, { channelId: params.get('channel') ?? undefined });
      if (!access) return;
      sendJson(res, 200, {
        mode: authenticator.mode,
        name: access.viewer.name ?? access.agent?.name,
        agent: access.agent && { name: access.agent.name },
        isSupervisor: !isEmptyScope(access.scope),
        isMembershipPartial: access.isMembershipPartial,
        channels: access.channels.map((channel) => ({
          channelName: channel.channelName ?? 'a channel',
          teamName: channel.teamName,
        })),
        units: isEmptyScope(access.scope)
          ? []
          : board.unitsOf(access.scope).map((unit) => ({ id: unit.id, name: unit.name })),
        refreshAfterMs: tabs.refreshAfterMs,
      });
    }),
  );

  /** The supervisor scope of a board request: the viewer's channels (or one), narrowed to one unit on request. */
  const boardScope = (access: ViewerAccess, unitId: string | null): DriftScope | Refusal => {
    if (isEmptyScope(access.scope))
      return access.isMembershipPartial
        ? {
            httpStatus: 503,
            code: 'membershipUnavailable',
            message: 'Teams could not tell which teams you belong to right now; try again in a minute.',
          }
        : {
            httpStatus: 403,
            code: 'notSupervisor',
            message:
              'The drift board shows the units that a channel of your team watches. None does yet: in a supervisor channel, mention the bot with "watch all" or "watch <unit or team>".',
          };
    if (unitId === null) return access.scope;
    return (
      narrowScopeToUnit(access.scope, unitId, board.lookups().unitOfTeam) ?? {
        httpStatus: 403,
        code: 'unitNotVisible',
        message: 'None of your channels watches that management unit.',
      }
    );
  };

  const boardRoute = (
    known: readonly string[],
    answer: (req: Request, res: Response, scope: DriftScope, params: URLSearchParams) => Promise<void>,
  ) =>
    route(async (req, res) => {
      const params = readParams(req, res, ['channel', 'managementUnit', ...known]);
      if (!params) return;
      const access = await accessOf(req, res, { channelId: params.get('channel') ?? undefined });
      if (!access) return;
      const scope = boardScope(access, params.get('managementUnit'));
      if ('httpStatus' in scope) return sendError(res, scope.httpStatus, scope.code, scope.message);
      await answer(req, res, scope, params);
    });

  server.get(
    '/tabs/api/board/now',
    boardRoute([], async (req, res, scope) => {
      const drifting = await board.driftingNow(scope);
      sendJsonWithEtag(
        req,
        res,
        { ...drifting, refreshAfterMs: tabs.refreshAfterMs },
        // Minutes tick on the page itself; a new version is a new row, stage, reply or action.
        drifting.rows.map(({ minutes: _minutes, ...row }) => row),
      );
    }),
  );

  server.get(
    '/tabs/api/board/week',
    boardRoute(['week'], async (_req, res, scope, params) => {
      const week = params.get('week') ?? undefined;
      if (week !== undefined && !isLocalDate(week))
        return sendError(
          res,
          400,
          'badRequest',
          `"week" must be a date like 2026-11-23, not "${week.slice(0, 40)}"`,
        );
      try {
        sendJson(res, 200, await board.week(scope, week));
      } catch (error) {
        if (error instanceof RangeError) return sendError(res, 400, 'badRequest', error.message);
        throw error;
      }
    }),
  );

  server.get(
    '/tabs/api/me',
    route(async (req, res) => {
      if (!readParams(req, res, [])) return;
      const access = await accessOf(req, res);
      if (!access) return;
      if (!access.agent)
        return sendError(
          res,
          403,
          'notAnAgent',
          "Your Teams account isn't linked to a Genesys Cloud agent (the link is made by email or sign-in name). If you take calls, ask your admin to check they match.",
        );
      const day = await tabs.ownDay.build(access.agent);
      sendJsonWithEtag(
        req,
        res,
        { ...day, refreshAfterMs: tabs.refreshAfterMs },
        {
          current: day.current && { ...day.current, minutes: 0 },
          today: day.today.map((e) => e.episodeId + e.outcome),
        },
      );
    }),
  );

  server.get(
    '/tabs/api/local/people',
    route((req, res) => {
      if (!isLocal) return sendError(res, 404, 'notFound', 'Only in local mode (no BOT_ID).');
      if (!readParams(req, res, [])) return;
      sendJson(res, 200, { people: tabs.people() });
    }),
  );
}
