/**
 * `Date.parse(text)`, with the form Genesys writes instants in (`2026-08-20T14:03:12.418Z`) read digit by digit: on
 * every frame Date.parse costs about as much as the rest of the mapping. Any other form, and any field out of range,
 * goes to Date.parse itself, so the result is the same for every input.
 */
export function parseGenesysInstant(text: string): number {
  if (
    text.length !== 24 ||
    text.charCodeAt(4) !== 0x2d || // -
    text.charCodeAt(7) !== 0x2d ||
    text.charCodeAt(10) !== 0x54 || // T
    text.charCodeAt(13) !== 0x3a || // :
    text.charCodeAt(16) !== 0x3a ||
    text.charCodeAt(19) !== 0x2e || // .
    text.charCodeAt(23) !== 0x5a // Z
  ) {
    return Date.parse(text);
  }
  const year = digitsAt(text, 0, 4);
  const month = digitsAt(text, 5, 2);
  const day = digitsAt(text, 8, 2);
  const hour = digitsAt(text, 11, 2);
  const minute = digitsAt(text, 14, 2);
  const second = digitsAt(text, 17, 2);
  const millisecond = digitsAt(text, 20, 3);
  if (
    year < 0 ||
    month < 1 ||
    month > 12 ||
    day < 1 ||
    day > 31 ||
    hour < 0 ||
    hour > 23 ||
    minute < 0 ||
    minute > 59
  )
    return Date.parse(text);
  if (second < 0 || second > 59 || millisecond < 0) return Date.parse(text);
  // Days since 1970-01-01 in the proleptic Gregorian calendar (H. Hinnant's days_from_civil). It is linear in the day,
  // so a day past the month's end rolls over into the next month exactly as Date.parse does (2026-02-30 is March 2).
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yearOfEra = y - era * 400;
  const dayOfYear = Math.floor((153 * ((month + 9) % 12) + 2) / 5) + day - 1;
  const dayOfEra = yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear;
  const days = era * 146_097 + dayOfEra - 719_468;
  return ((days * 24 + hour) * 60 + minute) * 60_000 + second * 1_000 + millisecond;
}

/** The decimal number of `length` ASCII digits at `start`, or -1 if any of them is not a digit. */
function digitsAt(text: string, start: number, length: number): number {
  let value = 0;
  for (let i = start; i < start + length; i++) {
    const digit = text.charCodeAt(i) - 0x30;
    if (digit < 0 || digit > 9) return -1;
    value = value * 10 + digit;
  }
  return value;
}

/** The calendar date (`YYYY-MM-DD`) of `at` in `timeZone` (UTC when unknown or invalid). */
export function businessUnitDate(at: number, timeZone: string | undefined): string {
  try {
    // en-CA formats as YYYY-MM-DD.
    return new Intl.DateTimeFormat('en-CA', {
      timeZone: timeZone ?? 'UTC',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
    }).format(at);
  } catch {
    return new Date(at).toISOString().slice(0, 10);
  }
}
