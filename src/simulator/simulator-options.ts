/** Options of {@link startGenesysSimulator}; every field has a default. */
export interface SimulatorOptions {
  /** Port on 127.0.0.1; 0 (default) picks a free one. */
  readonly port?: number;
  /** Seed of the contact centre (ids, names, schedules, behaviour); default 1. */
  readonly seed?: number | string;
  /** Simulated ms per real ms (60 = one simulated minute per real second); default 1. Ignored when `manualClock`. */
  readonly timeScale?: number;
  /** Simulator start instant (epoch ms); default the wall clock at start. */
  readonly startAt?: number;
  /** Time moves only through `advance(ms)`; default false. */
  readonly manualClock?: boolean;
  /**
   * `idle`: agents follow their schedule and only the control API moves them (default); `shift`: the realistic
   * day.
   */
  readonly scenario?: 'idle' | 'shift';
  /** Management units; default 2. */
  readonly units?: number;
  /** Agents per management unit; default 12. */
  readonly agentsPerUnit?: number;
  /**
   * Real-time heartbeat period on each socket; default 30000 (the interval koodaamo/genesys-notifications,
   * channel.py, sees).
   */
  readonly heartbeatIntervalMs?: number;
  /**
   * Token lifetime in simulator seconds; default 86400 (the `accessTokenValiditySeconds` default of
   * `OAuthClient`, MyPureCloud/platform-client-sdk-javascript build/index.d.ts).
   */
  readonly tokenExpiresInSeconds?: number;
  /**
   * Requests per real minute per token before 429; default 300 (`token.rate.per.minute`, Genesys Cloud limits,
   * developer.genesys.cloud/api/rest/v2/organization/limits).
   */
  readonly rateLimitPerMinute?: number;
  /**
   * Unit adherence answers only `{downloadUrl}` above this many agents; default 100. UNCONFIRMED: Genesys's
   * real threshold.
   */
  readonly downloadThreshold?: number;
  /** OAuth client id; default a fixed UUID. */
  readonly clientId?: string;
  /** OAuth client secret; default a fixed string. */
  readonly clientSecret?: string;
  /** Permissions of the OAuth client's role; default {@link DEFAULT_PERMISSIONS}. */
  readonly permissions?: readonly string[];
  /**
   * Channels per OAuth client; default 20
   * (developer.genesys.cloud/forum/t/notifications-service-limits-concepts/10312, quoting the notification
   * service docs).
   */
  readonly maxChannelsPerClient?: number;
  /**
   * Topics per channel; default 1000
   * (developer.genesys.cloud/forum/t/notifications-service-limits-concepts/10312, quoting the notification
   * service docs).
   */
  readonly maxTopicsPerChannel?: number;
  /** Real ms between an async schedule search answer and its notification; default 100. */
  readonly asyncSearchDelayMs?: number;
  /**
   * A schedule search asking for more than this many agent-days (agents x days in the window) is answered
   * `Processing`,
   * its result following on the completion topic; default 50. UNCONFIRMED: Genesys's real threshold is not
   * documented.
   */
  readonly asyncSearchAgentDays?: number;
  /**
   * Names and emails for the first agents (in unit order), e.g. to match a Teams test client's users; default
   * none.
   */
  readonly agentIdentities?: readonly { readonly name: string; readonly email: string }[];
}

/** Permissions the default OAuth client holds: everything the supported topics and endpoints need. */
const DEFAULT_PERMISSIONS: readonly string[] = [
  'wfm:realtimeAdherence:view',
  'wfm:agentAdherence:notify',
  'wfm:agentSchedule:view',
  'wfm:schedule:view',
  'wfm:publishedSchedule:view',
  'wfm:managementUnit:view',
  'wfm:businessUnit:view',
  'wfm:activityCode:view',
  'wfm:agent:view',
  'directory:user:view',
];

/** Options with every default filled in. */
export type ResolvedSimulatorOptions = Required<Omit<SimulatorOptions, 'startAt'>> & {
  readonly startAt: number;
};

/** Fills in defaults; `now` is the wall clock used for the default start instant. */
export function resolveSimulatorOptions(options: SimulatorOptions, now: number): ResolvedSimulatorOptions {
  return {
    port: options.port ?? 0,
    seed: options.seed ?? 1,
    timeScale: options.timeScale ?? 1,
    startAt: options.startAt ?? now,
    manualClock: options.manualClock ?? false,
    scenario: options.scenario ?? 'idle',
    units: options.units ?? 2,
    agentsPerUnit: options.agentsPerUnit ?? 12,
    heartbeatIntervalMs: options.heartbeatIntervalMs ?? 30_000,
    tokenExpiresInSeconds: options.tokenExpiresInSeconds ?? 86_400,
    rateLimitPerMinute: options.rateLimitPerMinute ?? 300,
    downloadThreshold: options.downloadThreshold ?? 100,
    clientId: options.clientId ?? '5f0b9c2e-7d41-4c8a-9e36-1a2b3c4d5e6f',
    clientSecret: options.clientSecret ?? 'simulator-secret',
    permissions: options.permissions ?? DEFAULT_PERMISSIONS,
    maxChannelsPerClient: options.maxChannelsPerClient ?? 20,
    maxTopicsPerChannel: options.maxTopicsPerChannel ?? 1000,
    asyncSearchDelayMs: options.asyncSearchDelayMs ?? 100,
    asyncSearchAgentDays: options.asyncSearchAgentDays ?? 50,
    agentIdentities: options.agentIdentities ?? [],
  };
}

/**
 * Reads simulator options from CLI flags (`--port=`, `--seed=`, `--time-scale=`, `--scenario=`,
 * `--manual-clock`) and env (`SIM_PORT`, `SIM_SEED`, `SIM_TIME_SCALE`, `SIM_SCENARIO`, `SIM_UNITS`,
 * `SIM_AGENTS_PER_UNIT`); flags win. Throws naming every bad setting.
 */
export function readSimulatorCliOptions(argv: readonly string[], env: NodeJS.ProcessEnv): SimulatorOptions {
  const flags = new Map<string, string>();
  for (const arg of argv) {
    const m = /^--([a-z-]+)(?:=(.*))?$/.exec(arg);
    if (m) flags.set(m[1], m[2] ?? 'true');
  }
  const pick = (flag: string, envName: string): string | undefined => flags.get(flag) ?? env[envName];
  const problems: string[] = [];
  const num = (flag: string, envName: string, min: number): number | undefined => {
    const raw = pick(flag, envName);
    if (raw === undefined || raw === '') return undefined;
    const value = Number(raw);
    if (!Number.isFinite(value) || value < min)
      problems.push(`--${flag} / ${envName} must be a number >= ${min} (got "${raw}")`);
    return value;
  };
  const scenario = pick('scenario', 'SIM_SCENARIO');
  if (scenario !== undefined && scenario !== 'idle' && scenario !== 'shift')
    problems.push(`--scenario / SIM_SCENARIO must be idle or shift (got "${scenario}")`);
  const seedRaw = pick('seed', 'SIM_SEED');
  const options: SimulatorOptions = {
    port: num('port', 'SIM_PORT', 0),
    seed: seedRaw === undefined ? undefined : /^\d+$/.test(seedRaw) ? Number(seedRaw) : seedRaw,
    timeScale: num('time-scale', 'SIM_TIME_SCALE', 0.001),
    scenario: scenario as SimulatorOptions['scenario'],
    units: num('units', 'SIM_UNITS', 1),
    agentsPerUnit: num('agents-per-unit', 'SIM_AGENTS_PER_UNIT', 1),
    manualClock: pick('manual-clock', 'SIM_MANUAL_CLOCK') === 'true' ? true : undefined,
  };
  if (problems.length > 0) throw new Error(`Invalid simulator settings:\n  ${problems.join('\n  ')}`);
  return Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined));
}
