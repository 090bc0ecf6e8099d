import {
  BOT_ID,
  BOT_PASSWORD,
  BOT_TENANT_ID,
  BOT_TYPE,
  LOCAL_MODE,
  METRICS_PORT,
  NODE_ENV,
  PORT,
} from './bot-settings';
import {
  DRIFT_ALLOW_SELF_DECLARED_OVERTIME,
  DRIFT_DAMPENING_WINDOW,
  DRIFT_EXCEPTION_AFTER,
  DRIFT_EXCLUDED_ACTIVITIES,
  DRIFT_MASS_CHANGE_AGENTS,
  DRIFT_MASS_CHANGE_WITHIN,
  DRIFT_NUDGE_AFTER,
  DRIFT_OVERTIME_ACTIVITY_CODES,
  DRIFT_POSITIVE_IMPACT,
  DRIFT_SUPERVISOR_AFTER,
  DRIFT_THRESHOLD_OVERRIDES,
  GENESYS_CLOCK_SKEW_ALLOWANCE,
} from './drift-settings';
import {
  GENESYS_API_URL,
  GENESYS_CLIENT_ID,
  GENESYS_CLIENT_SECRET,
  GENESYS_DIRECTORY_REFRESH,
  GENESYS_LOGIN_URL,
  GENESYS_MANAGEMENT_UNIT_IDS,
  GENESYS_RECORD_DIR,
  GENESYS_REGION,
} from './genesys-settings';
import { INSTANCE_ID, LOG_LEVEL } from './instance-settings';
import {
  DIGEST_SCHEDULE,
  GENESYS_WFM_URL,
  SLACK_WEBHOOK_URL,
  SUPERVISOR_ALERT_BUDGET_PER_HOUR,
  TEAMS_JITTER_ALLOWANCE,
  TEAMS_TENANT_RPS,
} from './notification-settings';
import { WATCH_ADMINS, WATCH_ALLOW_UNIT_MANAGERS } from './routing-settings';
import type { SettingSpec } from './setting-spec';
import {
  AZURE_TABLES_CONNECTION_STRING,
  AZURE_TABLES_ENDPOINT,
  HISTORY_RETENTION_DAYS,
  TABLE_PREFIX,
} from './storage-settings';
import {
  TAB_DOMAIN,
  TAB_SSO_ISSUERS,
  TAB_SSO_JWKS_URL,
  TAB_SSO_RESOURCE,
  TEAMS_APP_ID,
} from './tab-settings';

/**
 * Every setting of the service in the order of the README's settings table. Each spec (name, default, meaning,
 * parser, secret) lives with the settings of its concern; this list only orders them.
 */
const SETTINGS_TABLE: readonly SettingSpec<unknown>[] = Object.freeze([
  DRIFT_NUDGE_AFTER,
  DRIFT_SUPERVISOR_AFTER,
  DRIFT_EXCEPTION_AFTER,
  DRIFT_EXCLUDED_ACTIVITIES,
  DRIFT_OVERTIME_ACTIVITY_CODES,
  DRIFT_DAMPENING_WINDOW,
  DRIFT_MASS_CHANGE_AGENTS,
  DRIFT_MASS_CHANGE_WITHIN,
  DRIFT_ALLOW_SELF_DECLARED_OVERTIME,
  DRIFT_POSITIVE_IMPACT,
  DRIFT_THRESHOLD_OVERRIDES,
  LOG_LEVEL,
  GENESYS_REGION,
  GENESYS_API_URL,
  GENESYS_LOGIN_URL,
  GENESYS_CLIENT_ID,
  GENESYS_CLIENT_SECRET,
  GENESYS_MANAGEMENT_UNIT_IDS,
  GENESYS_DIRECTORY_REFRESH,
  GENESYS_CLOCK_SKEW_ALLOWANCE,
  GENESYS_RECORD_DIR,
  AZURE_TABLES_CONNECTION_STRING,
  AZURE_TABLES_ENDPOINT,
  TABLE_PREFIX,
  HISTORY_RETENTION_DAYS,
  BOT_ID,
  BOT_PASSWORD,
  BOT_TENANT_ID,
  BOT_TYPE,
  PORT,
  METRICS_PORT,
  NODE_ENV,
  LOCAL_MODE,
  TEAMS_TENANT_RPS,
  SUPERVISOR_ALERT_BUDGET_PER_HOUR,
  TEAMS_JITTER_ALLOWANCE,
  WATCH_ADMINS,
  WATCH_ALLOW_UNIT_MANAGERS,
  SLACK_WEBHOOK_URL,
  GENESYS_WFM_URL,
  DIGEST_SCHEDULE,
  TAB_DOMAIN,
  TAB_SSO_RESOURCE,
  TAB_SSO_JWKS_URL,
  TAB_SSO_ISSUERS,
  TEAMS_APP_ID,
  INSTANCE_ID,
] as SettingSpec<unknown>[]);

/** One row of the settings table: the environment variable, its default (undefined = none) and what it does. */
export interface SettingDescription {
  readonly name: string;
  /** The default as written in the environment, or how it is derived (`https://api.<region>`); '' = empty. */
  readonly default: string | undefined;
  /** Markdown; a secret's ends with "Secret.". */
  readonly meaning: string;
  readonly isSecret: boolean;
}

const DESCRIPTIONS: readonly SettingDescription[] = Object.freeze(
  SETTINGS_TABLE.map((spec) =>
    Object.freeze({
      name: spec.name,
      default: spec.default ?? spec.derivedDefault,
      meaning: spec.isSecret ? `${spec.meaning} Secret.` : spec.meaning,
      isSecret: spec.isSecret === true,
    }),
  ),
);

/** The settings table (name, default, meaning, secret) in the order of the README; pure. */
export function describeSettings(): readonly SettingDescription[] {
  return DESCRIPTIONS;
}

/** The README's settings table rows, one Markdown line per setting (the README must hold exactly these); pure. */
export function formatSettingsTableRows(): string[] {
  return DESCRIPTIONS.map(
    (d) =>
      `| \`${d.name}\` | ${d.default === undefined || d.default === '' ? '–' : `\`${d.default}\``} | ${d.meaning} |`,
  );
}
