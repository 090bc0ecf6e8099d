/** Where and how the Genesys client connects; built by src/config from the environment, tunables default here. */
export interface GenesysClientOptions {
  /** `https://api.<region>` (no trailing slash needed). */
  readonly apiUrl: string;
  /** `https://login.<region>`. */
  readonly loginUrl: string;
  readonly clientId: string;
  readonly clientSecret: string;
  /** Units to watch; when empty or absent every unit the OAuth client can see is watched. */
  readonly managementUnitIds?: readonly string[];
  /**
   * `managementUnit` (default): one `v2.workforcemanagement.managementunits.{id}.adherence` topic per unit.
   * `user`: one `v2.users.{id}.workforcemanagement.adherence` topic per agent (pilots, and the sharding tests).
   */
  readonly adherenceTopicScope?: 'managementUnit' | 'user';
  /** Also subscribe to schedule-change topics so the monitor can dampen mass changes (default true). */
  readonly subscribeScheduleTopics?: boolean;
  /**
   * The `{id}` of `v2.users.{id}.workforcemanagement.agentschedules.managementunit.search.complete`, the topic that
   * carries asynchronous schedule search results; default the OAuth client id (what a client-credentials token uses).
   */
  readonly scheduleSearchUserId?: string;
  /** Re-read the directory (agents, and without managementUnitIds the units) this often; 0 turns it off. Default 15 min. */
  readonly directoryRefreshIntervalInMs?: number;
  /** Topics per notification channel; Genesys rejects more than 1,000 with 400. */
  readonly maxTopicsPerChannel?: number;
  /**
   * Client-side cap of REST requests in any 60 s window (Genesys: 300 per token per minute). Default 270: the cap is
   * kept when requests leave, Genesys counts them when they arrive, so a margin keeps its count under 280.
   */
  readonly requestsPerMinute?: number;
  /** Give up on a 429 whose Retry-After (or the sum of waits) exceeds this; the Java SDK uses 3 minutes. */
  readonly maxRetryAfterInMs?: number;
  /** Retries of a 5xx or network failure before giving up. */
  readonly maxServerErrorRetries?: number;
  /** Jittered exponential backoff bounds for REST retries. */
  readonly retryBaseDelayInMs?: number;
  readonly retryMaxDelayInMs?: number;
  /**
   * Jittered exponential backoff bounds for WebSocket reconnects (the first attempt after a working socket drops goes
   * at once). The 5 s ceiling keeps tracking no more than about 5 s behind once Genesys answers again.
   */
  readonly reconnectBaseDelayInMs?: number;
  readonly reconnectMaxDelayInMs?: number;
  /** Send `{"message":"ping"}` after this much silence on a socket (heartbeats come about every 30 s). */
  readonly quietBeforePingInMs?: number;
  /** Declare the socket dead when nothing arrives this long after a ping. */
  readonly pongTimeoutInMs?: number;
  /** Renew the token this long before `expires_in` runs out (capped at a tenth of its lifetime). */
  readonly tokenRefreshMarginInMs?: number;
  /** Re-subscribe (PUT the same topics) this long before a channel's `expires`. */
  readonly resubscribeMarginInMs?: number;
  /** How often channel expiry is checked against the clock. */
  readonly maintenanceIntervalInMs?: number;
  /** Give up on an asynchronous (`Processing`) schedule search after this long and answer `unavailable`. */
  readonly scheduleSearchTimeoutInMs?: number;
  /** Per-request HTTP timeout. */
  readonly requestTimeoutInMs?: number;
}

/** The options with every tunable filled in. */
export type ResolvedGenesysClientOptions = Required<
  Omit<GenesysClientOptions, 'managementUnitIds' | 'scheduleSearchUserId'>
> &
  Pick<GenesysClientOptions, 'managementUnitIds' | 'scheduleSearchUserId'>;

/** The tunables' defaults (GENESYS_DIRECTORY_REFRESH's default is this refresh interval). */
export const GENESYS_CLIENT_DEFAULTS = Object.freeze({
  adherenceTopicScope: 'managementUnit',
  subscribeScheduleTopics: true,
  maxTopicsPerChannel: 1000,
  requestsPerMinute: 270,
  maxRetryAfterInMs: 180_000,
  maxServerErrorRetries: 4,
  retryBaseDelayInMs: 500,
  retryMaxDelayInMs: 30_000,
  reconnectBaseDelayInMs: 1_000,
  reconnectMaxDelayInMs: 5_000,
  quietBeforePingInMs: 40_000,
  pongTimeoutInMs: 10_000,
  tokenRefreshMarginInMs: 5 * 60_000,
  resubscribeMarginInMs: 60 * 60_000,
  maintenanceIntervalInMs: 60_000,
  scheduleSearchTimeoutInMs: 15_000,
  directoryRefreshIntervalInMs: 15 * 60_000,
  requestTimeoutInMs: 30_000,
});

/** Fills in defaults and trims trailing slashes from the URLs; pure. */
export function resolveGenesysClientOptions(options: GenesysClientOptions): ResolvedGenesysClientOptions {
  const defined = Object.fromEntries(
    Object.entries(options).filter(([, value]) => value !== undefined),
  ) as GenesysClientOptions;
  return {
    ...GENESYS_CLIENT_DEFAULTS,
    ...defined,
    apiUrl: options.apiUrl.replace(/\/+$/, ''),
    loginUrl: options.loginUrl.replace(/\/+$/, ''),
  };
}
