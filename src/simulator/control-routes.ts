import type { NewAgentRequest } from './centre-changes';
import { FAULT_KINDS, type FaultSpec } from './fault-injector';
import { HttpRouter, type HttpReply, type HttpRequestContext } from './http-router';
import type { ScheduleChangeRequest } from './schedule-change';
import type { SimulatorControl } from './simulator-control';
import { errorBody } from './wire-format';

const ok = (body: unknown): HttpReply => ({ status: 200, body });
const bad = (message: string): HttpReply => ({ status: 400, body: errorBody(400, 'bad.request', message) });

function jsonBody(ctx: HttpRequestContext): Record<string, unknown> | undefined {
  if (ctx.rawBody.trim() === '') return {};
  try {
    const value: unknown = JSON.parse(ctx.rawBody);
    return typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

function guarded(run: () => HttpReply): HttpReply {
  try {
    return run();
  } catch (error) {
    if (error instanceof RangeError || error instanceof SyntaxError) return bad(error.message);
    throw error;
  }
}

/** The `/_simulator/...` HTTP twin of {@link SimulatorControl} (no token needed). */
export function createControlRouter(control: SimulatorControl): HttpRouter<undefined> {
  const router = new HttpRouter<undefined>();
  router.add('GET', '/_simulator/clock', () => ok(control.clock()));
  router.add('POST', '/_simulator/clock/advance', (ctx) => {
    const body = jsonBody(ctx);
    const ms = Number(body?.ms);
    if (!body || !Number.isFinite(ms) || ms < 0) return bad('body must be {"ms": <non-negative number>}');
    control.advance(ms);
    return ok(control.clock());
  });
  router.add('GET', '/_simulator/agents', (ctx) =>
    ok(control.listAgents(ctx.url.searchParams.get('managementUnitId') ?? undefined)),
  );
  router.add('GET', '/_simulator/agents/:agentId', (ctx) => {
    const agent = control.getAgent(ctx.params.agentId);
    return agent
      ? ok(agent)
      : { status: 404, body: errorBody(404, 'not.found', `Agent ${ctx.params.agentId} not found`) };
  });
  for (const method of ['PUT', 'POST']) {
    router.add(method, '/_simulator/agents/:agentId/activity', (ctx) => {
      const body = jsonBody(ctx);
      if (!body)
        return bad(
          'body must be a JSON object {systemPresence?, routingStatus?, actualActivityCategory?, followSchedule?}',
        );
      if (!control.getAgent(ctx.params.agentId))
        return { status: 404, body: errorBody(404, 'not.found', `Agent ${ctx.params.agentId} not found`) };
      return guarded(() => ok(control.setAgentActivity(ctx.params.agentId, body)));
    });
  }
  router.add('POST', '/_simulator/agents', (ctx) => {
    const body = jsonBody(ctx);
    if (!body || typeof body.managementUnitId !== 'string')
      return bad('body must be {"managementUnitId": "...", "name"?, "email"?, "shiftStartsInMinutes"?}');
    return guarded(() => ok(control.addAgent(body as unknown as NewAgentRequest)));
  });
  router.add('POST', '/_simulator/agents/:agentId/removal', (ctx) =>
    guarded(() => ok(control.removeAgentFromUnit(ctx.params.agentId))),
  );
  router.add('PUT', '/_simulator/agents/:agentId/explanation', (ctx) => {
    const body = jsonBody(ctx);
    if (!body || !['Pending', 'Approved', 'Denied'].includes(body.status as string))
      return bad('body must be {"status": "Pending"|"Approved"|"Denied", "asExplained"?: boolean}');
    return guarded(() =>
      ok(
        control.explainAgent(ctx.params.agentId, {
          status: body.status as 'Pending' | 'Approved' | 'Denied',
          asExplained: body.asExplained === true,
        }),
      ),
    );
  });
  router.add('POST', '/_simulator/units', (ctx) => {
    const body = jsonBody(ctx);
    if (!body) return bad('body must be a JSON object {name?, agents?}');
    return guarded(() => ok(control.addUnit(body)));
  });
  router.add('DELETE', '/_simulator/units/:muId', (ctx) =>
    guarded(() => ok({ agentsRemoved: control.removeUnit(ctx.params.muId) })),
  );
  router.add('PUT', '/_simulator/tokens', (ctx) => {
    const body = jsonBody(ctx);
    const seconds = Number(body?.expiresInSeconds);
    if (!body || !Number.isFinite(seconds) || seconds <= 0)
      return bad('body must be {"expiresInSeconds": <positive number>}');
    return guarded(() => {
      control.setTokenLifetime(seconds);
      return ok({ expiresInSeconds: seconds });
    });
  });
  router.add('GET', '/_simulator/units', () => ok(control.listUnits()));
  router.add('GET', '/_simulator/teams', () => ok(control.listTeams()));
  router.add('GET', '/_simulator/supervisors', () => ok(control.listSupervisors()));
  router.add('GET', '/_simulator/channels', () => ok(control.listChannels()));
  router.add('GET', '/_simulator/counters', () => ok(control.getCounters()));
  router.add('POST', '/_simulator/units/:muId/schedule-changes', (ctx) => {
    const body = jsonBody(ctx);
    if (!body)
      return bad(
        'body must be a JSON object {startAt?, durationMinutes?, activityCodeName?, agentIds?, publish?}',
      );
    const request = {
      ...body,
      startAt: typeof body.startAt === 'string' ? Date.parse(body.startAt) : body.startAt,
    } as ScheduleChangeRequest;
    return guarded(() => ok(control.publishScheduleChange(ctx.params.muId, request)));
  });
  router.add('POST', '/_simulator/faults', (ctx) => {
    const body = jsonBody(ctx);
    if (!body || !(FAULT_KINDS as readonly string[]).includes(body.kind as string))
      return bad(`body.kind must be one of ${FAULT_KINDS.join(', ')}`);
    return guarded(() => ok(control.injectFault(body as unknown as FaultSpec)));
  });
  return router;
}
