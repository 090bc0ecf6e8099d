import { buildDriftReport, type DriftReport } from '../../src/analytics/drift-report';
import type { DriftScope } from '../../src/analytics/drift-scope';
import { isInScope, readScopedHistory, unitsToRead } from '../../src/analytics/drift-scope';
import type { LocalWeek } from '../../src/analytics/local-calendar';
import {
  addDays,
  localWeekOf,
  localWeeksEndingWith,
  localWeekStarting,
  mondayOf,
} from '../../src/analytics/local-calendar';
import { buildWeeklyDrift, percentChange } from '../../src/analytics/weekly-drift';

import type { ManagementUnitProfile } from '../../src/app/ports/agent-directory';
import type { DriftHistoryStore } from '../../src/app/ports/drift-history-store';
import type { DriftStateStore } from '../../src/app/ports/drift-state-store';
import type { Clock } from '../../src/platform/clock';
import type { AgentDriftState, DriftStage, SuppressionReason } from '../../src/domain/drift-episode';
import { describeReplyReason } from '../cards/card-actions';
import { describeCategory } from '../cards/episode-view';
import { directoryLookups, type TeamAwareDirectory } from '../commands/watch-target-resolver';

/** One agent drifting now, as the supervisor board shows them. */
export interface DriftingRow {
  readonly episodeId: string;
  readonly agentId: string;
  readonly agentName: string;
  readonly managementUnitId: string;
  readonly unitName: string;
  readonly teamName?: string;
  readonly stage: DriftStage;
  readonly driftStartedAt: number;
  /** Whole minutes of drift up to `now`. */
  readonly minutes: number;
  readonly scheduled: string;
  readonly actual: string;
  /** The agent's answer on the nudge card, in words. */
  readonly reply?: string;
  readonly acknowledgedBy?: string;
  readonly snoozedBy?: string;
  readonly snoozedUntil?: number;
  readonly approvedOvertimeBy?: string;
  /** Why alerts are held or suppressed for this episode. */
  readonly heldBecause?: SuppressionReason;
}

/** Who is drifting now in a scope. */
export interface DriftingNow {
  readonly now: number;
  readonly rows: readonly DriftingRow[];
}

/** The report of a chosen week with the weeks before it, for the board's charts (no per-agent figures). */
export interface BoardWeek {
  readonly timeZone: string;
  readonly week: LocalWeek;
  /** Weeks a viewer can choose, newest first. */
  readonly choices: readonly LocalWeek[];
  readonly report: Omit<DriftReport, 'topAgents'>;
  /** The chosen week and the five before it, oldest first. */
  readonly weekOverWeek: readonly {
    readonly weekStart: string;
    readonly episodes: number;
    readonly formalExceptions: number;
    readonly nudgesSent: number;
    readonly supervisorAlertsSent: number;
  }[];
  /** Formal exceptions of the chosen week against the week before, in percent; null when the week before had none. */
  readonly formalExceptionsChangePercent: number | null;
}

/** Ports of {@link BoardViews}. */
export interface BoardViewsDeps {
  readonly driftState: Pick<DriftStateStore, 'list'>;
  readonly history: Pick<DriftHistoryStore, 'list'>;
  readonly directory: TeamAwareDirectory;
  readonly clock: Clock;
}

/** Weeks shown side by side in "formal exceptions week over week". */
const WEEKS_COMPARED = 6;
/** Weeks offered in the week picker (about the default history retention of 90 days). */
const WEEKS_OFFERED = 13;
/** How long one read of drift state is shared between viewers asking at about the same time. */
const DRIFT_STATE_TTL_IN_MS = 2_000;

/**
 * The supervisor board's data and the report API's report, for a {@link DriftScope}: who is drifting now (drift state
 * rows), a chosen week's report with the weeks before it, and a report over any period (drift history). Built on the
 * pure analytics (src/analytics), so the weekly digest can reuse the same figures.
 */
export class BoardViews {
  private readonly stateReads = new Map<
    string,
    { readonly at: number; readonly rows: Promise<AgentDriftState[]> }
  >();

  constructor(private readonly deps: BoardViewsDeps) {}

  /** Open episodes of agents in scope, longest drift first. */
  async driftingNow(scope: DriftScope): Promise<DriftingNow> {
    const now = this.deps.clock.now();
    const { directory } = this.deps;
    const rows: DriftingRow[] = [];
    for (const state of await this.readStates(scope, now)) {
      const episode = state.episode;
      if (!episode || episode.endedAt !== undefined) continue;
      const agent = directory.getAgent(state.agentId);
      const teamId = episode.teamId ?? state.teamId ?? agent?.teamId;
      if (!isInScope(scope, state.managementUnitId, teamId)) continue;
      const codeName = episode.scheduledActivityCodeId
        ? directory.activityCodeName(episode.scheduledActivityCodeId)
        : undefined;
      const category = describeCategory(episode.scheduledActivityCategory);
      const reply = episode.agentReply;
      rows.push({
        episodeId: episode.id,
        agentId: state.agentId,
        agentName: agent?.name ?? `Agent ${state.agentId}`,
        managementUnitId: state.managementUnitId,
        unitName: directory.getUnit(state.managementUnitId)?.name ?? state.managementUnitId,
        teamName: agent?.teamName,
        stage: episode.stage,
        driftStartedAt: episode.driftStartedAt,
        minutes: Math.max(0, Math.floor((now - episode.driftStartedAt) / 60_000)),
        scheduled: codeName && codeName !== category ? `${codeName} (${category})` : category,
        actual: describeCategory(episode.actualActivityCategory),
        reply: reply && `${describeReplyReason(reply.reason)}${reply.text ? `: ${reply.text}` : ''}`,
        acknowledgedBy: episode.acknowledged && (episode.acknowledged.by.name ?? 'a supervisor'),
        snoozedBy: episode.snoozed && (episode.snoozed.by.name ?? 'a supervisor'),
        snoozedUntil: episode.snoozed?.until,
        approvedOvertimeBy: episode.approvedOvertime && (episode.approvedOvertime.by.name ?? 'a supervisor'),
        heldBecause: episode.suppression,
      });
    }
    rows.sort((a, b) => a.driftStartedAt - b.driftStartedAt || a.agentName.localeCompare(b.agentName));
    return { now, rows };
  }

  /**
   * The week that starts on the Monday of `date` (default: last week) in the scope's time zone. Throws RangeError
   * when that week has not started yet.
   */
  async week(scope: DriftScope, date?: string): Promise<BoardWeek> {
    const now = this.deps.clock.now();
    const timeZone = this.timeZoneOf(scope);
    const current = localWeekOf(now, timeZone);
    // Default: the last complete week (a week that started this morning says little); any started week on request.
    const week = localWeekStarting(mondayOf(date ?? addDays(current.weekStart, -7)), timeZone);
    if (week.from >= now) throw new RangeError(`the week of ${week.weekStart} has not started yet`);
    const weeks = localWeeksEndingWith(week.weekStart, WEEKS_COMPARED, timeZone);
    const records = await readScopedHistory(
      this.deps.history,
      scope,
      { from: weeks[0].from, to: Math.min(week.to, now) },
      this.lookups(),
    );
    const reports = buildWeeklyDrift(records, weeks, { now, timeZone });
    const chosen = reports[reports.length - 1].report;
    const before = reports.length > 1 ? reports[reports.length - 2].report : undefined;
    const { topAgents: _leftOut, ...report } = chosen;
    return {
      timeZone,
      week,
      choices: localWeeksEndingWith(current.weekStart, WEEKS_OFFERED, timeZone).reverse(),
      report,
      weekOverWeek: reports.map(({ week: { weekStart }, report: figures }) => ({
        weekStart,
        episodes: figures.episodes,
        formalExceptions: figures.formalExceptions,
        nudgesSent: figures.nudges.sent,
        supervisorAlertsSent: figures.supervisorAlerts.sent,
      })),
      formalExceptionsChangePercent:
        before === undefined ? null : percentChange(chosen.formalExceptions, before.formalExceptions),
    };
  }

  /** `buildDriftReport` over the scope's history for [from, to) (to is cut at now), in the scope's time zone. */
  async report(
    scope: DriftScope,
    period: { readonly from: number; readonly to: number },
  ): Promise<DriftReport> {
    const to = Math.min(period.to, this.deps.clock.now());
    if (period.from >= to) throw new RangeError('the period has not started yet');
    const records = await readScopedHistory(
      this.deps.history,
      scope,
      { from: period.from, to },
      this.lookups(),
    );
    return buildDriftReport(records, { from: period.from, to, timeZone: this.timeZoneOf(scope) });
  }

  /** The units a scope sees (every discovered unit for `all`). */
  unitsOf(scope: DriftScope): ManagementUnitProfile[] {
    const { directory } = this.deps;
    const ids = unitsToRead(scope, this.lookups().unitOfTeam);
    return ids === undefined
      ? [...directory.listUnits()]
      : ids.flatMap((id) => {
          const unit = directory.getUnit(id);
          return unit ? [unit] : [{ id, name: id }];
        });
  }

  /** The units' common time zone, else UTC (hours of day only make sense in one zone). */
  timeZoneOf(scope: DriftScope): string {
    const zones = new Set(this.unitsOf(scope).map((unit) => unit.timeZone ?? 'UTC'));
    return zones.size === 1 ? [...zones][0] : 'UTC';
  }

  /** Team → unit and agent → team lookups from the directory. */
  lookups(): {
    unitOfTeam: (teamId: string) => string | undefined;
    teamOfAgent: (agentId: string) => string | undefined;
  } {
    return directoryLookups(this.deps.directory);
  }

  private readStates(scope: DriftScope, now: number): Promise<AgentDriftState[]> {
    const unitIds = unitsToRead(scope, this.lookups().unitOfTeam);
    const key = unitIds === undefined ? '*' : unitIds.join(',');
    const cached = this.stateReads.get(key);
    if (cached && now - cached.at < DRIFT_STATE_TTL_IN_MS) return cached.rows;
    const rows = (async () => {
      const states: AgentDriftState[] = [];
      for (const unitId of unitIds ?? [undefined]) {
        for await (const state of this.deps.driftState.list(unitId)) states.push(state);
      }
      return states;
    })();
    this.stateReads.set(key, { at: now, rows });
    rows.catch(() => this.stateReads.delete(key));
    return rows;
  }
}
