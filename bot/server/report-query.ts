/** The longest period the report API covers (the history keeps 90 days by default). */
const MAX_REPORT_DAYS = 92;
const DAY_IN_MS = 86_400_000;
const DEFAULT_DAYS = 7;

/** A parsed `GET /api/reports/drift` query. */
export interface ReportQuery {
  readonly from: number;
  readonly to: number;
  readonly managementUnitId?: string;
}

/** The query, or the reason it is refused (answered 400). */
export type ParsedReportQuery =
  | { readonly status: 'ok'; readonly query: ReportQuery }
  | { readonly status: 'invalid'; readonly reason: string };

const KNOWN = new Set(['from', 'to', 'managementUnit']);
const EPOCH_MS = /^\d{1,15}$/;
// ISO-8601 calendar date, optionally with a time and then a mandatory offset (a bare local time would be read in the
// server's own zone).
const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}(?:T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:?\d{2}))?$/;
const ISO_WITHOUT_OFFSET = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?$/;

/**
 * Reads an instant given as epoch milliseconds or ISO-8601 (`2026-11-23`, `2026-11-23T08:00:00Z`,
 * `2026-11-23T09:00+01:00`; a date alone is UTC midnight). Pure; undefined when it is neither.
 */
export function parseInstant(text: string): number | undefined {
  if (EPOCH_MS.test(text)) return Number(text);
  if (!ISO_INSTANT.test(text)) return undefined;
  const at = Date.parse(text);
  if (Number.isNaN(at)) return undefined;
  // Date.parse rolls 2026-02-30 over to March: refuse dates that do not exist.
  const date = text.slice(0, 10);
  return new Date(Date.parse(`${date}T00:00:00Z`)).toISOString().startsWith(date) ? at : undefined;
}

/**
 * Validates the report API's query (pure): `from` and `to` as epoch ms or ISO-8601 with an offset, from < to, at
 * most 92 days apart (defaults: the 7 days up to `now`); an optional `managementUnit`; nothing else, each once.
 */
export function parseReportQuery(params: URLSearchParams, now: number): ParsedReportQuery {
  for (const name of new Set(params.keys())) {
    if (!KNOWN.has(name))
      return { status: 'invalid', reason: `unknown parameter "${name}" (use from, to, managementUnit)` };
    if (params.getAll(name).length > 1) return { status: 'invalid', reason: `give "${name}" once` };
  }
  const read = (name: 'from' | 'to'): number | string | undefined => {
    const text = params.get(name)?.trim();
    if (text === undefined || text === '') return undefined;
    const at = parseInstant(text);
    if (at !== undefined) return at;
    return ISO_WITHOUT_OFFSET.test(text)
      ? `"${name}" needs a time zone offset (Z or +hh:mm): "${text.slice(0, 40)}"`
      : `"${name}" is neither ISO-8601 (2026-11-23T08:00:00Z) nor epoch milliseconds: "${text.slice(0, 40)}"`;
  };
  const fromRead = read('from');
  const toRead = read('to');
  if (typeof fromRead === 'string') return { status: 'invalid', reason: fromRead };
  if (typeof toRead === 'string') return { status: 'invalid', reason: toRead };
  const to = toRead ?? now;
  const from = fromRead ?? to - DEFAULT_DAYS * DAY_IN_MS;
  if (from >= to) return { status: 'invalid', reason: '"from" must be before "to"' };
  if (to - from > MAX_REPORT_DAYS * DAY_IN_MS)
    return { status: 'invalid', reason: `"from" and "to" may be at most ${MAX_REPORT_DAYS} days apart` };
  if (from >= now) return { status: 'invalid', reason: '"from" is in the future' };
  const unit = params.get('managementUnit')?.trim();
  if (unit !== undefined && unit === '') return { status: 'invalid', reason: '"managementUnit" is empty' };
  return {
    status: 'ok',
    query: { from, to, ...(unit === undefined ? {} : { managementUnitId: unit }) },
  };
}
