import { hostname } from 'node:os';
import type { DampeningPolicy, DriftThresholds, PositiveImpactPolicy } from '../domain/drift-policy';
import { deepFreeze } from '../platform/deep-freeze';
import { formatDuration, parseDuration } from '../platform/duration';
import type { ConfigProblem } from '../platform/errors';
import { ConfigError } from '../platform/errors';
import type { LogLevel } from '../platform/logger';
import { LOG_LEVELS, parseLogLevel } from '../platform/logger';

/** Threshold overrides per management unit id and per scheduled activity category (partial: unset fields inherit). */
export interface ThresholdOverrides {
  readonly managementUnits: Readonly<Record<string, Partial<DriftThresholds>>>;
  readonly activityCategories: Readonly<Record<string, Partial<DriftThresholds>>>;
}

/** Drift detection settings, durations in ms. Activity entries are still names or ids: see buildDriftPolicy. */
export interface DriftSettings {
  readonly thresholds: DriftThresholds;
  /** Activity categories, activity code names or activity code ids, as written by the operator. */
  readonly excludedActivities: readonly string[];
  /** Activity code names or ids that mean overtime. */
  readonly overtimeActivityCodes: readonly string[];
  readonly dampening: DampeningPolicy;
  readonly allowSelfDeclaredOvertime: boolean;
  readonly thresholdOverrides: ThresholdOverrides;
  /** What a Positive-impact drift gets (DRIFT_POSITIVE_IMPACT): nothing, or the agent's nudge only. */
  readonly positiveImpact: PositiveImpactPolicy;
  /** How far after arrival an adherenceChangeTime is still believed (GENESYS_CLOCK_SKEW_ALLOWANCE), in ms. */
  readonly clockSkewAllowanceMs: number;
}

/** `local`: no Genesys setting at all, the product starts its own simulator. `cloud`: a real Genesys Cloud org. */
export type GenesysSettings =
  | {
      readonly mode: 'local';
      readonly managementUnitIds: readonly string[];
      /** How often the directory is re-read (GENESYS_DIRECTORY_REFRESH), in ms; 0 = never. */
      readonly directoryRefreshMs: number;
    }
  | {
      readonly mode: 'cloud';
      /** How often the directory is re-read (GENESYS_DIRECTORY_REFRESH), in ms; 0 = never. */
      readonly directoryRefreshMs: number;
      /** The region host (e.g. `mypurecloud.ie`) when given. */
      readonly region?: string;
      readonly apiUrl: string;
      readonly loginUrl: string;
      readonly clientId: string;
      readonly clientSecret: string;
      /** Units to watch; empty = every unit the OAuth client can see. */
      readonly managementUnitIds: readonly string[];
    };

/** Where tables live: a connection string, an endpoint with DefaultAzureCredential, or a local Azurite. */
export type StorageSettings = {
  readonly tablePrefix: string;
  readonly historyRetentionDays: number;
} & (
  | { readonly mode: 'connectionString'; readonly connectionString: string }
  | { readonly mode: 'endpoint'; readonly endpoint: string }
  | { readonly mode: 'azurite' }
);

/** Bot type: a single-tenant app registration (with a password) or a user-assigned managed identity. */
export type BotType = 'SingleTenant' | 'UserAssignedMSI';

/** Azure Bot identity and the HTTP server. An absent `appId` (only with LOCAL_MODE=true) turns Bot Framework auth off. */
export interface BotSettings {
  readonly appId?: string;
  readonly appPassword?: string;
  readonly tenantId?: string;
  readonly type: BotType;
  readonly port: number;
  /** Port of the internal server for /healthz, /readyz and /metrics; absent = they are served on `port`. */
  readonly metricsPort?: number;
  readonly nodeEnv: string;
  readonly isProduction: boolean;
  /** LOCAL_MODE=true: an explicit local run (npm start, tests); the only case where BOT_ID may be empty. */
  readonly isLocal: boolean;
}

/** Who may route supervisor alerts to a channel (`watch` / `unwatch`). */
export interface RoutingSettings {
  /** WATCH_ADMINS, lower-cased: emails, UPNs or Entra object ids. */
  readonly admins: readonly string[];
  /** WATCH_ALLOW_UNIT_MANAGERS: the Genesys manager of a unit's agents may route that unit. */
  readonly allowUnitManagers: boolean;
}

/** Outbound alerting. */
export interface NotificationSettings {
  /** Our cap on Teams requests per second for the whole tenant (Teams allows 50 per app per tenant). */
  readonly teamsTenantRps: number;
  /** Most individual supervisor alert cards per channel in any rolling hour; more join the channel's live drift board. */
  readonly supervisorAlertBudgetPerHour: number;
  /** Spread of network delay allowed for: each Teams window is counted over its length plus this (ms). */
  readonly teamsJitterAllowanceMs: number;
  readonly slackWebhookUrl?: string;
  /** Link to Genesys Cloud WFM shown on cards. */
  readonly genesysWfmUrl?: string;
}

/** How the tabs and the report API check a Teams SSO token (production: BOT_ID is set). */
export interface TabSsoSettings {
  /** Accepted `aud` values: the Application ID URI (webApplicationInfo.resource) and the app (client) id. */
  readonly audiences: readonly string[];
  /** The Application ID URI, when known (TAB_SSO_RESOURCE or derived from TAB_DOMAIN and BOT_ID). */
  readonly resource?: string;
  /** Where the signing keys are published (JWKS). */
  readonly jwksUrl: string;
  /** Accepted `iss` values. */
  readonly issuers: readonly string[];
  /** The tenant whose users may sign in (`tid` must match). */
  readonly tenantId: string;
}

/** The Teams tabs (supervisor board, my drift window) and the report API. */
export interface TabSettings {
  /** Public host name that serves the tabs (no scheme), e.g. `drift.contoso.com`. */
  readonly domain?: string;
  /** The app's manifest id, for deep links from cards to the static tabs. */
  readonly teamsAppId?: string;
  /** Set when BOT_ID is set; absent in local mode (pages on loopback, no sign-in). */
  readonly sso?: TabSsoSettings;
}

/** Every setting of the service, validated and frozen. */
export interface Settings {
  readonly drift: DriftSettings;
  readonly genesys: GenesysSettings;
  readonly storage: StorageSettings;
  readonly bot: BotSettings;
  readonly routing: RoutingSettings;
  readonly notifications: NotificationSettings;
  /** The Teams tabs and the report API: where they are served and how their users sign in. */
  readonly tabs: TabSettings;
  readonly logLevel: LogLevel;
  /** This process's name among several instances (lease owner). */
  readonly instanceId: string;
  /** Accepted but doubtful values, for the composition root to log at warn. */
  readonly warnings: readonly string[];
}

/** One row of the settings table: the environment variable, its default (undefined = none) and what it does. */
export interface SettingDescription {
  readonly name: string;
  readonly default: string | undefined;
  readonly meaning: string;
}

const DURATION_HINT = 'use ISO-8601 like PT6M or seconds like 360';

/** Genesys Cloud region hosts [genesys-cloud-api.md §5, SDK PureCloudRegionHosts.js]. */
export const GENESYS_REGIONS: readonly string[] = Object.freeze([
  'mypurecloud.com',
  'mypurecloud.ie',
  'mypurecloud.com.au',
  'mypurecloud.jp',
  'mypurecloud.de',
  'usw2.pure.cloud',
  'cac1.pure.cloud',
  'apne2.pure.cloud',
  'euw2.pure.cloud',
  'aps1.pure.cloud',
  'use2.us-gov-pure.cloud',
  'sae1.pure.cloud',
  'mec1.pure.cloud',
  'apne3.pure.cloud',
  'euc2.pure.cloud',
  'mxc1.pure.cloud',
  'apse1.pure.cloud',
  'edee1.eusc-pure.cloud',
]);

/** Scheduled/actual activity categories Genesys sends (activity code enum plus `Unscheduled`) [genesys-cloud-api.md §2, §4]. */
export const ACTIVITY_CATEGORIES: readonly string[] = Object.freeze([
  'OnQueueWork',
  'Break',
  'Meal',
  'Meeting',
  'OffQueueWork',
  'TimeOff',
  'Training',
  'Unavailable',
  'Unscheduled',
]);

const DESCRIPTIONS: readonly SettingDescription[] = Object.freeze([
  {
    name: 'DRIFT_NUDGE_AFTER',
    default: 'PT6M',
    meaning: 'Drift time before the agent gets a private nudge (ISO-8601 duration or seconds).',
  },
  {
    name: 'DRIFT_SUPERVISOR_AFTER',
    default: 'PT10M',
    meaning: 'Drift time before the supervisor channel gets an alert card; must exceed the nudge.',
  },
  {
    name: 'DRIFT_EXCEPTION_AFTER',
    default: 'PT15M',
    meaning:
      'Formal exception threshold used when Genesys gives none for a unit (its adherenceExceptionThresholdSeconds wins); must exceed the supervisor alert.',
  },
  {
    name: 'DRIFT_EXCLUDED_ACTIVITIES',
    default: '',
    meaning: 'Comma list of activity categories (e.g. Meeting) or activity code names/ids that never alert.',
  },
  {
    name: 'DRIFT_OVERTIME_ACTIVITY_CODES',
    default: '',
    meaning: 'Comma list of activity code names/ids that mean overtime (Genesys has no overtime flag).',
  },
  {
    name: 'DRIFT_DAMPENING_WINDOW',
    default: 'PT60S',
    meaning: "How long a unit's observations are held after a mass schedule change; 0 turns dampening off.",
  },
  {
    name: 'DRIFT_MASS_CHANGE_AGENTS',
    default: '20',
    meaning: 'Distinct agents of one unit changing adherence together that count as a mass change.',
  },
  { name: 'DRIFT_MASS_CHANGE_WITHIN', default: 'PT10S', meaning: '... within this time.' },
  {
    name: 'DRIFT_ALLOW_SELF_DECLARED_OVERTIME',
    default: 'false',
    meaning: 'When true, an agent answering "approved overtime" suppresses the supervisor alert.',
  },
  {
    name: 'DRIFT_POSITIVE_IMPACT',
    default: 'ignore',
    meaning:
      'Out of adherence with Positive impact (taking calls into a scheduled break or meeting) never alerts the supervisor: ignore sends nothing, nudge still sends the agent the private note.',
  },
  {
    name: 'DRIFT_THRESHOLD_OVERRIDES',
    default: undefined,
    meaning:
      'JSON: {"managementUnits":{"<muId>":{"nudgeAfter":"PT4M"}},"activityCategories":{"Meal":{"supervisorAfter":"PT12M"}}}; keys nudgeAfter, supervisorAfter, exceptionAfter.',
  },
  { name: 'LOG_LEVEL', default: 'info', meaning: `One of ${LOG_LEVELS.join(', ')}.` },
  {
    name: 'GENESYS_REGION',
    default: undefined,
    meaning:
      'Genesys Cloud region host, e.g. mypurecloud.com, mypurecloud.ie, usw2.pure.cloud. No GENESYS_* setting at all = local simulator.',
  },
  {
    name: 'GENESYS_API_URL',
    default: 'https://api.<region>',
    meaning: 'Explicit API base URL; wins over the region.',
  },
  {
    name: 'GENESYS_LOGIN_URL',
    default: 'https://login.<region>',
    meaning: 'Explicit OAuth login base URL; wins over the region.',
  },
  {
    name: 'GENESYS_CLIENT_ID',
    default: undefined,
    meaning: 'OAuth client-credentials client id (required with a region or URLs).',
  },
  {
    name: 'GENESYS_CLIENT_SECRET',
    default: undefined,
    meaning: 'OAuth client secret (required with a region or URLs). Secret.',
  },
  {
    name: 'GENESYS_MANAGEMENT_UNIT_IDS',
    default: '',
    meaning: 'Comma list of management unit ids to watch; empty = all the client can see.',
  },
  {
    name: 'GENESYS_DIRECTORY_REFRESH',
    default: 'PT15M',
    meaning:
      'How often units, agents and adherence settings are re-read (agents hired later; without GENESYS_MANAGEMENT_UNIT_IDS also units that appear or vanish); 0 turns it off.',
  },
  {
    name: 'GENESYS_CLOCK_SKEW_ALLOWANCE',
    default: 'PT2M',
    meaning:
      'How far after its arrival an adherenceChangeTime is still believed; a later one is clamped to the arrival instant (counted).',
  },
  {
    name: 'AZURE_TABLES_CONNECTION_STRING',
    default: undefined,
    meaning: 'Azure Table Storage connection string. Secret.',
  },
  {
    name: 'AZURE_TABLES_ENDPOINT',
    default: undefined,
    meaning:
      'https table endpoint used with DefaultAzureCredential (instead of a connection string). Neither = local Azurite.',
  },
  {
    name: 'TABLE_PREFIX',
    default: 'adherence',
    meaning: 'Prefix of every table name: a letter then letters/digits, at most 40 characters.',
  },
  { name: 'HISTORY_RETENTION_DAYS', default: '90', meaning: 'Days of drift history kept.' },
  {
    name: 'BOT_ID',
    default: undefined,
    meaning:
      'Azure Bot app (client) id. Required unless LOCAL_MODE=true (an empty BOT_ID turns Bot Framework auth off).',
  },
  {
    name: 'BOT_PASSWORD',
    default: undefined,
    meaning: 'App registration client secret (SingleTenant). Secret.',
  },
  {
    name: 'BOT_TENANT_ID',
    default: undefined,
    meaning: 'Entra tenant id of the bot (required with BOT_ID).',
  },
  {
    name: 'BOT_TYPE',
    default: 'SingleTenant',
    meaning: 'SingleTenant or UserAssignedMSI (Azure no longer creates multi-tenant bots).',
  },
  { name: 'PORT', default: '3978', meaning: 'HTTP port of the bot endpoint (/api/messages).' },
  {
    name: 'METRICS_PORT',
    default: undefined,
    meaning:
      'Port of a second HTTP server for /healthz, /readyz and /metrics; then PORT serves only /api/messages. Unset = all on PORT.',
  },
  {
    name: 'NODE_ENV',
    default: 'development',
    meaning: 'production requires real Genesys and Azure storage settings and refuses LOCAL_MODE.',
  },
  {
    name: 'LOCAL_MODE',
    default: 'false',
    meaning:
      'true only for local runs (npm start, tests): BOT_ID may be empty, which turns Bot Framework auth off, and the bot then listens on 127.0.0.1 only.',
  },
  {
    name: 'TEAMS_TENANT_RPS',
    default: '50',
    meaning: 'Our cap on Teams requests per second for the tenant (Teams allows 50 per app per tenant).',
  },
  {
    name: 'SUPERVISOR_ALERT_BUDGET_PER_HOUR',
    default: '6',
    meaning:
      "Most individual alert cards per supervisor channel in any rolling hour (about one per 10 minutes, the manageable alarm rate per operator in EEMUA 191); more alerts join the channel's one live drift board card.",
  },
  {
    name: 'TEAMS_JITTER_ALLOWANCE',
    default: 'PT0.5S',
    meaning:
      'Network delay spread we allow for: Teams counts arrivals, so each limit is kept over its window plus this (50 in any 1.5 s by default).',
  },
  {
    name: 'WATCH_ADMINS',
    default: '',
    meaning:
      'Comma list of emails, UPNs or Entra object ids of the people who may run watch and unwatch (route supervisor alerts). Empty = nobody.',
  },
  {
    name: 'WATCH_ALLOW_UNIT_MANAGERS',
    default: 'false',
    meaning:
      "When true, the Genesys manager of a unit's agents may also watch and unwatch that unit and its teams (matched by Teams email or UPN).",
  },
  {
    name: 'SLACK_WEBHOOK_URL',
    default: undefined,
    meaning: 'Optional https Slack incoming-webhook URL that also receives supervisor alerts. Secret.',
  },
  {
    name: 'GENESYS_WFM_URL',
    default: 'https://apps.<region>/',
    meaning: 'Link to Genesys Cloud WFM shown on cards.',
  },
  {
    name: 'TAB_DOMAIN',
    default: undefined,
    meaning:
      'Public host name (no scheme) that serves the Teams tabs, e.g. drift.contoso.com: tab URLs, validDomains and the SSO resource.',
  },
  {
    name: 'TAB_SSO_RESOURCE',
    default: 'api://<TAB_DOMAIN>/<BOT_ID>',
    meaning:
      "Application ID URI that tab SSO tokens are issued for (the manifest's webApplicationInfo.resource); tokens must name it or BOT_ID as audience.",
  },
  {
    name: 'TAB_SSO_JWKS_URL',
    default: 'https://login.microsoftonline.com/<BOT_TENANT_ID>/discovery/v2.0/keys',
    meaning: "Where the tenant's published token signing keys are read (JWKS).",
  },
  {
    name: 'TAB_SSO_ISSUERS',
    default:
      'https://login.microsoftonline.com/<BOT_TENANT_ID>/v2.0,https://sts.windows.net/<BOT_TENANT_ID>/',
    meaning: 'Comma list of accepted token issuers (Entra ID v2.0 and v1.0 tokens).',
  },
  {
    name: 'TEAMS_APP_ID',
    default: undefined,
    meaning:
      'The Teams app (manifest) id, for deep links from cards to the tabs; without it cards link to the page itself.',
  },
  {
    name: 'INSTANCE_ID',
    default: '<hostname>-<pid>',
    meaning: 'Name of this instance among several (lease owner).',
  },
]);

/** The settings table (name, default, meaning) in the order of the README; pure. */
export function describeSettings(): readonly SettingDescription[] {
  return DESCRIPTIONS;
}

/** What the offline tools (replay, the shift simulation) take from the service's settings. */
export interface OutcomeSettings {
  readonly drift: DriftSettings;
  readonly supervisorAlertBudgetPerHour: number;
}

/**
 * Reads only the drift rules and the supervisor alert budget, with the service's defaults and validation, for tools
 * that run the drift core offline (no bot, Genesys or storage settings apply); throws a ConfigError naming every bad
 * setting.
 */
export function readOutcomeSettings(env: NodeJS.ProcessEnv): OutcomeSettings {
  const reader = new EnvReader(env);
  const drift = readDrift(reader);
  const supervisorAlertBudgetPerHour = readSupervisorAlertBudget(reader);
  if (reader.problems.length > 0) throw new ConfigError(reader.problems);
  return deepFreeze({ drift, supervisorAlertBudgetPerHour });
}

/**
 * Reads and validates every setting from `env` into frozen typed settings, with every default applied. Throws one
 * ConfigError naming each bad setting at once. Empty values count as unset (Teams Toolkit env files write `NAME=`).
 * `host` supplies the INSTANCE_ID default (hostname and pid).
 */
export function readSettings(
  env: NodeJS.ProcessEnv,
  host: { readonly hostname: string; readonly pid: number } = { hostname: hostname(), pid: process.pid },
): Settings {
  const reader = new EnvReader(env);
  const drift = readDrift(reader);
  const genesys = readGenesys(reader);
  const storage = readStorage(reader);
  const bot = readBot(reader);
  const notifications = readNotifications(reader, genesys);
  const tabs = readTabs(reader, bot);
  const routing = readRouting(reader);
  const logLevel = reader.parse(
    'LOG_LEVEL',
    'info',
    (text) => parseLogLevel(text) ?? problem(`"${text}" is not a log level (use ${LOG_LEVELS.join(', ')})`),
  );
  const instanceId = reader.parse('INSTANCE_ID', `${host.hostname}-${host.pid}`, (text) =>
    // Azure Table keys forbid / \ # ? and control characters; the lease owner may end up in one.
    text.length <= 128 &&
    !/[/\\#?]/.test(text) &&
    ![...text].some((ch) => ch.charCodeAt(0) < 32 || ch.charCodeAt(0) === 127)
      ? text
      : problem('must be at most 128 characters without / \\ # ? or control characters'),
  );
  // The simulator and Azurite are development stand-ins (Azurite is a devDependency): production names what is missing.
  if (bot.isProduction && genesys.mode === 'local')
    reader.report(
      'GENESYS_REGION',
      'required when NODE_ENV=production (with GENESYS_CLIENT_ID and GENESYS_CLIENT_SECRET); without it the local simulator would run',
    );
  if (bot.isProduction && storage.mode === 'azurite')
    reader.report(
      'AZURE_TABLES_CONNECTION_STRING',
      'required when NODE_ENV=production (or AZURE_TABLES_ENDPOINT); without either a local Azurite would run',
    );
  if (reader.problems.length > 0) throw new ConfigError(reader.problems);
  return deepFreeze({
    drift,
    genesys,
    storage,
    bot,
    routing,
    notifications,
    tabs,
    logLevel,
    instanceId,
    warnings: reader.warnings,
  });
}

/** A parse failure: the message to report for the setting being read. */
class Problem {
  constructor(readonly message: string) {}
}

function problem(message: string): Problem {
  return new Problem(message);
}

/** Reads raw values, collects every problem instead of stopping at the first, and records warnings. */
class EnvReader {
  readonly problems: ConfigProblem[] = [];
  readonly warnings: string[] = [];

  constructor(private readonly env: NodeJS.ProcessEnv) {}

  /** The trimmed value, undefined when unset or blank. */
  raw(name: string): string | undefined {
    const value = this.env[name]?.trim();
    return value === undefined || value === '' ? undefined : value;
  }

  report(setting: string, message: string): void {
    this.problems.push({ setting, problem: message });
  }

  /** Parses the value or the default text; on a problem reports it and returns the parsed default as a stand-in. */
  parse<T>(name: string, defaultText: string, parse: (text: string) => T | Problem): T {
    const text = this.raw(name);
    if (text !== undefined) {
      const value = parse(text);
      if (!(value instanceof Problem)) return value;
      this.report(name, value.message);
    }
    const fallback = parse(defaultText);
    if (fallback instanceof Problem) throw new Error(`default of ${name} is invalid: ${fallback.message}`);
    return fallback;
  }

  optional<T>(name: string, parse: (text: string) => T | Problem): T | undefined {
    const text = this.raw(name);
    if (text === undefined) return undefined;
    const value = parse(text);
    if (!(value instanceof Problem)) return value;
    this.report(name, value.message);
    return undefined;
  }
}

function duration(text: string): number | Problem {
  return parseDuration(text) ?? problem(`"${text}" is not a duration (${DURATION_HINT})`);
}

function positiveDuration(text: string): number | Problem {
  const ms = duration(text);
  return ms instanceof Problem || ms > 0 ? ms : problem(`must be longer than zero (${DURATION_HINT})`);
}

function integerIn(min: number, max: number) {
  return (text: string): number | Problem => {
    const value = /^\d+$/.test(text) ? Number(text) : Number.NaN;
    return Number.isSafeInteger(value) && value >= min && value <= max
      ? value
      : problem(`"${text}" is not a whole number from ${min} to ${max}`);
  };
}

function boolean(text: string): boolean | Problem {
  const value = text.toLowerCase();
  if (['true', '1', 'yes', 'on'].includes(value)) return true;
  if (['false', '0', 'no', 'off'].includes(value)) return false;
  return problem(`"${text}" is not a boolean (use true or false)`);
}

function commaList(text: string): string[] {
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
function httpsUrl(options: { allowLoopbackHttp: boolean; isSecret?: boolean }) {
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

function readDrift(reader: EnvReader): DriftSettings {
  const nudgeAfterMs = reader.parse('DRIFT_NUDGE_AFTER', 'PT6M', positiveDuration);
  const supervisorAfterMs = reader.parse('DRIFT_SUPERVISOR_AFTER', 'PT10M', positiveDuration);
  const exceptionAfterMs = reader.parse('DRIFT_EXCEPTION_AFTER', 'PT15M', positiveDuration);
  const thresholds = { nudgeAfterMs, supervisorAfterMs, exceptionAfterMs };
  if (nudgeAfterMs >= supervisorAfterMs) {
    reader.report(
      'DRIFT_SUPERVISOR_AFTER',
      `${formatDuration(supervisorAfterMs)} must be longer than DRIFT_NUDGE_AFTER (${formatDuration(nudgeAfterMs)}): the agent is nudged before the supervisor is alerted`,
    );
  }
  if (supervisorAfterMs >= exceptionAfterMs) {
    reader.report(
      'DRIFT_EXCEPTION_AFTER',
      `${formatDuration(exceptionAfterMs)} must be longer than DRIFT_SUPERVISOR_AFTER (${formatDuration(supervisorAfterMs)}): alerts must come before the formal exception`,
    );
  }
  return {
    thresholds,
    excludedActivities: reader.parse('DRIFT_EXCLUDED_ACTIVITIES', '', commaList),
    overtimeActivityCodes: reader.parse('DRIFT_OVERTIME_ACTIVITY_CODES', '', commaList),
    dampening: {
      windowMs: reader.parse('DRIFT_DAMPENING_WINDOW', 'PT60S', duration),
      massChangeAgents: reader.parse('DRIFT_MASS_CHANGE_AGENTS', '20', integerIn(1, 100_000)),
      massChangeWithinMs: reader.parse('DRIFT_MASS_CHANGE_WITHIN', 'PT10S', positiveDuration),
    },
    allowSelfDeclaredOvertime: reader.parse('DRIFT_ALLOW_SELF_DECLARED_OVERTIME', 'false', boolean),
    thresholdOverrides: readThresholdOverrides(reader, thresholds),
    positiveImpact: reader.parse<PositiveImpactPolicy>('DRIFT_POSITIVE_IMPACT', 'ignore', (text) => {
      const value = text.toLowerCase();
      return value === 'ignore' || value === 'nudge'
        ? value
        : problem(`"${text}" is not a choice (use ignore or nudge)`);
    }),
    clockSkewAllowanceMs: reader.parse('GENESYS_CLOCK_SKEW_ALLOWANCE', 'PT2M', (text) => {
      const ms = duration(text);
      return ms instanceof Problem || ms <= 60 * 60_000
        ? ms
        : problem(
            `${formatDuration(ms)} is more than an hour; a clock that far off is a fault to fix, not to allow`,
          );
    }),
  };
}

const OVERRIDE_FIELDS: Readonly<Record<string, keyof DriftThresholds>> = {
  nudgeAfter: 'nudgeAfterMs',
  supervisorAfter: 'supervisorAfterMs',
  exceptionAfter: 'exceptionAfterMs',
};

function readThresholdOverrides(reader: EnvReader, defaults: DriftThresholds): ThresholdOverrides {
  const name = 'DRIFT_THRESHOLD_OVERRIDES';
  const empty: ThresholdOverrides = { managementUnits: {}, activityCategories: {} };
  const text = reader.raw(name);
  if (text === undefined) return empty;
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    reader.report(name, `is not valid JSON (${(err as Error).message})`);
    return empty;
  }
  if (!isPlainObject(json)) {
    reader.report(
      name,
      'must be a JSON object like {"managementUnits":{"<muId>":{"nudgeAfter":"PT4M"}},"activityCategories":{"Meal":{...}}}',
    );
    return empty;
  }
  const problemsBefore = reader.problems.length;
  for (const key of Object.keys(json)) {
    if (key !== 'managementUnits' && key !== 'activityCategories')
      reader.report(name, `unknown key "${key}" (use managementUnits and activityCategories)`);
  }
  const readGroup = (
    group: 'managementUnits' | 'activityCategories',
  ): Record<string, Partial<DriftThresholds>> => {
    const value = json[group];
    const result: Record<string, Partial<DriftThresholds>> = {};
    if (value === undefined) return result;
    if (!isPlainObject(value)) {
      reader.report(
        name,
        `${group} must be an object keyed by ${group === 'managementUnits' ? 'management unit id' : 'activity category'}`,
      );
      return result;
    }
    for (const [rawScope, fields] of Object.entries(value)) {
      let scope = rawScope.trim();
      const where = `${group}[${JSON.stringify(rawScope)}]`;
      if (scope === '') {
        reader.report(name, `${where}: the key must not be empty`);
        continue;
      }
      if (group === 'activityCategories') {
        const known = ACTIVITY_CATEGORIES.find((c) => c.toLowerCase() === scope.toLowerCase());
        if (known === undefined)
          reader.warnings.push(
            `${name}: activity category "${scope}" is not one Genesys is known to send (${ACTIVITY_CATEGORIES.join(', ')})`,
          );
        scope = known ?? scope;
      }
      if (!isPlainObject(fields)) {
        reader.report(name, `${where} must be an object like {"nudgeAfter":"PT4M"}`);
        continue;
      }
      const override: { -readonly [K in keyof DriftThresholds]?: number } = {};
      for (const [field, raw] of Object.entries(fields)) {
        const target = OVERRIDE_FIELDS[field];
        if (target === undefined) {
          reader.report(
            name,
            `${where}.${field} is not a threshold (use nudgeAfter, supervisorAfter, exceptionAfter)`,
          );
          continue;
        }
        const ms =
          typeof raw === 'number'
            ? raw > 0 && Number.isFinite(raw)
              ? Math.round(raw * 1_000)
              : undefined
            : typeof raw === 'string'
              ? parseDuration(raw)
              : undefined;
        if (ms === undefined || ms <= 0) {
          reader.report(
            name,
            `${where}.${field}: ${JSON.stringify(raw)} is not a positive duration (${DURATION_HINT})`,
          );
          continue;
        }
        override[target] = ms;
      }
      const merged = { ...defaults, ...override };
      if (!(
        merged.nudgeAfterMs < merged.supervisorAfterMs && merged.supervisorAfterMs < merged.exceptionAfterMs
      )) {
        reader.report(
          name,
          `${where} gives nudge ${formatDuration(merged.nudgeAfterMs)}, supervisor ${formatDuration(merged.supervisorAfterMs)}, exception ${formatDuration(merged.exceptionAfterMs)} (with the defaults filled in); they must increase in that order`,
        );
      }
      result[scope] = override;
    }
    return result;
  };
  const overrides = {
    managementUnits: readGroup('managementUnits'),
    activityCategories: readGroup('activityCategories'),
  };
  return reader.problems.length === problemsBefore ? overrides : empty;
}

function readGenesys(reader: EnvReader): GenesysSettings {
  const managementUnitIds = reader.parse('GENESYS_MANAGEMENT_UNIT_IDS', '', commaList);
  const directoryRefreshMs = reader.parse('GENESYS_DIRECTORY_REFRESH', 'PT15M', (text) => {
    const ms = duration(text);
    return ms instanceof Problem || ms === 0 || ms >= 60_000
      ? ms
      : problem(
          `${formatDuration(ms)} is too often (at least PT1M, or 0 to turn it off): each refresh reads every unit`,
        );
  });
  const regionText = reader.raw('GENESYS_REGION');
  const apiUrl = reader.optional('GENESYS_API_URL', httpsUrl({ allowLoopbackHttp: true }));
  const loginUrl = reader.optional('GENESYS_LOGIN_URL', httpsUrl({ allowLoopbackHttp: true }));
  const clientId = reader.raw('GENESYS_CLIENT_ID');
  const clientSecret = reader.raw('GENESYS_CLIENT_SECRET');
  const given = [
    'GENESYS_REGION',
    'GENESYS_API_URL',
    'GENESYS_LOGIN_URL',
    'GENESYS_CLIENT_ID',
    'GENESYS_CLIENT_SECRET',
  ].filter((name) => reader.raw(name) !== undefined);
  if (given.length === 0) return { mode: 'local', managementUnitIds, directoryRefreshMs };

  const region = regionText === undefined ? undefined : readRegion(reader, regionText);
  const because = `required because ${given.join(', ')} ${given.length === 1 ? 'is' : 'are'} set (leave every GENESYS_* connection setting empty to run against the local simulator)`;
  if (regionText === undefined && reader.raw('GENESYS_API_URL') === undefined)
    reader.report('GENESYS_REGION', `${because}; or set GENESYS_API_URL and GENESYS_LOGIN_URL`);
  else if (regionText === undefined && reader.raw('GENESYS_LOGIN_URL') === undefined)
    reader.report('GENESYS_LOGIN_URL', `${because}; or set GENESYS_REGION`);
  if (clientId === undefined) reader.report('GENESYS_CLIENT_ID', because);
  if (clientSecret === undefined) reader.report('GENESYS_CLIENT_SECRET', because);
  return {
    mode: 'cloud',
    ...(region === undefined ? {} : { region }),
    apiUrl: apiUrl ?? (region === undefined ? '' : `https://api.${region}`),
    loginUrl: loginUrl ?? (region === undefined ? '' : `https://login.${region}`),
    clientId: clientId ?? '',
    clientSecret: clientSecret ?? '',
    managementUnitIds,
    directoryRefreshMs,
  };
}

// Genesys region host shapes: mypurecloud.<tld>[.<cc>] and <code>.[<realm>-]pure.cloud (genesys-cloud-api.md §5).
const REGION_SHAPE = /^(?:mypurecloud\.[a-z]{2,3}(?:\.[a-z]{2})?|[a-z0-9]+\.(?:[a-z0-9-]+-)?pure\.cloud)$/;

function readRegion(reader: EnvReader, text: string): string | undefined {
  const region = text.toLowerCase();
  if (GENESYS_REGIONS.includes(region)) return region;
  const bare = region
    .replace(/^[a-z]+:\/\//, '')
    .replace(/^(?:api|login|apps|streaming)\./, '')
    .replace(/\/.*$/, '');
  if (bare !== region && GENESYS_REGIONS.includes(bare)) {
    reader.report('GENESYS_REGION', `"${text}" should be the bare region host: ${bare}`);
    return undefined;
  }
  if (REGION_SHAPE.test(region)) {
    reader.warnings.push(
      `GENESYS_REGION: "${text}" is not a region this build knows (${GENESYS_REGIONS.join(', ')}); using https://api.${region}`,
    );
    return region;
  }
  reader.report(
    'GENESYS_REGION',
    `"${text}" is not a Genesys Cloud region (e.g. ${GENESYS_REGIONS.slice(0, 3).join(', ')}, usw2.pure.cloud)`,
  );
  return undefined;
}

function readStorage(reader: EnvReader): StorageSettings {
  const tablePrefix = reader.parse('TABLE_PREFIX', 'adherence', (text) =>
    // Azure table names: alphanumeric, start with a letter, 3-63 characters; 40 leaves room for our suffixes.
    /^[A-Za-z][A-Za-z0-9]{0,39}$/.test(text)
      ? text
      : problem(
          `"${text}" must start with a letter and have only letters and digits, at most 40 (Azure table-name rules)`,
        ),
  );
  const historyRetentionDays = reader.parse('HISTORY_RETENTION_DAYS', '90', integerIn(1, 3_650));
  const connectionString = reader.optional('AZURE_TABLES_CONNECTION_STRING', (text) =>
    isConnectionString(text)
      ? text
      : problem(
          'is not a storage connection string (expected Key=Value pairs with AccountName and AccountKey, SharedAccessSignature, or UseDevelopmentStorage=true)',
        ),
  );
  const endpoint = reader.optional('AZURE_TABLES_ENDPOINT', httpsUrl({ allowLoopbackHttp: false }));
  const common = { tablePrefix, historyRetentionDays };
  if (
    reader.raw('AZURE_TABLES_CONNECTION_STRING') !== undefined &&
    reader.raw('AZURE_TABLES_ENDPOINT') !== undefined
  ) {
    reader.report(
      'AZURE_TABLES_ENDPOINT',
      'set either AZURE_TABLES_CONNECTION_STRING or AZURE_TABLES_ENDPOINT, not both',
    );
  }
  if (connectionString !== undefined) return { ...common, mode: 'connectionString', connectionString };
  if (endpoint !== undefined) return { ...common, mode: 'endpoint', endpoint };
  return { ...common, mode: 'azurite' };
}

function isConnectionString(text: string): boolean {
  const pairs = text.split(';').filter((part) => part.trim() !== '');
  if (pairs.length === 0 || !pairs.every((part) => /^[A-Za-z]+=./.test(part.trim()))) return false;
  const keys = new Set(pairs.map((part) => part.trim().split('=')[0]!.toLowerCase()));
  return (
    (keys.has('accountname') && keys.has('accountkey')) ||
    keys.has('sharedaccesssignature') ||
    /usedevelopmentstorage=true/i.test(text)
  );
}

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function readBot(reader: EnvReader): BotSettings {
  const nodeEnv = reader.parse('NODE_ENV', 'development', (text) => text);
  const isProduction = nodeEnv === 'production';
  const appId = reader.optional('BOT_ID', (text) =>
    GUID.test(text) ? text : problem(`"${text}" is not a GUID (the Azure Bot's Microsoft App ID)`),
  );
  const tenantId = reader.optional('BOT_TENANT_ID', (text) =>
    GUID.test(text) ? text : problem(`"${text}" is not a GUID (the Entra directory (tenant) id)`),
  );
  const appPassword = reader.raw('BOT_PASSWORD');
  const type = reader.parse<BotType>('BOT_TYPE', 'SingleTenant', (text) => {
    const value = text.toLowerCase();
    if (value === 'singletenant') return 'SingleTenant';
    if (value === 'userassignedmsi') return 'UserAssignedMSI';
    if (value === 'multitenant')
      return problem(
        'MultiTenant is refused: Azure no longer creates multi-tenant bots (since 2025-07-31); use SingleTenant or UserAssignedMSI',
      );
    return problem(`"${text}" is not a bot type (use SingleTenant or UserAssignedMSI)`);
  });
  const port = reader.parse('PORT', '3978', integerIn(0, 65_535));
  const metricsPort = reader.optional('METRICS_PORT', integerIn(0, 65_535));
  if (metricsPort !== undefined && metricsPort !== 0 && metricsPort === port)
    reader.report(
      'METRICS_PORT',
      `must differ from PORT (${port}): it keeps /healthz, /readyz and /metrics off the public endpoint`,
    );
  const isLocal = reader.parse('LOCAL_MODE', 'false', boolean);
  if (isLocal && isProduction)
    reader.report(
      'LOCAL_MODE',
      'is refused when NODE_ENV=production (it allows running without Bot Framework auth)',
    );
  if (reader.raw('BOT_ID') === undefined) {
    if (isProduction)
      reader.report(
        'BOT_ID',
        'is required when NODE_ENV=production: an empty BOT_ID turns Bot Framework authentication off',
      );
    else if (!isLocal)
      reader.report(
        'BOT_ID',
        'is required: an empty BOT_ID turns Bot Framework authentication off, which only an explicit local run allows (LOCAL_MODE=true)',
      );
  } else {
    if (reader.raw('BOT_TENANT_ID') === undefined)
      reader.report('BOT_TENANT_ID', `required with BOT_ID for a ${type} bot`);
    if (type === 'SingleTenant' && appPassword === undefined)
      reader.report(
        'BOT_PASSWORD',
        'required with BOT_ID for a SingleTenant bot (the app registration client secret)',
      );
    if (type === 'UserAssignedMSI' && appPassword !== undefined)
      reader.warnings.push(
        'BOT_PASSWORD is ignored for a UserAssignedMSI bot (the managed identity has no password)',
      );
  }
  return {
    ...(appId === undefined ? {} : { appId }),
    ...(appPassword === undefined ? {} : { appPassword }),
    ...(tenantId === undefined ? {} : { tenantId }),
    type,
    port,
    ...(metricsPort === undefined ? {} : { metricsPort }),
    nodeEnv,
    isProduction,
    isLocal,
  };
}

// A UPN or email: something@domain; an Entra object id: a GUID.
const ACCOUNT = /^[^\s@,]+@[^\s@,]+$/;

function readRouting(reader: EnvReader): RoutingSettings {
  const admins = reader.parse('WATCH_ADMINS', '', (text) => {
    const entries = commaList(text.toLowerCase());
    const bad = entries.filter((entry) => !ACCOUNT.test(entry) && !GUID.test(entry));
    return bad.length === 0
      ? entries
      : problem(
          `${bad.map((entry) => `"${entry}"`).join(', ')} ${bad.length === 1 ? 'is' : 'are'} not an email, UPN or Entra object id (GUID)`,
        );
  });
  const allowUnitManagers = reader.parse('WATCH_ALLOW_UNIT_MANAGERS', 'false', boolean);
  if (admins.length === 0 && !allowUnitManagers)
    reader.warnings.push(
      'WATCH_ADMINS is empty and WATCH_ALLOW_UNIT_MANAGERS is off: nobody can route supervisor alerts with watch',
    );
  return { admins, allowUnitManagers };
}

function readSupervisorAlertBudget(reader: EnvReader): number {
  return reader.parse('SUPERVISOR_ALERT_BUDGET_PER_HOUR', '6', integerIn(1, 1_000));
}

function readNotifications(reader: EnvReader, genesys: GenesysSettings): NotificationSettings {
  const teamsTenantRps = reader.parse('TEAMS_TENANT_RPS', '50', (text) => {
    const value = integerIn(1, 50)(text);
    return value instanceof Problem
      ? problem(`${value.message} (Teams allows at most 50 requests per second per app per tenant)`)
      : value;
  });
  const supervisorAlertBudgetPerHour = readSupervisorAlertBudget(reader);
  const teamsJitterAllowanceMs = reader.parse('TEAMS_JITTER_ALLOWANCE', 'PT0.5S', (text) => {
    const ms = duration(text);
    return ms instanceof Problem || ms <= 5_000 ? ms : problem(`must be at most PT5S (${DURATION_HINT})`);
  });
  const slackWebhookUrl = reader.optional(
    'SLACK_WEBHOOK_URL',
    httpsUrl({ allowLoopbackHttp: true, isSecret: true }),
  );
  const genesysWfmUrl =
    reader.optional('GENESYS_WFM_URL', httpsUrl({ allowLoopbackHttp: true })) ?? defaultWfmUrl(genesys);
  return {
    teamsTenantRps,
    supervisorAlertBudgetPerHour,
    teamsJitterAllowanceMs,
    ...(slackWebhookUrl === undefined ? {} : { slackWebhookUrl }),
    ...(genesysWfmUrl === undefined ? {} : { genesysWfmUrl }),
  };
}

/** The Genesys Cloud web app lives at `apps.<region>`; derived from the region or the API host. */
function defaultWfmUrl(genesys: GenesysSettings): string | undefined {
  if (genesys.mode !== 'cloud') return undefined;
  if (genesys.region !== undefined) return `https://apps.${genesys.region}/`;
  const match = /^https:\/\/api\.([^/]+)$/.exec(genesys.apiUrl);
  return match ? `https://apps.${match[1]}/` : undefined;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

// Entra ID publishes signing keys and issues v2.0 tokens at login.microsoftonline.com/<tenant>, v1.0 tokens with the
// issuer sts.windows.net/<tenant>/ (learn.microsoft.com/entra/identity-platform/access-tokens#validate-tokens).
const ENTRA_LOGIN = 'https://login.microsoftonline.com';

function readTabs(reader: EnvReader, bot: BotSettings): TabSettings {
  const domain = reader.optional('TAB_DOMAIN', (text) => {
    const host = text.toLowerCase();
    if (/^[a-z][a-z0-9+.-]*:\/\//.test(host))
      return problem(
        `"${text}" must be the host name only, e.g. ${host.replace(/^[a-z][a-z0-9+.-]*:\/\//, '').replace(/[/:].*$/, '')}`,
      );
    return /^(?=.{1,253}$)[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*$/.test(
      host,
    )
      ? host
      : problem(`"${text}" is not a host name (e.g. drift.contoso.com)`);
  });
  const teamsAppId = reader.optional('TEAMS_APP_ID', (text) =>
    GUID.test(text) ? text.toLowerCase() : problem(`"${text}" is not a GUID (the manifest id)`),
  );
  const resourceText = reader.optional('TAB_SSO_RESOURCE', (text) =>
    /^(api|https):\/\/\S+$/.test(text)
      ? text
      : problem(`"${text}" is not an Application ID URI (api://<host>/<client id> or an https URI)`),
  );
  const jwksText = reader.optional('TAB_SSO_JWKS_URL', httpsUrl({ allowLoopbackHttp: true }));
  const issuersText = reader.optional('TAB_SSO_ISSUERS', (text) => {
    const issuers = commaList(text);
    const bad = issuers.filter((issuer) => httpsUrl({ allowLoopbackHttp: true })(issuer) instanceof Problem);
    if (issuers.length === 0) return problem('must list at least one issuer');
    return bad.length === 0
      ? issuers
      : problem(
          `${bad.map((issuer) => `"${issuer}"`).join(', ')} must be https URLs (http only to localhost)`,
        );
  });
  const base = {
    ...(domain === undefined ? {} : { domain }),
    ...(teamsAppId === undefined ? {} : { teamsAppId }),
  };
  if (bot.appId === undefined) {
    const ignored = ['TAB_SSO_RESOURCE', 'TAB_SSO_JWKS_URL', 'TAB_SSO_ISSUERS'].filter(
      (name) => reader.raw(name) !== undefined,
    );
    if (ignored.length > 0)
      reader.warnings.push(
        `${ignored.join(', ')} ignored without BOT_ID: local mode serves the tabs on loopback without sign-in`,
      );
    return base;
  }
  const tenantId = bot.tenantId ?? '';
  const resource = resourceText ?? (domain === undefined ? undefined : `api://${domain}/${bot.appId}`);
  if (resource === undefined)
    reader.warnings.push(
      'TAB_DOMAIN is not set: the Teams tabs cannot be listed in the manifest, and the report API accepts only tokens whose audience is BOT_ID',
    );
  return {
    ...base,
    sso: {
      audiences: resource === undefined ? [bot.appId] : [resource, bot.appId],
      ...(resource === undefined ? {} : { resource }),
      jwksUrl: jwksText ?? `${ENTRA_LOGIN}/${tenantId}/discovery/v2.0/keys`,
      issuers: issuersText ?? [`${ENTRA_LOGIN}/${tenantId}/v2.0`, `https://sts.windows.net/${tenantId}/`],
      tenantId,
    },
  };
}
