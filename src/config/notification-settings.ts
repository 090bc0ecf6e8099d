import { DURATION_HINT, durationWhere, httpsUrl, integerIn } from './setting-parsers';
import { defineSetting, Problem, problem, type EnvReader } from './setting-spec';
import { appsUrlOf, type GenesysSettings } from './genesys-settings';

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
  /** When watching channels get the weekly drift digest (in each channel's time zone), or `off`. */
  readonly digestSchedule: DigestSchedule;
}

/** A weekday (ISO: 1 = Monday ... 7 = Sunday) and a 24-hour local time, or `off`. */
export type DigestSchedule =
  'off' | { readonly isoWeekday: number; readonly hour: number; readonly minute: number };

export const TEAMS_TENANT_RPS = defineSetting({
  name: 'TEAMS_TENANT_RPS',
  default: '50',
  meaning: 'Our cap on Teams requests per second for the tenant (Teams allows 50 per app per tenant).',
  parse: (text) => {
    const value = integerIn(1, 50)(text);
    return value instanceof Problem
      ? problem(`${value.message} (Teams allows at most 50 requests per second per app per tenant)`)
      : value;
  },
});

export const SUPERVISOR_ALERT_BUDGET_PER_HOUR = defineSetting({
  name: 'SUPERVISOR_ALERT_BUDGET_PER_HOUR',
  default: '6',
  meaning:
    "Most individual alert cards per supervisor channel in any rolling hour (about one per 10 minutes, the manageable alarm rate per operator in EEMUA 191); more alerts join the channel's one live drift board card.",
  parse: integerIn(1, 1_000),
});

export const TEAMS_JITTER_ALLOWANCE = defineSetting({
  name: 'TEAMS_JITTER_ALLOWANCE',
  default: 'PT0.5S',
  meaning:
    'Network delay spread we allow for: Teams counts arrivals, so each limit is kept over its window plus this (50 in any 1.5 s by default).',
  parse: durationWhere((ms) => (ms <= 5_000 ? undefined : `must be at most PT5S (${DURATION_HINT})`)),
});

export const SLACK_WEBHOOK_URL = defineSetting({
  name: 'SLACK_WEBHOOK_URL',
  meaning: 'Optional https Slack incoming-webhook URL that also receives supervisor alerts.',
  parse: httpsUrl({ allowLoopbackHttp: true, isSecret: true }),
  isSecret: true,
});

export const GENESYS_WFM_URL = defineSetting({
  name: 'GENESYS_WFM_URL',
  derivedDefault: appsUrlOf('<region>'),
  meaning: 'Link to Genesys Cloud WFM shown on cards.',
  parse: httpsUrl({ allowLoopbackHttp: true }),
});

const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'];
const FULL_WEEKDAYS = ['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday'];

/** `MON 08:00` (a weekday, three letters or in full, any case, then HH:MM in 24 hours) or `off`. */
function parseDigestSchedule(text: string): DigestSchedule | Problem {
  if (text.toLowerCase() === 'off') return 'off';
  const match = /^([a-z]+)\s+(\d{1,2}):(\d{2})$/i.exec(text);
  const day = match?.[1]?.toLowerCase() ?? '';
  const isoWeekday = Math.max(WEEKDAYS.indexOf(day), FULL_WEEKDAYS.indexOf(day)) + 1;
  const hour = Number(match?.[2]);
  const minute = Number(match?.[3]);
  if (match === null || isoWeekday === 0 || hour > 23 || minute > 59)
    return problem(
      `"${text}" is not a weekday and time: use e.g. MON 08:00 (MON to SUN, then HH:MM in 24 hours), or off`,
    );
  return { isoWeekday, hour, minute };
}

export const DIGEST_SCHEDULE = defineSetting({
  name: 'DIGEST_SCHEDULE',
  default: 'MON 08:00',
  meaning:
    "When each watching channel gets its weekly drift digest (last week against the week before), in the time zone of the channel's units: a weekday and a 24-hour time (`MON 08:00`, `FRI 16:30`), or `off`.",
  parse: parseDigestSchedule,
});

/** Reads the Teams budget, the alert budget, the optional Slack copy and WFM link, and the digest schedule. */
export function readNotificationSettings(reader: EnvReader, genesys: GenesysSettings): NotificationSettings {
  const teamsTenantRps = reader.read(TEAMS_TENANT_RPS);
  const supervisorAlertBudgetPerHour = reader.read(SUPERVISOR_ALERT_BUDGET_PER_HOUR);
  const teamsJitterAllowanceMs = reader.read(TEAMS_JITTER_ALLOWANCE);
  const slackWebhookUrl = reader.readOptional(SLACK_WEBHOOK_URL);
  const genesysWfmUrl = reader.readOptional(GENESYS_WFM_URL) ?? defaultWfmUrl(genesys);
  const digestSchedule = reader.read(DIGEST_SCHEDULE);
  return {
    teamsTenantRps,
    supervisorAlertBudgetPerHour,
    teamsJitterAllowanceMs,
    ...(slackWebhookUrl === undefined ? {} : { slackWebhookUrl }),
    ...(genesysWfmUrl === undefined ? {} : { genesysWfmUrl }),
    digestSchedule,
  };
}

/** The Genesys Cloud web app lives at `apps.<region>`; derived from the region or the API host. */
function defaultWfmUrl(genesys: GenesysSettings): string | undefined {
  if (genesys.mode !== 'cloud') return undefined;
  if (genesys.region !== undefined) return appsUrlOf(genesys.region);
  const match = /^https:\/\/api\.([^/]+)$/.exec(genesys.apiUrl);
  return match ? appsUrlOf(match[1]) : undefined;
}
