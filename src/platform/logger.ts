import pino from 'pino';
import { prettyFactory } from 'pino-pretty';

/** Structured logger (pino-compatible subset). Never pass secrets or full payloads. */
export interface Logger {
  debug(obj: object | string, msg?: string): void;
  info(obj: object | string, msg?: string): void;
  warn(obj: object | string, msg?: string): void;
  error(obj: object | string, msg?: string): void;
  child(bindings: Record<string, unknown>): Logger;
}

/** Values accepted by `LOG_LEVEL`, most to least severe; `silent` logs nothing. */
export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

/** A pino log level name. */
export type LogLevel = (typeof LOG_LEVELS)[number];

/** Where log lines go (a pino destination, a stream, or anything with `write`); stdout when absent. */
export interface LogDestination {
  write(line: string): unknown;
}

/** Options of {@link createLogger}. */
export interface LoggerOptions {
  readonly level: LogLevel;
  /** Bound as `name` on every line, e.g. the service name. */
  readonly name?: string;
  readonly destination?: LogDestination;
  /**
   * Human-readable lines (pino-pretty: time, level, message, fields) instead of JSON. Default: only when logging to
   * stdout and stdout is a terminal (`npm start` in a shell); production, CI and pipes get one JSON object a line.
   */
  readonly pretty?: boolean;
}

/** The logger the platform hands out: the app's Logger port plus the levels pino adds. */
export interface PlatformLogger extends Logger {
  fatal(obj: object | string, msg?: string): void;
  trace(obj: object | string, msg?: string): void;
  child(bindings: Record<string, unknown>): PlatformLogger;
}

// Property names whose values never reach a log line, matched at any depth up to five levels (pino paths
// have no recursive wildcard). Both spellings of header names: Node lowercases them, axios keeps the caller's case.
const SECRET_KEYS = [
  'authorization',
  'Authorization',
  'proxy-authorization',
  'Proxy-Authorization',
  'cookie',
  'Cookie',
  'set-cookie',
  'token',
  'accessToken',
  'access_token',
  'refreshToken',
  'refresh_token',
  'idToken',
  'id_token',
  'secret',
  'clientSecret',
  'client_secret',
  'password',
  'appPassword',
  'connectionString',
  'sharedKey',
  'accountKey',
  'sasToken',
  'apiKey',
  'x-api-key',
  'webhookUrl',
  'slackWebhookUrl',
  'BOT_PASSWORD',
  'GENESYS_CLIENT_SECRET',
  'AZURE_TABLES_CONNECTION_STRING',
  'SLACK_WEBHOOK_URL',
];

const REDACT_PATHS = SECRET_KEYS.flatMap((key) => {
  const leaf = /^[A-Za-z_$][\w$]*$/.test(key) ? key : `["${key}"]`;
  return [0, 1, 2, 3, 4].map((depth) => {
    const prefix = '*.'.repeat(depth);
    return leaf.startsWith('[') ? (depth === 0 ? leaf : `${prefix.slice(0, -1)}${leaf}`) : `${prefix}${leaf}`;
  });
});

/**
 * Creates a logger (pino) at `level` that redacts authorization headers, cookies, tokens, secrets, passwords and
 * connection strings wherever they appear in the logged object (to five levels deep). It writes JSON lines, or
 * pretty-printed ones for a person at a terminal (see {@link LoggerOptions.pretty}).
 */
export function createLogger(options: LoggerOptions): PlatformLogger {
  const pinoOptions: pino.LoggerOptions = {
    level: options.level,
    ...(options.name === undefined ? {} : { name: options.name }),
    redact: { paths: REDACT_PATHS, censor: '[redacted]' },
    serializers: { err: pino.stdSerializers.err, error: pino.stdSerializers.err },
  };
  const pretty = options.pretty ?? (options.destination === undefined && process.stdout.isTTY === true);
  const destination = pretty ? prettyDestination(options.destination) : options.destination;
  const logger = destination === undefined ? pino(pinoOptions) : pino(pinoOptions, destination);
  return new BoundLogger(logger, {});
}

/**
 * A pino logger with its bindings kept as one object: a child's binding replaces its parent's of the same name
 * (`component: 'teams'` then `component: 'teams-notifier'` logs `component` once, the inner one), where pino's own
 * `child` would write both keys into the line.
 */
class BoundLogger implements PlatformLogger {
  private readonly target: pino.Logger;

  constructor(
    private readonly root: pino.Logger,
    private readonly bindings: Readonly<Record<string, unknown>>,
  ) {
    this.target = Object.keys(bindings).length === 0 ? root : root.child(bindings);
  }

  fatal(obj: object | string, msg?: string): void {
    if (typeof obj === 'string') this.target.fatal(obj);
    else this.target.fatal(obj, msg);
  }

  error(obj: object | string, msg?: string): void {
    if (typeof obj === 'string') this.target.error(obj);
    else this.target.error(obj, msg);
  }

  warn(obj: object | string, msg?: string): void {
    if (typeof obj === 'string') this.target.warn(obj);
    else this.target.warn(obj, msg);
  }

  info(obj: object | string, msg?: string): void {
    if (typeof obj === 'string') this.target.info(obj);
    else this.target.info(obj, msg);
  }

  debug(obj: object | string, msg?: string): void {
    if (typeof obj === 'string') this.target.debug(obj);
    else this.target.debug(obj, msg);
  }

  trace(obj: object | string, msg?: string): void {
    if (typeof obj === 'string') this.target.trace(obj);
    else this.target.trace(obj, msg);
  }

  child(bindings: Record<string, unknown>): PlatformLogger {
    return new BoundLogger(this.root, { ...this.bindings, ...bindings });
  }
}

/**
 * Turns each JSON line into one pino-pretty line (local time, level, name, message, then the fields) and writes it to
 * `destination`, or to stdout (a terminal writes synchronously, so lines keep their order with other output). Colours
 * only on stdout, where pino-pretty follows NO_COLOR and FORCE_COLOR; never into a given stream.
 */
function prettyDestination(destination: LogDestination | undefined): LogDestination {
  const prettify = prettyFactory({
    translateTime: 'SYS:HH:MM:ss.l',
    ignore: 'pid,hostname',
    singleLine: true,
    ...(destination === undefined ? {} : { colorize: false }),
  });
  const target = destination ?? process.stdout;
  return { write: (line: string) => target.write(prettify(line)) };
}

/** Reads a `LOG_LEVEL` value (case-insensitive); undefined when it is not one of {@link LOG_LEVELS}. Pure. */
export function parseLogLevel(value: string): LogLevel | undefined {
  const level = value.trim().toLowerCase();
  return (LOG_LEVELS as readonly string[]).includes(level) ? (level as LogLevel) : undefined;
}
