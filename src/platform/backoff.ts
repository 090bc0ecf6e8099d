/** Bounds of an exponential backoff: the first ceiling and the largest delay, in milliseconds. */
export interface BackoffOptions {
  readonly baseMs: number;
  readonly maxMs: number;
}

/**
 * Delay before retry number `attempt` (1 = first retry), with "full jitter": uniform in
 * [0, min(maxMs, baseMs x 2^(attempt-1))). Full jitter spreads a herd of clients best and needs no state
 * (AWS Architecture Blog, "Exponential Backoff And Jitter"). `random` returns [0, 1). Pure given `random`.
 */
export function computeBackoffMs(
  attempt: number,
  options: BackoffOptions,
  random: () => number = Math.random,
): number {
  const exponent = Math.max(0, Math.floor(attempt) - 1);
  // 2^exponent overflows to Infinity for huge attempts; Math.min then keeps maxMs.
  const ceiling = Math.min(options.maxMs, options.baseMs * 2 ** exponent);
  return Math.floor(Math.max(0, Math.min(1, random())) * Math.max(0, ceiling));
}

/**
 * Reads an HTTP `Retry-After` value as milliseconds from `now` (epoch ms): delay-seconds (Genesys and Teams send
 * integers; decimals are accepted) or an HTTP date (a past date gives 0). Undefined when absent or unreadable. Pure.
 */
export function parseRetryAfterMs(
  headerValue: string | number | readonly string[] | null | undefined,
  now: number,
): number | undefined {
  if (headerValue === null || headerValue === undefined) return undefined;
  if (typeof headerValue === 'number')
    return Number.isFinite(headerValue) && headerValue >= 0 ? Math.round(headerValue * 1_000) : undefined;
  const text = (typeof headerValue === 'string' ? headerValue : (headerValue[0] ?? '')).trim();
  if (text === '') return undefined;
  if (/^\d+(?:\.\d+)?$/.test(text)) return Math.round(Number(text) * 1_000);
  // An HTTP date names a weekday and a month (RFC 9110 IMF-fixdate, or the obsolete RFC 850 / asctime forms);
  // requiring letters keeps Date.parse from reading "-5" or "12" as dates.
  if (!/[a-z]{3}/i.test(text)) return undefined;
  const at = Date.parse(text);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}
