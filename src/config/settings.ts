import { hostname } from 'node:os';
import { deepFreeze } from '../platform/deep-freeze';
import { ConfigError } from '../platform/errors';
import type { LogLevel } from '../platform/logger';
import { readBotSettings, type BotSettings } from './bot-settings';
import { readDriftSettings, type DriftSettings } from './drift-settings';
import { GENESYS_REGION, readGenesysSettings, type GenesysSettings } from './genesys-settings';
import { INSTANCE_ID, instanceIdOf, LOG_LEVEL } from './instance-settings';
import {
  readNotificationSettings,
  SUPERVISOR_ALERT_BUDGET_PER_HOUR,
  type NotificationSettings,
} from './notification-settings';
import { readRoutingSettings, type RoutingSettings } from './routing-settings';
import { EnvReader } from './setting-spec';
import {
  AZURE_TABLES_CONNECTION_STRING,
  readStorageSettings,
  type StorageSettings,
} from './storage-settings';
import { readTabSettings, type TabSettings } from './tab-settings';

export type { BotSettings } from './bot-settings';
export type { DriftSettings } from './drift-settings';
export type { GenesysSettings } from './genesys-settings';
export type { DigestSchedule, NotificationSettings } from './notification-settings';
export type { RoutingSettings } from './routing-settings';
export { describeSettings, formatSettingsTableRows } from './settings-table';
export type { StorageSettings } from './storage-settings';
export type { TabSettings, TabSsoSettings } from './tab-settings';

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
  const drift = readDriftSettings(reader);
  const supervisorAlertBudgetPerHour = reader.read(SUPERVISOR_ALERT_BUDGET_PER_HOUR);
  if (reader.problems.length > 0) throw new ConfigError(reader.problems);
  return deepFreeze({ drift, supervisorAlertBudgetPerHour });
}

/**
 * Reads and validates every setting from `env` into frozen typed settings, with every default applied (each setting's
 * name, default, meaning and parser live in one spec: src/config/settings-table.ts lists them). Throws one ConfigError
 * naming each bad setting at once. Empty values count as unset (Teams Toolkit env files write `NAME=`). `host`
 * supplies the INSTANCE_ID default (hostname and pid).
 */
export function readSettings(
  env: NodeJS.ProcessEnv,
  host: { readonly hostname: string; readonly pid: number } = { hostname: hostname(), pid: process.pid },
): Settings {
  const reader = new EnvReader(env);
  const drift = readDriftSettings(reader);
  const genesys = readGenesysSettings(reader);
  const storage = readStorageSettings(reader);
  const bot = readBotSettings(reader);
  const notifications = readNotificationSettings(reader, genesys);
  const tabs = readTabSettings(reader, bot);
  const routing = readRoutingSettings(reader);
  const logLevel = reader.read(LOG_LEVEL);
  const instanceId = reader.readOptional(INSTANCE_ID) ?? instanceIdOf(host.hostname, host.pid);
  // The simulator and Azurite are development stand-ins (Azurite is a devDependency): production names what is missing.
  if (bot.isProduction && genesys.mode === 'local')
    reader.report(
      GENESYS_REGION,
      'required when NODE_ENV=production (with GENESYS_CLIENT_ID and GENESYS_CLIENT_SECRET); without it the local simulator would run',
    );
  if (bot.isProduction && storage.mode === 'azurite')
    reader.report(
      AZURE_TABLES_CONNECTION_STRING,
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
