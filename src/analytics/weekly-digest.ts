import type { DriftHistoryRecord } from '../app/ports/drift-history-store';
import type { ActivityDriftFigures, EscalationFigures, HourDriftFigures } from './drift-report';
import type { LocalWeek } from './local-calendar';
import { addDays, localWeekStarting } from './local-calendar';
import { buildWeeklyDrift, percentChange } from './weekly-drift';

/** One week's headline figures in a digest. */
export interface DigestFigures {
  readonly episodes: number;
  /** Nudges sent, and how many ended the drift before a supervisor was needed. */
  readonly nudges: EscalationFigures;
  /** Supervisor alerts sent, and how many ended the drift before the formal exception. */
  readonly supervisorAlerts: EscalationFigures;
  readonly formalExceptions: number;
  readonly driftMinutes: number;
}

/** Change from the week before to the reported week, in percent; null when the week before had none. */
export interface DigestChanges {
  readonly episodes: number | null;
  readonly nudges: number | null;
  readonly supervisorAlerts: number | null;
  readonly formalExceptions: number | null;
}

/**
 * The weekly digest of a set of units: a week against the week before, with the activities and hours where drift
 * started most. It holds no per-agent figure at all, so nothing built from it can rank people.
 */
export interface WeeklyDigest {
  /** The zone the weeks and hours are read in. */
  readonly timeZone: string;
  readonly week: LocalWeek;
  readonly weekBefore: LocalWeek;
  readonly figures: DigestFigures;
  readonly figuresBefore: DigestFigures;
  readonly changePercent: DigestChanges;
  /** Scheduled activities with the most drift in the week, most episodes first. */
  readonly topActivities: readonly ActivityDriftFigures[];
  /** The (at most) three hours of the day in which most drift started in the week. */
  readonly peakHours: readonly HourDriftFigures[];
}

/** Activities listed in a digest. */
const DIGEST_TOP_ACTIVITIES = 3;

/**
 * Builds the digest of `week` against the week before from drift history (pure: the records are the episodes in
 * scope; those outside the two weeks are ignored). `now` cuts a week still running, as the board does.
 */
export function buildWeeklyDigest(
  records: readonly DriftHistoryRecord[],
  options: { readonly week: LocalWeek; readonly timeZone: string; readonly now: number },
): WeeklyDigest {
  const { week, timeZone, now } = options;
  const weekBefore = localWeekStarting(addDays(week.weekStart, -7), timeZone);
  const [before, reported] = buildWeeklyDrift(records, [weekBefore, week], { now, timeZone, top: 1 });
  if (before === undefined || reported === undefined)
    throw new RangeError(`the week of ${week.weekStart} has not started yet`);
  const figures = figuresOf(reported.report);
  const figuresBefore = figuresOf(before.report);
  return {
    timeZone,
    week,
    weekBefore,
    figures,
    figuresBefore,
    changePercent: {
      episodes: percentChange(figures.episodes, figuresBefore.episodes),
      nudges: percentChange(figures.nudges.sent, figuresBefore.nudges.sent),
      supervisorAlerts: percentChange(figures.supervisorAlerts.sent, figuresBefore.supervisorAlerts.sent),
      formalExceptions: percentChange(figures.formalExceptions, figuresBefore.formalExceptions),
    },
    topActivities: reported.report.byActivity.slice(0, DIGEST_TOP_ACTIVITIES),
    peakHours: reported.report.peakHours,
  };
}

function figuresOf(report: {
  readonly episodes: number;
  readonly nudges: EscalationFigures;
  readonly supervisorAlerts: EscalationFigures;
  readonly formalExceptions: number;
  readonly driftMinutes: number;
}): DigestFigures {
  return {
    episodes: report.episodes,
    nudges: report.nudges,
    supervisorAlerts: report.supervisorAlerts,
    formalExceptions: report.formalExceptions,
    driftMinutes: report.driftMinutes,
  };
}
