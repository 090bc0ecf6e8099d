import { randomUUID } from 'node:crypto';
import { startTimer } from '../platform/timers';
import type { Agent, BusinessUnit } from './contact-centre';
import type { AsyncSearchOutcome } from './fault-injector';
import type { HttpReply } from './http-router';
import { badRequest, isTrue, ok, parseJson, type Ctx } from './rest-replies';
import type { RestRouteOptions } from './rest-routes';
import * as wire from './wire-format';

/** What the schedule search reads besides the route dependencies. */
export interface ScheduleSearchOptions extends RestRouteOptions {
  /** A 403 reply unless the client has one of `permissions`. */
  readonly requireAny: (...permissions: string[]) => HttpReply | undefined;
  readonly businessUnit: (id: string) => BusinessUnit | undefined;
}

/**
 * The agent schedules search of a management or business unit: `candidates` filtered by the body's userIds,
 * answered at once, through a download, or `Processing` with the result announced on `completionTopic`.
 */
export function createScheduleSearch(
  deps: ScheduleSearchOptions,
): (ctx: Ctx, buId: string, candidates: readonly Agent[], completionTopic: string) => HttpReply {
  const { hub, downloads, options, faults, counters, requireAny, businessUnit } = deps;
  // Agent schedules search (MyPureCloud/platform-client-sdk-javascript build/docs/WorkforceManagementApi.md).
  // Genesys answers `Processing` when it chooses to (large requests; SDK:
  // forceAsync forces it for testing), then announces completion on a notification topic with a downloadUrl.
  const searchAsync = (
    ctx: Ctx,
    topic: string,
    result: unknown,
    businessUnitId: string,
    outcome: AsyncSearchOutcome,
  ): HttpReply => {
    const operationId = randomUUID();
    counters.asyncScheduleSearches += 1;
    if (outcome !== 'never') {
      startTimer(
        () =>
          hub.publish(
            topic,
            outcome === 'error'
              ? {
                  operationId,
                  status: 'Error',
                  error: {
                    status: 500,
                    code: 'internal.server.error',
                    message: 'The schedule search failed',
                  },
                }
              : { operationId, status: 'Complete', businessUnitId, downloadUrl: downloads.put(result) },
            false,
          ),
        options.asyncSearchDelayMs,
        true,
      );
    }
    return ok({ status: 'Processing', operationId });
  };
  const search = (
    ctx: Ctx,
    buId: string,
    candidates: readonly Agent[],
    completionTopic: string,
  ): HttpReply => {
    const denied = requireAny('wfm:schedule:view', 'wfm:publishedSchedule:view');
    if (denied) return denied;
    const parsed = parseJson(ctx);
    if (parsed.error) return parsed.error;
    const body = parsed.value as { startDate?: unknown; endDate?: unknown; userIds?: unknown } | undefined;
    const startAt = typeof body?.startDate === 'string' ? Date.parse(body.startDate) : NaN;
    const endAt = typeof body?.endDate === 'string' ? Date.parse(body.endDate) : NaN;
    if (!Number.isFinite(startAt) || !Number.isFinite(endAt) || endAt <= startAt)
      return badRequest('startDate and endDate must be ISO-8601 date-times with startDate before endDate');
    if (
      body!.userIds !== undefined &&
      (!Array.isArray(body!.userIds) || body!.userIds.some((id) => typeof id !== 'string'))
    )
      return badRequest('userIds must be an array of strings');
    const userIds = body!.userIds as string[] | undefined;
    const agents = candidates.filter((a) => !userIds || userIds.includes(a.id));
    const bu = businessUnit(buId)!;
    const published = new Map<string, { id: string; weekDate: string; weekCount: number }>();
    const result = {
      agentSchedules: agents.map((a) => {
        const shifts = a.shifts.filter(
          (s) => s.startAt < endAt && s.startAt + s.lengthMinutes * 60_000 > startAt,
        );
        for (const s of shifts)
          published.set(s.scheduleId, { id: s.scheduleId, weekDate: s.weekDate, weekCount: 1 });
        return {
          user: { id: a.id, selfUri: `/api/v2/users/${a.id}` },
          shifts: shifts.map((s) => wire.scheduleShift(s)),
          fullDayTimeOffMarkers: [],
        };
      }),
      businessUnitTimeZone: bu.timeZone,
      publishedSchedules: [...published.values()],
    };
    const agentDays = agents.length * Math.ceil((endAt - startAt) / 86_400_000);
    const injected = faults.takeAsyncSearch();
    if (
      isTrue(ctx.url.searchParams.get('forceAsync')) ||
      injected !== undefined ||
      agentDays > options.asyncSearchAgentDays
    )
      return searchAsync(ctx, completionTopic, result, bu.id, injected ?? 'complete');
    if (
      isTrue(ctx.url.searchParams.get('forceDownloadService')) ||
      agents.length > options.downloadThreshold
    ) {
      return ok({ status: 'Complete', operationId: randomUUID(), downloadUrl: downloads.put(result) });
    }
    return ok({ status: 'Complete', operationId: randomUUID(), result });
  };
  return search;
}
