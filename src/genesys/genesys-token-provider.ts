import axios, { type AxiosInstance } from 'axios';
import type { Clock, Logger } from '../app/ports';
import { computeBackoffMs, parseRetryAfterMs } from '../platform/backoff';
import { TransientError } from '../platform/errors';
import { GenesysApiError } from './genesys-api-error';
import type { GenesysMetrics } from './genesys-metrics';
import { describeNetworkError } from './describe-network-error';

/** What the token provider needs; the secret is read here and never logged. */
export interface GenesysTokenProviderOptions {
  readonly loginUrl: string;
  readonly clientId: string;
  readonly clientSecret: string;
  readonly tokenRefreshMarginMs: number;
  readonly requestTimeoutMs: number;
  readonly maxServerErrorRetries: number;
  readonly maxRetryAfterMs: number;
  readonly retryBaseDelayMs: number;
  readonly retryMaxDelayMs: number;
}

interface CachedToken {
  readonly accessToken: string;
  readonly renewAt: number;
}

/**
 * OAuth client-credentials tokens for Genesys Cloud: one request at a time, the token reused until
 * shortly before `expires_in` runs out, and dropped on demand after a 401. Every token after the first is a renewal
 * that listeners hear of (notification channels belong to the token that created them).
 */
export class GenesysTokenProvider {
  private cached: CachedToken | undefined;
  private pending: Promise<string> | undefined;
  private readonly http: AxiosInstance;
  private readonly renewalListeners: Array<(generation: number) => void> = [];
  private tokenGeneration = 0;

  constructor(
    private readonly options: GenesysTokenProviderOptions,
    private readonly clock: Clock,
    private readonly logger: Logger,
    private readonly metrics: GenesysMetrics,
    private readonly sleep: (ms: number) => Promise<void>,
    private readonly random: () => number = Math.random,
  ) {
    this.http = axios.create({ timeout: options.requestTimeoutMs, validateStatus: () => true });
  }

  /** A valid access token, fetched when none is cached or the cached one is about to expire. */
  getToken(): Promise<string> {
    if (this.cached && this.clock.now() < this.cached.renewAt)
      return Promise.resolve(this.cached.accessToken);
    if (!this.pending) {
      this.pending = this.fetchToken().finally(() => {
        this.pending = undefined;
      });
    }
    return this.pending;
  }

  /** How many tokens were obtained so far (1 for the first); a channel created under generation g dies with that token. */
  get generation(): number {
    return this.tokenGeneration;
  }

  /** Calls `listener` with the new generation whenever a token replaces an earlier one. */
  onRenewed(listener: (generation: number) => void): void {
    this.renewalListeners.push(listener);
  }

  /**
   * Fetches the next token now when the cached one is due for renewal, so renewal (and channel rollovers) happen ahead
   * of expiry even when no REST call needs a token. Never rejects: a failure is retried on the next call.
   */
  async renewIfDue(): Promise<void> {
    if (this.cached === undefined || this.clock.now() < this.cached.renewAt) return;
    try {
      await this.getToken();
    } catch (error) {
      this.logger.warn({ err: (error as Error).message }, 'Genesys token renewal failed; will retry');
    }
  }

  /** Forgets `accessToken` if it is still the cached one (after a 401), so the next call fetches a new token. */
  invalidate(accessToken: string): void {
    if (this.cached?.accessToken === accessToken) this.cached = undefined;
  }

  private async fetchToken(): Promise<string> {
    const basic = Buffer.from(`${this.options.clientId}:${this.options.clientSecret}`, 'utf8').toString(
      'base64',
    );
    let waitedMs = 0;
    for (let attempt = 0; ; attempt++) {
      this.metrics.tokenRequests++;
      const requestedAt = this.clock.now();
      let status = 0;
      let data: unknown;
      let retryAfterHeader: unknown;
      try {
        // [SDK JS ApiClient.loginClientCredentialsGrant]: Basic auth, form body, POST {login}/oauth/token.
        const response = await this.http.post(
          `${this.options.loginUrl}/oauth/token`,
          'grant_type=client_credentials',
          {
            headers: { Authorization: `Basic ${basic}`, 'Content-Type': 'application/x-www-form-urlencoded' },
          },
        );
        status = response.status;
        data = response.data;
        retryAfterHeader = response.headers['retry-after'];
      } catch (error) {
        this.logger.warn(
          { err: describeNetworkError(error), attempt },
          'Genesys token request failed on the network',
        );
      }
      if (status >= 200 && status < 300) return this.accept(data, requestedAt);
      if (status === 400 || status === 401 || status === 403) {
        // Bad credentials do not heal by retrying: name the settings to fix (never their values).
        throw new GenesysApiError(
          `Genesys refused the client credentials (HTTP ${status}); check GENESYS_CLIENT_ID, GENESYS_CLIENT_SECRET and GENESYS_REGION/GENESYS_LOGIN_URL`,
          status,
        );
      }
      // [SDK Java ApiClient.Retry]: Retry-After defaults to 3 s when a 429 does not carry one.
      const retryAfterMs =
        status === 429
          ? (parseRetryAfterMs(retryAfterHeader as string | undefined, this.clock.now()) ?? 3_000)
          : undefined;
      const delayMs =
        retryAfterMs ??
        computeBackoffMs(
          attempt + 1,
          { baseMs: this.options.retryBaseDelayMs, maxMs: this.options.retryMaxDelayMs },
          this.random,
        );
      waitedMs += delayMs;
      if (attempt >= this.options.maxServerErrorRetries || waitedMs > this.options.maxRetryAfterMs) {
        throw new TransientError(
          `Genesys token request failed (HTTP ${status || 'network'}) after ${attempt + 1} attempts`,
          { retryAfterMs },
        );
      }
      await this.sleep(delayMs);
    }
  }

  private accept(data: unknown, requestedAt: number): string {
    const body = (typeof data === 'string' ? safeJson(data) : data) as
      { access_token?: unknown; expires_in?: unknown } | undefined;
    const accessToken = body?.access_token;
    if (typeof accessToken !== 'string' || accessToken.length === 0) {
      throw new TransientError('Genesys token response had no access_token');
    }
    const lifetimeMs =
      typeof body?.expires_in === 'number' && body.expires_in > 0 ? body.expires_in * 1000 : 300_000;
    // Timed from when we asked, so network delay never makes us use a token past its end.
    const marginMs = Math.min(this.options.tokenRefreshMarginMs, lifetimeMs / 10);
    this.cached = { accessToken, renewAt: requestedAt + lifetimeMs - marginMs };
    this.tokenGeneration++;
    this.logger.info({ expiresInSeconds: lifetimeMs / 1000 }, 'Genesys access token obtained');
    if (this.tokenGeneration > 1) {
      for (const listener of this.renewalListeners) {
        try {
          listener(this.tokenGeneration);
        } catch (error) {
          this.logger.warn({ err: (error as Error).message }, 'Token renewal listener failed');
        }
      }
    }
    return accessToken;
  }
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
