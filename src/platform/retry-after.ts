/** Headers as the HTTP clients hand them over: a Fetch/botbuilder `Headers` with `get`, or a plain record (axios, Node). */
export type HeaderSource =
  { get(name: string): string | null | undefined } | Readonly<Record<string, unknown>> | null | undefined;

/**
 * Reads an HTTP `Retry-After` value as milliseconds from `now` (epoch ms, from the caller's clock): delay-seconds
 * (Genesys and Teams send integers; decimals are accepted) or an HTTP date (a past date gives 0). Undefined when
 * absent or unreadable. Pure (RFC 9110 §10.2.3, https://www.rfc-editor.org/rfc/rfc9110#field.retry-after).
 */
export function parseRetryAfterInMs(
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

/** The `Retry-After` of a response's headers as milliseconds from `now` (see {@link parseRetryAfterInMs}). Pure. */
export function retryAfterFromHeaders(headers: HeaderSource, now: number): number | undefined {
  if (headers === null || headers === undefined) return undefined;
  const value =
    typeof headers.get === 'function'
      ? (headers.get as (name: string) => unknown)('retry-after')
      : ((headers as Readonly<Record<string, unknown>>)['retry-after'] ??
        (headers as Readonly<Record<string, unknown>>)['Retry-After']);
  return typeof value === 'string' || typeof value === 'number' || Array.isArray(value)
    ? parseRetryAfterInMs(value as string | number | readonly string[], now)
    : undefined;
}
