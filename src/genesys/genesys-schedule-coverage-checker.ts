import type { ScheduleCoverageChecker } from '../app/ports/schedule-coverage-checker';
import type { Clock } from '../platform/clock';
import type { Logger } from '../platform/logger';
import type { ScheduleCoverage } from '../domain/drift-episode';
import type { GenesysDirectory } from './genesys-directory';
import type { GenesysMetrics } from './genesys-metrics';
import type { GenesysRestClient } from './genesys-rest-client';
import type { GenesysTimers } from './genesys-timers';
import { businessUnitDate } from './genesys-instant';
import { spacedTurns, UnitSearchBatches } from './unit-search-batches';
import { describeError } from '../platform/describe-error';

/** Tunables and collaborators of the coverage checker. */
export interface ScheduleCoverageOptions {
  readonly rest: GenesysRestClient;
  readonly directory: GenesysDirectory;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly timers: GenesysTimers;
  readonly scheduleSearchTimeoutInMs: number;
  /** Counts asynchronous searches and those that did not complete in time. */
  readonly metrics?: GenesysMetrics;
}

interface ScheduledActivity {
  readonly startAt: number;
  readonly endAt: number;
  readonly activityCodeId?: string;
  readonly isTimeOff: boolean;
}

interface CachedSchedule {
  readonly managementUnitId: string;
  readonly windowStartAt: number;
  readonly windowEndAt: number;
  readonly activities: readonly ScheduledActivity[];
  /** Business-unit dates (`YYYY-MM-DD`) with a full-day time-off marker. */
  readonly fullDayOffDates: ReadonlySet<string>;
  readonly timeZone?: string;
}

interface PendingSearch {
  resolve(downloadUrl: string | undefined): void;
}

const LOOK_BACK_MS = 16 * 60 * 60_000;
const MAX_EARLY_NOTIFICATIONS = 100;
// Wide enough to hold the whole shift around `at`, so one search serves every check of that shift.
const LOOK_AHEAD_MS = 12 * 60 * 60_000;

/**
 * Answers, before the first nudge, whether the agent's current schedule covers the drift: an overtime activity code
 * (configured ids: Genesys has no overtime flag) or time off (activity with `timeOffRequestId`, a TimeOff-category
 * code, or a full-day marker). Approved explanations arrive with the adherence events and are judged by the drift core.
 * Schedules are cached per agent for the searched window and dropped on schedule changes. Genesys may answer the search
 * `Processing`: the result then comes as a notification with a `downloadUrl` ({@link onSearchNotification}), awaited up
 * to `scheduleSearchTimeoutInMs`. Any failure or timeout answers `unavailable`, never an exception.
 */
export class GenesysScheduleCoverageChecker implements ScheduleCoverageChecker {
  private readonly cache = new Map<string, CachedSchedule>();
  private readonly pending = new Map<string, PendingSearch>();
  private readonly early = new Map<string, string | undefined>();
  private readonly batches: UnitSearchBatches<CachedSchedule>;
  /** Agents whose schedule is being fetched ahead of need (their search waits for its turn or is in flight). */
  private readonly preparing = new Set<string>();
  private readonly rest: GenesysRestClient;
  private readonly directory: GenesysDirectory;
  private readonly clock: Clock;
  private readonly logger: Logger;
  private readonly timers: GenesysTimers;

  constructor(private readonly options: ScheduleCoverageOptions) {
    this.rest = options.rest;
    this.directory = options.directory;
    this.clock = options.clock;
    this.logger = options.logger;
    this.timers = options.timers;
    this.batches = new UnitSearchBatches({ pace: spacedTurns(options.clock, options.timers.sleep) });
  }

  /**
   * Fetches the agent's schedule for a check expected at `at` (their drift began and a nudge will be due), without
   * waiting: it joins the unit's next search, which goes out at its paced turn, so that the check then finds it cached
   * and the nudge does not wait for Genesys. Failures are left for the check to meet (it searches again).
   */
  prepare(agentId: string, managementUnitId: string, at: number): void {
    if (this.preparing.has(agentId) || this.cached(agentId, managementUnitId, at) !== undefined) return;
    this.preparing.add(agentId);
    void this.searchBatched(agentId, managementUnitId, at, false)
      .catch(() => undefined)
      .finally(() => this.preparing.delete(agentId));
  }

  /** `overtimeActivityCodeIds`: the drift policy's; an activity with one of these codes is overtime. */
  async check(
    agentId: string,
    managementUnitId: string,
    at: number,
    overtimeActivityCodeIds: readonly string[],
  ): Promise<ScheduleCoverage> {
    try {
      let schedule = this.cached(agentId, managementUnitId, at);
      if (schedule === undefined) {
        schedule = await this.searchBatched(agentId, managementUnitId, at);
        // A batch searched the window of its first agent's instant; one far from it is searched alone.
        if (schedule && (at < schedule.windowStartAt || at >= schedule.windowEndAt))
          schedule = (await this.search([agentId], managementUnitId, at))?.get(agentId);
        if (!schedule) return 'unavailable';
        this.cache.set(agentId, schedule);
      }
      return this.coverageAt(schedule, at, overtimeActivityCodeIds);
    } catch (error) {
      this.logger.warn(
        { agentId, managementUnitId, err: describeError(error) },
        'Schedule lookup failed; coverage unavailable',
      );
      return 'unavailable';
    }
  }

  /**
   * Takes the body of a search completion notification: `v2.users.{id}.workforcemanagement.agentschedules.managementunit
   * .search.complete` (`{operationId, status, downloadUrl, error}`, model WfmAgentMuScheduleSearchCompleteTopic... in the
   * SDK's build/index.d.ts) or the older `v2.workforcemanagement.users.{id}.schedules.search` (`{operationId,
   * downloadUrl}`). A failed search (`status: Error`, or no downloadUrl) answers `unavailable`.
   */
  onSearchNotification(body: unknown): void {
    const b = body as { operationId?: unknown; downloadUrl?: unknown; status?: unknown } | undefined;
    if (typeof b?.operationId !== 'string') return;
    const downloadUrl =
      typeof b.downloadUrl === 'string' && b.status !== 'Error' && b.status !== 'Canceled'
        ? b.downloadUrl
        : undefined;
    const waiting = this.pending.get(b.operationId);
    if (waiting) {
      waiting.resolve(downloadUrl);
      return;
    }
    // Kept for a search whose answer is still on its way to us; bounded, since other users of the same OAuth client
    // get their completions on this topic too.
    this.early.set(b.operationId, downloadUrl);
    if (this.early.size > MAX_EARLY_NOTIFICATIONS)
      this.early.delete(this.early.keys().next().value as string);
  }

  /** Forgets cached schedules of a unit (after a schedule change). */
  invalidateUnit(managementUnitId: string): void {
    for (const [agentId, schedule] of this.cache)
      if (schedule.managementUnitId === managementUnitId) this.cache.delete(agentId);
  }

  /** Forgets cached schedules of some agents. */
  invalidateAgents(agentIds: readonly string[]): void {
    for (const agentId of agentIds) this.cache.delete(agentId);
  }

  private coverageAt(
    schedule: CachedSchedule,
    at: number,
    overtimeActivityCodeIds: readonly string[],
  ): ScheduleCoverage {
    if (
      schedule.fullDayOffDates.size > 0 &&
      schedule.fullDayOffDates.has(businessUnitDate(at, schedule.timeZone))
    )
      return 'timeOff';
    const activity = schedule.activities.find((a) => a.startAt <= at && at < a.endAt);
    if (!activity) return 'clear';
    if (activity.isTimeOff) return 'timeOff';
    if (activity.activityCodeId !== undefined && overtimeActivityCodeIds.includes(activity.activityCodeId))
      return 'overtime';
    return 'clear';
  }

  /** The cached schedule of the agent if it is of the unit and its window holds `at`. */
  private cached(agentId: string, managementUnitId: string, at: number): CachedSchedule | undefined {
    const schedule = this.cache.get(agentId);
    return schedule !== undefined &&
      schedule.managementUnitId === managementUnitId &&
      at >= schedule.windowStartAt &&
      at < schedule.windowEndAt
      ? schedule
      : undefined;
  }

  /**
   * The agent's schedule from a search of their unit shared with the agents checked meanwhile; `isUrgent` false: a
   * fetch ahead of need, which waits for its paced turn unless a check joins it.
   */
  private searchBatched(
    agentId: string,
    managementUnitId: string,
    at: number,
    isUrgent = true,
  ): Promise<CachedSchedule | undefined> {
    return this.batches.find(
      managementUnitId,
      agentId,
      async (agentIds) => {
        const startedAt = this.clock.now();
        const schedules = await this.search(agentIds, managementUnitId, at);
        const tookMs = this.clock.now() - startedAt;
        if (tookMs > 5_000)
          this.logger.warn({ managementUnitId, agents: agentIds.length, tookMs }, 'Schedule search was slow');
        for (const [id, schedule] of schedules ?? []) this.cache.set(id, schedule);
        return schedules;
      },
      isUrgent,
    );
  }

  private async search(
    agentIds: readonly string[],
    managementUnitId: string,
    at: number,
  ): Promise<ReadonlyMap<string, CachedSchedule> | undefined> {
    const windowStartAt = at - LOOK_BACK_MS;
    const windowEndAt = at + LOOK_AHEAD_MS;
    const { data } = await this.rest.send<SearchResponse>({
      method: 'POST',
      path: `/api/v2/workforcemanagement/managementunits/${encodeURIComponent(managementUnitId)}/agentschedules/search`,
      body: {
        startDate: new Date(windowStartAt).toISOString(),
        endDate: new Date(windowEndAt).toISOString(),
        userIds: agentIds,
      },
    });
    const agentId = agentIds.length === 1 ? agentIds[0] : agentIds;
    let result = data?.result;
    if (data?.status === 'Processing') {
      // The answer comes later as a notification with a downloadUrl (SDK notificationMappings.json:
      // v2.users.{id}.workforcemanagement.agentschedules.managementunit.search.complete); wait a bounded time.
      const metrics = this.options.metrics;
      if (metrics) metrics.asyncScheduleSearches++;
      const downloadUrl =
        typeof data.operationId === 'string' ? await this.awaitNotification(data.operationId) : undefined;
      if (!downloadUrl) {
        if (metrics) metrics.asyncScheduleSearchTimeouts++;
        this.logger.warn(
          { agentId, operationId: data.operationId },
          'Asynchronous schedule search did not complete in time (or failed); the nudge goes out unchecked',
        );
        return undefined;
      }
      result = await this.rest.get<SearchResult>(downloadUrl);
    } else if (data?.status === 'Complete' && !result && typeof data.downloadUrl === 'string') {
      result = await this.rest.get<SearchResult>(data.downloadUrl);
    } else if (data?.status !== 'Complete') {
      this.logger.warn({ agentId, status: data?.status }, 'Schedule search did not complete');
      return undefined;
    }
    return new Map(
      agentIds.map((id) => [id, this.toSchedule(result, id, managementUnitId, windowStartAt, windowEndAt)]),
    );
  }

  private awaitNotification(operationId: string): Promise<string | undefined> {
    if (this.early.has(operationId)) {
      const url = this.early.get(operationId);
      this.early.delete(operationId);
      return Promise.resolve(url);
    }
    return new Promise((resolve) => {
      const cancel = this.timers.startTimer(() => finish(undefined), this.options.scheduleSearchTimeoutInMs);
      const finish = (url: string | undefined): void => {
        cancel();
        this.pending.delete(operationId);
        resolve(url);
      };
      this.pending.set(operationId, { resolve: finish });
    });
  }

  private toSchedule(
    result: SearchResult | undefined,
    agentId: string,
    managementUnitId: string,
    windowStartAt: number,
    windowEndAt: number,
  ): CachedSchedule {
    const mine = result?.agentSchedules?.find((s) => s?.user?.id === agentId);
    const activities: ScheduledActivity[] = [];
    for (const shift of mine?.shifts ?? []) {
      for (const a of shift?.activities ?? []) {
        const startAt = typeof a?.startDate === 'string' ? Date.parse(a.startDate) : NaN;
        if (!Number.isFinite(startAt) || typeof a.lengthMinutes !== 'number') continue;
        const activityCodeId = typeof a.activityCodeId === 'string' ? a.activityCodeId : undefined;
        const category = activityCodeId
          ? this.directory.getActivityCode(activityCodeId)?.category
          : undefined;
        const isTimeOff =
          (typeof a.timeOffRequestId === 'string' && a.timeOffRequestId !== '') || category === 'TimeOff';
        activities.push({ startAt, endAt: startAt + a.lengthMinutes * 60_000, activityCodeId, isTimeOff });
      }
    }
    const fullDayOffDates = new Set<string>();
    for (const marker of mine?.fullDayTimeOffMarkers ?? [])
      if (typeof marker?.businessUnitDate === 'string')
        fullDayOffDates.add(marker.businessUnitDate.slice(0, 10));
    const timeZone =
      typeof result?.businessUnitTimeZone === 'string'
        ? result.businessUnitTimeZone
        : this.directory.getUnit(managementUnitId)?.timeZone;
    return { managementUnitId, windowStartAt, windowEndAt, activities, fullDayOffDates, timeZone };
  }
}

interface SearchResponse {
  status?: unknown;
  operationId?: unknown;
  downloadUrl?: unknown;
  result?: SearchResult;
}

interface SearchResult {
  businessUnitTimeZone?: unknown;
  agentSchedules?: Array<{
    user?: { id?: unknown };
    shifts?: Array<{
      activities?: Array<{
        startDate?: unknown;
        lengthMinutes?: unknown;
        activityCodeId?: unknown;
        timeOffRequestId?: unknown;
      }>;
    }>;
    fullDayTimeOffMarkers?: Array<{ businessUnitDate?: unknown }>;
  }>;
}
