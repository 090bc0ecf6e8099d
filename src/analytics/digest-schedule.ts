import type { LocalWeek } from './local-calendar';
import { addDays, instantOfLocalTime, localWeekOf, localWeekStarting } from './local-calendar';

/** A weekday (ISO: 1 = Monday ... 7 = Sunday) and a local time of day: when a weekly digest is due. */
export interface WeeklyTime {
  readonly isoWeekday: number;
  readonly hour: number;
  readonly minute: number;
}

/**
 * When the weekly digest is due in the local week that starts on Monday `weekStart` in `timeZone` (pure). Local time
 * follows the zone's daylight-saving changes: a time the change skips is due at the first instant after the gap, a
 * time it repeats at its first occurrence.
 */
export function digestDueInWeek(time: WeeklyTime, weekStart: string, timeZone: string): number {
  return instantOfLocalTime(addDays(weekStart, time.isoWeekday - 1), time.hour * 60 + time.minute, timeZone);
}

/** The last instant at or before `at` when the digest was due in `timeZone` (pure). */
export function latestDigestDue(time: WeeklyTime, timeZone: string, at: number): number {
  const { weekStart } = localWeekOf(at, timeZone);
  const due = digestDueInWeek(time, weekStart, timeZone);
  return due <= at ? due : digestDueInWeek(time, addDays(weekStart, -7), timeZone);
}

/** The first instant after `at` when the digest is due in `timeZone` (pure). */
export function nextDigestDue(time: WeeklyTime, timeZone: string, at: number): number {
  const { weekStart } = localWeekOf(at, timeZone);
  const due = digestDueInWeek(time, weekStart, timeZone);
  return due > at ? due : digestDueInWeek(time, addDays(weekStart, 7), timeZone);
}

/**
 * The week a digest reports: the last complete local week (Monday to Monday) before `at`, so a digest due on Monday
 * morning, or on Friday afternoon, covers the Monday-to-Sunday week before the one it is sent in (pure).
 */
export function reportedWeekOf(at: number, timeZone: string): LocalWeek {
  return localWeekStarting(addDays(localWeekOf(at, timeZone).weekStart, -7), timeZone);
}
