/**
 * Calendar arithmetic in an IANA time zone (pure, no clock): local dates as `YYYY-MM-DD`, the first instant of a
 * local day, and Monday-to-Monday weeks. Days and weeks follow the zone's daylight-saving changes (a local day may
 * last 23 or 25 hours). Intl throws RangeError for an unknown zone.
 */

/** A local week, Monday 00:00 to the next Monday 00:00 in its zone: `[from, to)` in epoch ms. */
export interface LocalWeek {
  /** The Monday, `YYYY-MM-DD`. */
  readonly weekStart: string;
  readonly from: number;
  readonly to: number;
}

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const DAY_IN_MS = 86_400_000;
const formats = new Map<string, Intl.DateTimeFormat>();

function formatIn(timeZone: string): Intl.DateTimeFormat {
  let format = formats.get(timeZone);
  if (format === undefined) {
    format = new Intl.DateTimeFormat('en-GB', {
      timeZone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
      hourCycle: 'h23',
    });
    formats.set(timeZone, format);
  }
  return format;
}

/** Whether Intl knows the zone. */
export function isKnownTimeZone(timeZone: string): boolean {
  try {
    formatIn(timeZone);
    return true;
  } catch {
    return false;
  }
}

/** The wall clock of `at` in `timeZone`, read as if it were UTC (epoch ms). */
function wallClockOf(at: number, timeZone: string): number {
  const parts = formatIn(timeZone).formatToParts(at);
  const part = (type: string): number => Number(parts.find((p) => p.type === type)?.value ?? 0);
  return Date.UTC(part('year'), part('month') - 1, part('day'), part('hour'), part('minute'), part('second'));
}

/** `YYYY-MM-DD` of the local day that contains `at`. */
export function localDateOf(at: number, timeZone: string): string {
  return new Date(wallClockOf(at, timeZone)).toISOString().slice(0, 10);
}

/** Whether `text` is a real calendar date `YYYY-MM-DD`. */
export function isLocalDate(text: string): boolean {
  const match = DATE.exec(text);
  if (match === null) return false;
  const at = Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3]));
  return new Date(at).toISOString().slice(0, 10) === text;
}

/** The date `days` calendar days after `date` (negative goes back). */
export function addDays(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * DAY_IN_MS).toISOString().slice(0, 10);
}

/** The Monday on or before `date`. */
export function mondayOf(date: string): string {
  const weekday = new Date(`${date}T00:00:00Z`).getUTCDay();
  return addDays(date, -((weekday + 6) % 7));
}

/** The first instant (epoch ms) of the local day `date` in `timeZone`. */
export function startOfLocalDate(date: string, timeZone: string): number {
  const midnightAsUtc = Date.parse(`${date}T00:00:00Z`);
  // The zone's offset near that wall clock, applied twice to land on the right side of a DST change.
  let at = midnightAsUtc - (wallClockOf(midnightAsUtc, timeZone) - midnightAsUtc);
  at = midnightAsUtc - (wallClockOf(at, timeZone) - at);
  // Where midnight does not exist (a DST gap at 00:00) the day starts at the first instant after the gap.
  while (localDateOf(at, timeZone) < date) at += 15 * 60_000;
  while (localDateOf(at - 1, timeZone) === date) at -= 15 * 60_000;
  return at;
}

/**
 * The instant (epoch ms) the wall clock of `timeZone` reads `minuteOfDay` minutes after midnight on the local day
 * `date`. A time that happens twice (the hour repeated when clocks go back) is its first occurrence; a time that does
 * not exist (the hour skipped when clocks go forward) is the first instant after the gap.
 */
export function instantOfLocalTime(date: string, minuteOfDay: number, timeZone: string): number {
  const wall = Date.parse(`${date}T00:00:00Z`) + minuteOfDay * 60_000;
  // The zone's offsets a day either side of that wall clock: the two sides of any change near it.
  const offsets = [
    ...new Set([wall - DAY_IN_MS, wall + DAY_IN_MS].map((at) => wallClockOf(at, timeZone) - at)),
  ];
  const matches = offsets.map((offset) => wall - offset).filter((at) => wallClockOf(at, timeZone) === wall);
  if (matches.length > 0) return Math.min(...matches);
  // In a gap: the wall clock jumps over `wall` at the change, which lies between the two readings. Search it.
  const candidates = offsets.map((offset) => wall - offset);
  let before = Math.min(...candidates);
  let after = Math.max(...candidates);
  while (after - before > 1_000) {
    const middle = before + Math.floor((after - before) / 2_000) * 1_000;
    if (wallClockOf(middle, timeZone) >= wall) after = middle;
    else before = middle;
  }
  return after;
}

/** The local week (Monday to Monday) starting on `monday`. */
export function localWeekStarting(monday: string, timeZone: string): LocalWeek {
  return {
    weekStart: monday,
    from: startOfLocalDate(monday, timeZone),
    to: startOfLocalDate(addDays(monday, 7), timeZone),
  };
}

/** The local week that contains `at`. */
export function localWeekOf(at: number, timeZone: string): LocalWeek {
  return localWeekStarting(mondayOf(localDateOf(at, timeZone)), timeZone);
}

/** `count` consecutive local weeks, oldest first, the last one being the week that starts on `lastMonday`. */
export function localWeeksEndingWith(lastMonday: string, count: number, timeZone: string): LocalWeek[] {
  return Array.from({ length: count }, (_, index) =>
    localWeekStarting(addDays(lastMonday, -7 * (count - 1 - index)), timeZone),
  );
}
