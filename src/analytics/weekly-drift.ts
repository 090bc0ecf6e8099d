import type { DriftHistoryRecord } from '../app/ports/drift-history-store';
import type { DriftReport } from './drift-report';
import { buildDriftReport } from './drift-report';
import type { LocalWeek } from './local-calendar';

/** One week's drift report; a week still running is reported up to `now`. */
export interface WeekDrift {
  readonly week: LocalWeek;
  readonly report: DriftReport;
}

/**
 * One report per week from the same history (pure): each counts the episodes that started in its week, a week still
 * running is cut at `now`, and weeks that have not started are left out. Used by the supervisor board (week over
 * week) and meant for the weekly digest (last week against the week before).
 */
export function buildWeeklyDrift(
  records: readonly DriftHistoryRecord[],
  weeks: readonly LocalWeek[],
  options: { readonly now: number; readonly timeZone: string; readonly top?: number },
): WeekDrift[] {
  return weeks
    .filter((week) => week.from < options.now)
    .map((week) => ({
      week,
      report: buildDriftReport(records, {
        from: week.from,
        to: Math.min(week.to, options.now),
        timeZone: options.timeZone,
        ...(options.top === undefined ? {} : { top: options.top }),
      }),
    }));
}

/** Change from `previous` to `current` in percent, rounded to a whole number; null when `previous` is 0. */
export function percentChange(current: number, previous: number): number | null {
  if (previous === 0) return null;
  return Math.round(((current - previous) / previous) * 100);
}
