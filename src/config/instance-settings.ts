import { LOG_LEVELS, parseLogLevel, type LogLevel } from '../platform/logger';
import { defineSetting, problem } from './setting-spec';

export const LOG_LEVEL = defineSetting<LogLevel>({
  name: 'LOG_LEVEL',
  default: 'info',
  meaning: `One of ${LOG_LEVELS.join(', ')}.`,
  parse: (text) =>
    parseLogLevel(text) ?? problem(`"${text}" is not a log level (use ${LOG_LEVELS.join(', ')})`),
});

/** The name an instance gets when INSTANCE_ID is unset. */
export const instanceIdOf = (hostname: string, pid: number | string) => `${hostname}-${pid}`;

export const INSTANCE_ID = defineSetting({
  name: 'INSTANCE_ID',
  derivedDefault: instanceIdOf('<hostname>', '<pid>'),
  meaning: 'Name of this instance among several (lease owner).',
  parse: (text) =>
    // Azure Table keys forbid / \ # ? and control characters; the lease owner may end up in one.
    text.length <= 128 &&
    !/[/\\#?]/.test(text) &&
    ![...text].some((ch) => ch.charCodeAt(0) < 32 || ch.charCodeAt(0) === 127)
      ? text
      : problem('must be at most 128 characters without / \\ # ? or control characters'),
});
