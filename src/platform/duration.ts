const SECONDS = /^\d+(?:\.\d+)?$/;
// ISO-8601 durations without years and months (their length in ms depends on the calendar).
// Only the last component may carry a fraction, as the standard says; `,` is the standard's other decimal mark.
const ISO =
  /^P(?:(\d+(?:[.,]\d+)?)W)?(?:(\d+(?:[.,]\d+)?)D)?(?:T(?:(\d+(?:[.,]\d+)?)H)?(?:(\d+(?:[.,]\d+)?)M)?(?:(\d+(?:[.,]\d+)?)S)?)?$/i;
const UNIT_MS = [7 * 86_400_000, 86_400_000, 3_600_000, 60_000, 1_000];

/**
 * Parses a duration to whole milliseconds: ISO-8601 (`PT6M`, `PT1H30M`, `PT0.5S`, `P1D`, `P1W`) or plain
 * seconds (`360`, `1.5`). Returns undefined for negatives, years/months, empty or malformed text. Pure.
 */
export function parseDuration(text: string): number | undefined {
  const value = text.trim();
  if (SECONDS.test(value)) return toSafeMs(Number(value) * 1_000);
  const match = ISO.exec(value);
  if (!match || /T$/i.test(value)) return undefined;
  const parts = match.slice(1);
  if (parts.every((p) => p === undefined)) return undefined;
  const fractional = parts.map((p, i) => (p !== undefined && /[.,]/.test(p) ? i : -1)).filter((i) => i >= 0);
  const lastPresent = parts.reduce((last, p, i) => (p === undefined ? last : i), -1);
  if (fractional.length > 1 || (fractional.length === 1 && fractional[0] !== lastPresent)) return undefined;
  let ms = 0;
  parts.forEach((p, i) => {
    if (p !== undefined) ms += Number(p.replace(',', '.')) * UNIT_MS[i];
  });
  return toSafeMs(ms);
}

/** Formats milliseconds as a short ISO-8601 duration (`PT10M`, `PT1H30M`, `PT0.5S`, `PT0S`), for messages. Pure. */
export function formatDuration(ms: number): string {
  let rest = Math.max(0, Math.round(ms));
  const days = Math.floor(rest / 86_400_000);
  rest -= days * 86_400_000;
  const hours = Math.floor(rest / 3_600_000);
  rest -= hours * 3_600_000;
  const minutes = Math.floor(rest / 60_000);
  rest -= minutes * 60_000;
  const seconds = rest / 1_000;
  const time = `${hours ? `${hours}H` : ''}${minutes ? `${minutes}M` : ''}${seconds ? `${seconds}S` : ''}`;
  if (days && !time) return `P${days}D`;
  return `P${days ? `${days}D` : ''}T${time || '0S'}`;
}

function toSafeMs(ms: number): number | undefined {
  const rounded = Math.round(ms);
  return Number.isSafeInteger(rounded) ? rounded : undefined;
}
