import type { AdherenceEngine } from './adherence-engine';
import type { Agent, ContactCentre } from './contact-centre';
import type { DownloadStore } from './download-store';
import type { FaultInjector } from './fault-injector';
import { HttpRouter, type HttpReply } from './http-router';
import type { NotificationHub } from './notification-hub';
import type { SimulatorCounters } from './simulator-counters';
import type { ResolvedSimulatorOptions } from './simulator-options';
import type { IssuedToken } from './token-issuer';
import { badRequest, isTrue, notFound, ok, parseJson, type Ctx } from './rest-replies';
import { createScheduleSearch } from './schedule-search-route';
import * as wire from './wire-format';

/** What the REST routes read and write. */
export interface RestRouteOptions {
  readonly centre: ContactCentre;
  readonly engine: AdherenceEngine;
  readonly hub: NotificationHub;
  readonly downloads: DownloadStore;
  readonly options: ResolvedSimulatorOptions;
  readonly faults: FaultInjector;
  readonly counters: SimulatorCounters;
}

/**
 * Builds the `/api/v2/...` routes (MyPureCloud/platform-client-sdk-javascript build/docs/NotificationsApi.md,
 * MyPureCloud/platform-client-sdk-javascript build/docs/WorkforceManagementApi.md, UsersApi.md); every handler
 * runs after token and rate-limit checks.
 */
export function createRestRouter(deps: RestRouteOptions): HttpRouter<IssuedToken> {
  const { centre, engine, hub, downloads, options } = deps;
  const router = new HttpRouter<IssuedToken>();
  const caller = (ctx: Ctx) => ({
    clientId: ctx.auth.clientId,
    accessToken: ctx.auth.accessToken,
    tokenExpiresAt: ctx.auth.expiresAt,
  });
  const requireAny = (...permissions: string[]): HttpReply | undefined =>
    permissions.some((p) => options.permissions.includes(p))
      ? undefined
      : {
          status: 403,
          // UNCONFIRMED: the code of a REST permission failure; Genesys lists the missing permissions in the
          // message.
          body: wire.errorBody(
            403,
            'missing.any.permissions',
            `Unable to perform the requested action. You are missing the following permission(s): ${permissions.join(', ')}`,
          ),
        };
  const unit = (id: string) => centre.managementUnits.find((u) => u.id === id);
  const businessUnit = (id: string) => centre.businessUnits.find((b) => b.id === id);
  const people = () => [...centre.supervisors, ...centre.agents, ...centre.formerAgents];
  const searchSchedules = createScheduleSearch({ ...deps, requireAny, businessUnit });

  // Notifications (MyPureCloud/platform-client-sdk-javascript build/docs/NotificationsApi.md).
  router.add('POST', '/api/v2/notifications/channels', (ctx) => ok(hub.createChannel(caller(ctx))));
  router.add('GET', '/api/v2/notifications/channels', (ctx) =>
    ok(hub.listChannels(caller(ctx), ctx.url.searchParams.get('includechannels'))),
  );
  router.add('HEAD', '/api/v2/notifications/channels/:channelId', (ctx) =>
    hub.headChannel(caller(ctx), ctx.params.channelId),
  );
  router.add('GET', '/api/v2/notifications/channels/:channelId/subscriptions', (ctx) =>
    hub.getSubscriptions(caller(ctx), ctx.params.channelId),
  );
  for (const method of ['POST', 'PUT'] as const) {
    router.add(method, '/api/v2/notifications/channels/:channelId/subscriptions', (ctx) => {
      const body = parseJson(ctx);
      if (body.error) return body.error;
      const ignoreErrors = isTrue(ctx.url.searchParams.get('ignoreErrors'));
      return hub.subscribe(
        caller(ctx),
        ctx.params.channelId,
        body.value,
        method === 'POST' ? 'add' : 'replace',
        ignoreErrors,
      );
    });
  }
  router.add('DELETE', '/api/v2/notifications/channels/:channelId/subscriptions', (ctx) =>
    hub.unsubscribeAll(caller(ctx), ctx.params.channelId),
  );

  // Org structure (MyPureCloud/platform-client-sdk-javascript build/docs/WorkforceManagementApi.md).
  router.add('GET', '/api/v2/workforcemanagement/businessunits', () =>
    ok({ entities: centre.businessUnits.map((b) => wire.businessUnitListItem(centre, b)) }),
  );
  router.add('GET', '/api/v2/workforcemanagement/managementunits', () =>
    ok({
      entities: centre.managementUnits.map((u) => wire.managementUnit(centre, u, false, options.startAt)),
    }),
  );
  router.add('GET', '/api/v2/workforcemanagement/businessunits/:buId/managementunits', (ctx) => {
    // UNCONFIRMED: `mine` (MyPureCloud/platform-client-sdk-javascript build/docs/WorkforceManagementApi.md)
    // means the caller's own BU; a client-credentials token has none, so it is not found.
    const bu = businessUnit(ctx.params.buId);
    if (!bu) return notFound(`Business unit ${ctx.params.buId}`);
    return ok({
      entities: centre.managementUnits
        .filter((u) => u.businessUnitId === bu.id)
        .map((u) => wire.managementUnit(centre, u, false, options.startAt)),
    });
  });
  router.add('GET', '/api/v2/workforcemanagement/managementunits/:muId', (ctx) => {
    const mu = unit(ctx.params.muId);
    if (!mu) return notFound(`Management unit ${ctx.params.muId}`);
    const expand = ctx.url.searchParams.getAll('expand').flatMap((e) => e.split(','));
    return ok(
      wire.managementUnit(
        centre,
        mu,
        expand.includes('settings.adherence') || expand.includes('settings'),
        options.startAt,
      ),
    );
  });
  router.add('GET', '/api/v2/workforcemanagement/managementunits/:muId/users', (ctx) => {
    const mu = unit(ctx.params.muId);
    if (!mu) return notFound(`Management unit ${ctx.params.muId}`);
    return ok({
      entities: centre.agents
        .filter((a) => a.managementUnitId === mu.id)
        .map((a) => ({ id: a.id, selfUri: `/api/v2/users/${a.id}` })),
    });
  });
  router.add('GET', '/api/v2/workforcemanagement/agents/:agentId/managementunit', (ctx) => {
    const denied = requireAny('wfm:agent:view', 'wfm:managementUnit:view');
    if (denied) return denied;
    const agent = centre.agents.find((a) => a.id === ctx.params.agentId);
    // UNCONFIRMED: a user who is in no management unit answers 404 (the SDK's WorkforceManagementApi.md shows
    // only success).
    if (!agent) return notFound(`Management unit of agent ${ctx.params.agentId}`);
    return ok({
      user: { id: agent.id, selfUri: `/api/v2/users/${agent.id}` },
      managementUnit: {
        id: agent.managementUnitId,
        selfUri: `/api/v2/workforcemanagement/managementunits/${agent.managementUnitId}`,
      },
      businessUnit: {
        id: agent.businessUnitId,
        selfUri: `/api/v2/workforcemanagement/businessunits/${agent.businessUnitId}`,
      },
    });
  });
  router.add('GET', '/api/v2/workforcemanagement/businessunits/:buId/activitycodes', (ctx) => {
    const bu = businessUnit(ctx.params.buId);
    if (!bu) return notFound(`Business unit ${ctx.params.buId}`);
    return ok({ entities: bu.activityCodes.map((c) => wire.activityCode(bu, c)) });
  });

  // Real-time adherence (MyPureCloud/platform-client-sdk-javascript build/docs/WorkforceManagementApi.md): all
  // need wfm:realtimeAdherence:view.
  const listing = (ctx: Ctx, agents: readonly Agent[]): HttpReply => {
    const entities = agents.map((a) => wire.userScheduleAdherence(centre, engine.get(a.id)!));
    if (
      isTrue(ctx.url.searchParams.get('forceDownloadService')) ||
      agents.length > options.downloadThreshold
    ) {
      // Too-big results carry only `downloadUrl` (MyPureCloud/platform-client-sdk-javascript build/index.d.ts,
      // `UserScheduleAdherenceListing`). UNCONFIRMED: the document there is the listing itself.
      return ok({ downloadUrl: downloads.put({ entities }) });
    }
    return ok({ entities });
  };
  router.add('GET', '/api/v2/workforcemanagement/managementunits/:muId/adherence', (ctx) => {
    const denied = requireAny('wfm:realtimeAdherence:view');
    if (denied) return denied;
    const mu = unit(ctx.params.muId);
    if (!mu) return notFound(`Management unit ${ctx.params.muId}`);
    return listing(
      ctx,
      centre.agents.filter((a) => a.managementUnitId === mu.id),
    );
  });
  router.add('GET', '/api/v2/workforcemanagement/teams/:teamId/adherence', (ctx) => {
    const denied = requireAny('wfm:realtimeAdherence:view');
    if (denied) return denied;
    const team = centre.teams.find((t) => t.id === ctx.params.teamId);
    if (!team) return notFound(`Team ${ctx.params.teamId}`);
    return listing(
      ctx,
      centre.agents.filter((a) => a.teamId === team.id),
    );
  });
  router.add('GET', '/api/v2/workforcemanagement/adherence', (ctx) => {
    const denied = requireAny('wfm:realtimeAdherence:view');
    if (denied) return denied;
    // The official JS SDK sends this `multi` parameter comma-joined (`userId=a,b`, seen from
    // purecloud-platform-client-v2
    // 262 against a local server), so Genesys accepts both forms; we split commas as well as repeats.
    const ids = ctx.url.searchParams
      .getAll('userId')
      .flatMap((id) => id.split(','))
      .filter((id) => id !== '');
    // Repeated userId, min 1, max 100 per request (MyPureCloud/platform-client-sdk-javascript
    // build/docs/WorkforceManagementApi.md).
    if (ids.length < 1 || ids.length > 100)
      return badRequest(`userId must be given between 1 and 100 times (got ${ids.length})`);
    // UNCONFIRMED: ids that are not WFM agents are left out of the array rather than failing the request.
    return ok(
      ids
        .map((id) => engine.get(id))
        .filter((s) => s !== undefined)
        .map((s) => wire.userScheduleAdherence(centre, s)),
    );
  });

  router.add('POST', '/api/v2/workforcemanagement/managementunits/:muId/agentschedules/search', (ctx) => {
    const mu = unit(ctx.params.muId);
    if (!mu) return notFound(`Management unit ${ctx.params.muId}`);
    // UNCONFIRMED which {id}: for a client-credentials token the requester is the OAuth client (public
    // client-credentials integrations subscribe v2.users.{client id}.workforcemanagement.* result topics).
    return searchSchedules(
      ctx,
      mu.businessUnitId,
      centre.agents.filter((a) => a.managementUnitId === mu.id),
      `v2.users.${ctx.auth.clientId}.workforcemanagement.agentschedules.managementunit.search.complete`,
    );
  });
  router.add('POST', '/api/v2/workforcemanagement/businessunits/:buId/agentschedules/search', (ctx) => {
    const bu = businessUnit(ctx.params.buId);
    if (!bu) return notFound(`Business unit ${ctx.params.buId}`);
    return searchSchedules(
      ctx,
      bu.id,
      centre.agents.filter((a) => a.businessUnitId === bu.id),
      `v2.workforcemanagement.users.${ctx.auth.clientId}.schedules.search`,
    );
  });

  // Users (MyPureCloud/platform-client-sdk-javascript build/docs/UsersApi.md).
  router.add('GET', '/api/v2/users', (ctx) => {
    const params = ctx.url.searchParams;
    const pageSize = Math.min(500, Math.max(1, Number(params.get('pageSize') ?? 25) || 25));
    const pageNumber = Math.max(1, Number(params.get('pageNumber') ?? 1) || 1);
    const state = params.get('state') ?? 'active';
    const ids = params
      .getAll('id')
      .flatMap((i) => i.split(','))
      .filter((i) => i !== '');
    let selected = people().filter((p) => state === 'any' || p.state === state);
    if (ids.length > 0)
      selected = ids.map((id) => selected.find((p) => p.id === id)).filter((p) => p !== undefined);
    const total = selected.length;
    const pageCount = Math.max(1, Math.ceil(total / pageSize));
    const page = selected.slice((pageNumber - 1) * pageSize, pageNumber * pageSize);
    const uri = (n: number) => `/api/v2/users?pageSize=${pageSize}&pageNumber=${n}`;
    return ok(
      wire.compact({
        entities: page.map((p) => wire.user(centre, p)),
        pageSize,
        pageNumber,
        total,
        pageCount,
        firstUri: uri(1),
        selfUri: uri(pageNumber),
        lastUri: uri(pageCount),
        nextUri: pageNumber < pageCount ? uri(pageNumber + 1) : undefined,
        previousUri: pageNumber > 1 ? uri(pageNumber - 1) : undefined,
      }),
    );
  });
  router.add('GET', '/api/v2/users/:userId', (ctx) => {
    const person = people().find((p) => p.id === ctx.params.userId);
    return person ? ok(wire.user(centre, person)) : notFound(`User ${ctx.params.userId}`);
  });
  return router;
}
