import { parseDuration } from '../platform/duration';
import { Problem, problem } from './setting-spec';

/** How a duration may be written, for messages. */
export const DURATION_HINT = 'use ISO-8601 like PT6M or seconds like 360';

/** A GUID (Entra ids, app ids). */
export const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The text as it is. */
export function text(value: string): string {
  return value;
}

/** A duration (ISO-8601 or seconds) in ms. */
export function duration(text: string): number | Problem {
  return parseDuration(text) ?? problem(`"${text}" is not a duration (${DURATION_HINT})`);
}

/** A duration longer than zero, in ms. */
export function positiveDuration(text: string): number | Problem {
  const ms = duration(text);
  return ms instanceof Problem || ms > 0 ? ms : problem(`must be longer than zero (${DURATION_HINT})`);
}

/** A duration in ms that also passes `check` (which returns the problem message, or undefined when fine). */
export function durationWhere(check: (ms: number) => string | undefined) {
  return (text: string): number | Problem => {
    const ms = duration(text);
    if (ms instanceof Problem) return ms;
    const message = check(ms);
    return message === undefined ? ms : problem(message);
  };
}

/** A whole number from `min` to `max`. */
export function integerIn(min: number, max: number) {
  return (text: string): number | Problem => {
    const value = /^\d+$/.test(text) ? Number(text) : Number.NaN;
    return Number.isSafeInteger(value) && value >= min && value <= max
      ? value
      : problem(`"${text}" is not a whole number from ${min} to ${max}`);
  };
}

/** true/1/yes/on or false/0/no/off, any case. */
export function boolean(text: string): boolean | Problem {
  const value = text.toLowerCase();
  if (['true', '1', 'yes', 'on'].includes(value)) return true;
  if (['false', '0', 'no', 'off'].includes(value)) return false;
  return problem(`"${text}" is not a boolean (use true or false)`);
}

/** Comma-separated items, trimmed, without empties or repeats. */
export function commaList(text: string): string[] {
  return [
    ...new Set(
      text
        .split(',')
        .map((item) => item.trim())
        .filter((item) => item !== ''),
    ),
  ];
}

/** An absolute URL with the protocol https (or http to a loopback host, for local simulators), without trailing slash. */
export function httpsUrl(options: { allowLoopbackHttp: boolean; isSecret?: boolean }) {
  return (text: string): string | Problem => {
    const shown = options.isSecret ? 'the value' : `"${text}"`;
    let url: URL;
    try {
      url = new URL(text);
    } catch {
      return problem(`${shown} is not an absolute URL`);
    }
    const isLoopback = ['localhost', '127.0.0.1', '[::1]'].includes(url.hostname);
    if (url.protocol === 'https:' || (options.allowLoopbackHttp && url.protocol === 'http:' && isLoopback))
      return text.replace(/\/+$/, '');
    return problem(
      `${shown} must be an https URL${options.allowLoopbackHttp ? ' (http only to localhost)' : ''}`,
    );
  };
}

/** A GUID, named `what` in the message. */
export function guid(what: string) {
  return (text: string): string | Problem =>
    GUID.test(text) ? text : problem(`"${text}" is not a GUID (${what})`);
}

/** A plain JSON object (not an array, not null). */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
