import { boolean, guid, integerIn, text } from './setting-parsers';
import { defineSetting, problem, type EnvReader } from './setting-spec';

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

export const BOT_ID = defineSetting({
  name: 'BOT_ID',
  meaning:
    'Azure Bot app (client) id. Required unless LOCAL_MODE=true (an empty BOT_ID turns Bot Framework auth off).',
  parse: guid("the Azure Bot's Microsoft App ID"),
});

export const BOT_PASSWORD = defineSetting({
  name: 'BOT_PASSWORD',
  meaning: 'App registration client secret (SingleTenant).',
  parse: text,
  isSecret: true,
});

export const BOT_TENANT_ID = defineSetting({
  name: 'BOT_TENANT_ID',
  meaning: 'Entra tenant id of the bot (required with BOT_ID).',
  parse: guid('the Entra directory (tenant) id'),
});

export const BOT_TYPE = defineSetting<BotType>({
  name: 'BOT_TYPE',
  default: 'SingleTenant',
  meaning: 'SingleTenant or UserAssignedMSI (Azure no longer creates multi-tenant bots).',
  parse: (text) => {
    const value = text.toLowerCase();
    if (value === 'singletenant') return 'SingleTenant';
    if (value === 'userassignedmsi') return 'UserAssignedMSI';
    if (value === 'multitenant')
      return problem(
        'MultiTenant is refused: Azure no longer creates multi-tenant bots (since 2025-07-31); use SingleTenant or UserAssignedMSI',
      );
    return problem(`"${text}" is not a bot type (use SingleTenant or UserAssignedMSI)`);
  },
});

export const PORT = defineSetting({
  name: 'PORT',
  default: '3978',
  meaning: 'HTTP port of the bot endpoint (/api/messages).',
  parse: integerIn(0, 65_535),
});

export const METRICS_PORT = defineSetting({
  name: 'METRICS_PORT',
  meaning:
    'Port of a second HTTP server for /healthz, /readyz and /metrics; then PORT serves only /api/messages. Unset = all on PORT.',
  parse: integerIn(0, 65_535),
});

export const NODE_ENV = defineSetting({
  name: 'NODE_ENV',
  default: 'development',
  meaning: 'production requires real Genesys and Azure storage settings and refuses LOCAL_MODE.',
  parse: text,
});

export const LOCAL_MODE = defineSetting({
  name: 'LOCAL_MODE',
  default: 'false',
  meaning:
    'true only for local runs (npm start, tests): BOT_ID may be empty, which turns Bot Framework auth off, and the bot then listens on 127.0.0.1 only.',
  parse: boolean,
});

/** Reads the bot identity and ports; BOT_ID is required unless the run is explicitly local, and never in production. */
export function readBotSettings(reader: EnvReader): BotSettings {
  const nodeEnv = reader.read(NODE_ENV);
  const isProduction = nodeEnv === 'production';
  const appId = reader.readOptional(BOT_ID);
  const tenantId = reader.readOptional(BOT_TENANT_ID);
  const appPassword = reader.readOptional(BOT_PASSWORD);
  const type = reader.read(BOT_TYPE);
  const port = reader.read(PORT);
  const metricsPort = reader.readOptional(METRICS_PORT);
  if (metricsPort !== undefined && metricsPort !== 0 && metricsPort === port)
    reader.report(
      METRICS_PORT,
      `must differ from PORT (${port}): it keeps /healthz, /readyz and /metrics off the public endpoint`,
    );
  const isLocal = reader.read(LOCAL_MODE);
  if (isLocal && isProduction)
    reader.report(
      LOCAL_MODE,
      'is refused when NODE_ENV=production (it allows running without Bot Framework auth)',
    );
  if (!reader.isSet(BOT_ID)) {
    if (isProduction)
      reader.report(
        BOT_ID,
        'is required when NODE_ENV=production: an empty BOT_ID turns Bot Framework authentication off',
      );
    else if (!isLocal)
      reader.report(
        BOT_ID,
        'is required: an empty BOT_ID turns Bot Framework authentication off, which only an explicit local run allows (LOCAL_MODE=true)',
      );
  } else {
    if (!reader.isSet(BOT_TENANT_ID)) reader.report(BOT_TENANT_ID, `required with BOT_ID for a ${type} bot`);
    if (type === 'SingleTenant' && appPassword === undefined)
      reader.report(
        BOT_PASSWORD,
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
