import axios, { type AxiosInstance } from 'axios';
import type { Clock } from '../platform/clock';
import type { Logger } from '../platform/logger';
import { describeError, describeNetworkError } from '../platform/describe-error';
import { TransientError } from '../platform/errors';
import { classifyHttpFailure, isSuccessStatus } from '../platform/http-failure';
import { retryWithBackoff } from '../platform/retry';
import { retryAfterFromHeaders } from '../platform/retry-after';
import { GenesysApiError } from './genesys-api-error';
import { DEFAULT_RETRY_AFTER_IN_MS, retryTimingOf, type GenesysHttpOptions } from './genesys-http-options';
import type { GenesysMetrics } from './genesys-metrics';

/** What the token provider needs; the secret is read here and never logged. */
export interface GenesysTokenProviderOptions extends GenesysHttpOptions {
  readonly loginUrl: string;
  readonly clientId: string;
  readonly clientSecret: string;
  readonly tokenRefreshMarginInMs: number;
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
  private readonly clock: Clock;
  private readonly logger: Logger;
  private readonly metrics: GenesysMetrics;

  constructor(private readonly options: GenesysTokenProviderOptions) {
    this.clock = options.clock;
    this.logger = options.logger;
    this.metrics = options.metrics;
    this.http = axios.create({ timeout: options.requestTimeoutInMs, validateStatus: () => true });
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
      this.logger.warn({ err: describeError(error) }, 'Genesys token renewal failed; will retry');
    }
  }

  /** Forgets `accessToken` if it is still the cached one (after a 401), so the next call fetches a new token. */
  invalidate(accessToken: string): void {
    if (this.cached?.accessToken === accessToken) this.cached = undefined;
  }

  private async fetchToken(): Promise<string> {
    const { options } = this;
    const basic = Buffer.from(`${options.clientId}:${options.clientSecret}`, 'utf8').toString('base64');
    const { data, requestedAt } = await retryWithBackoff(
      async (attempt) => {
        this.metrics.tokenRequests++;
        const requestedAt = this.clock.now();
        let response: { status: number; data: unknown; headers: unknown } | undefined;
        try {
          // Basic auth, form body, POST {login}/oauth/token (MyPureCloud/platform-client-sdk-javascript
          // build/src/purecloud-platform-client-v2/ApiClient.js, `loginClientCredentialsGrant`).
          response = await this.http.post(
            `${options.loginUrl}/oauth/token`,
            'grant_type=client_credentials',
            {
              headers: {
                Authorization: `Basic ${basic}`,
                'Content-Type': 'application/x-www-form-urlencoded',
              },
            },
          );
        } catch (error) {
          this.logger.warn(
            { err: describeNetworkError(error), attempt },
            'Genesys token request failed on the network',
          );
        }
        const status = response?.status ?? 0;
        if (isSuccessStatus(status)) return { data: response!.data, requestedAt };
        switch (classifyHttpFailure(status)) {
          case 'throttled':
            throw new TransientError(`Genesys token request answered 429 (attempt ${attempt})`, {
              retryAfterMs:
                retryAfterFromHeaders(
                  response?.headers as Parameters<typeof retryAfterFromHeaders>[0],
                  this.clock.now(),
                ) ?? DEFAULT_RETRY_AFTER_IN_MS,
            });
          case 'transient':
            throw new TransientError(
              `Genesys token request failed (HTTP ${status || 'network'}) after ${attempt} attempts`,
            );
          case 'notFound':
            throw new GenesysApiError(
              `Genesys has no token endpoint at ${options.loginUrl} (HTTP ${status}); check GENESYS_REGION/GENESYS_LOGIN_URL`,
              { status },
            );
          default:
            // Bad credentials (400 invalid_client, 401, 403) do not heal by retrying: name the settings to fix
            // (never their values).
            throw new GenesysApiError(
              `Genesys refused the client credentials (HTTP ${status}); check GENESYS_CLIENT_ID, GENESYS_CLIENT_SECRET and GENESYS_REGION/GENESYS_LOGIN_URL`,
              { status },
            );
        }
      },
      {
        maxAttempts: options.maxServerErrorRetries + 1,
        ...retryTimingOf(options),
      },
    );
    return this.accept(data, requestedAt);
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
    const marginMs = Math.min(this.options.tokenRefreshMarginInMs, lifetimeMs / 10);
    this.cached = { accessToken, renewAt: requestedAt + lifetimeMs - marginMs };
    this.tokenGeneration++;
    this.logger.info({ expiresInSeconds: lifetimeMs / 1000 }, 'Genesys access token obtained');
    if (this.tokenGeneration > 1) {
      for (const listener of this.renewalListeners) {
        try {
          listener(this.tokenGeneration);
        } catch (error) {
          this.logger.warn({ err: describeError(error) }, 'Token renewal listener failed');
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
