import { randomUUID } from 'node:crypto';
import axios, { type AxiosInstance, type AxiosResponse } from 'axios';
import type { Clock, Logger } from '../app/ports';
import { computeBackoffMs, parseRetryAfterMs } from '../platform/backoff';
import { TransientError } from '../platform/errors';
import type { RateLimiter } from '../platform/rate-limiter';
import { describeNetworkError } from './describe-network-error';
import { GenesysApiError } from './genesys-api-error';
import type { GenesysMetrics } from './genesys-metrics';
import type { GenesysTokenProvider } from './genesys-token-provider';

/** One REST call: a path under the API URL (or an absolute `downloadUrl`), repeated query keys as arrays. */
export interface GenesysRequest {
  readonly method: 'GET' | 'POST' | 'PUT' | 'DELETE' | 'HEAD';
  readonly path: string;
  readonly query?: Readonly<Record<string, string | number | boolean | readonly string[] | undefined>>;
  readonly body?: unknown;
  /** Statuses answered as values instead of errors (e.g. 404 for `HEAD` of a channel). */
  readonly acceptStatuses?: readonly number[];
}

/** A successful (or accepted) answer. */
export interface GenesysResponse<T> {
  readonly status: number;
  readonly data: T;
}

/** Tunables of the REST client. */
export interface GenesysRestClientOptions {
  readonly apiUrl: string;
  readonly requestTimeoutMs: number;
  readonly maxRetryAfterMs: number;
  readonly maxServerErrorRetries: number;
  readonly retryBaseDelayMs: number;
  readonly retryMaxDelayMs: number;
}

const RETRYABLE_SERVER_STATUSES = new Set([500, 502, 503, 504]);

/**
 * Genesys REST with the house rules: bearer token (a 401 fetches a new one once), client-side rate limit,
 * `ININ-Correlation-Id` on every call, 429 `Retry-After` honoured up to a bound, 5xx and network failures retried
 * with jittered backoff. Retryable failures that remain throw the platform's TransientError, others {@link GenesysApiError}.
 */
export class GenesysRestClient {
  private readonly http: AxiosInstance;
  private readonly apiOrigin: string;

  constructor(
    private readonly options: GenesysRestClientOptions,
    private readonly tokens: GenesysTokenProvider,
    private readonly limiter: RateLimiter,
    private readonly clock: Clock,
    private readonly logger: Logger,
    private readonly metrics: GenesysMetrics,
    private readonly sleep: (ms: number) => Promise<void>,
    private readonly random: () => number = Math.random,
  ) {
    this.http = axios.create({
      timeout: options.requestTimeoutMs,
      validateStatus: () => true,
      // Genesys wants repeated keys (`id=a&id=b`, swagger collectionFormat multi), not axios's `id[]=`.
      paramsSerializer: { indexes: null },
    });
    this.apiOrigin = new URL(options.apiUrl).origin;
  }

  /** Sends `request`, retrying as described on the class; resolves with a 2xx (or accepted) answer. */
  async send<T>(request: GenesysRequest): Promise<GenesysResponse<T>> {
    const isAbsolute = request.path.startsWith('http://') || request.path.startsWith('https://');
    const url = isAbsolute ? request.path : `${this.options.apiUrl}${request.path}`;
    // Download URLs may point at pre-signed storage on another host: never send our bearer token there.
    const needsToken = !isAbsolute || new URL(url).origin === this.apiOrigin;
    const correlationId = randomUUID();
    let tokenRenewed = false;
    let waitedFor429Ms = 0;
    let serverRetries = 0;
    for (;;) {
      await this.waitForRateLimit();
      const token = needsToken ? await this.tokens.getToken() : undefined;
      this.metrics.restCalls++;
      let response: AxiosResponse | undefined;
      try {
        response = await this.http.request({
          method: request.method,
          url,
          params: request.query,
          data: request.body,
          headers: {
            'ININ-Correlation-Id': correlationId,
            ...(token ? { Authorization: `Bearer ${token}` } : {}),
            ...(request.body !== undefined ? { 'Content-Type': 'application/json' } : {}),
          },
        });
      } catch (error) {
        this.logger.warn(
          {
            err: describeNetworkError(error),
            method: request.method,
            path: pathOf(request.path),
            correlationId,
          },
          'Genesys request failed on the network',
        );
      }
      const status = response?.status ?? 0;
      if ((status >= 200 && status < 300) || (response && request.acceptStatuses?.includes(status))) {
        return { status, data: response!.data as T };
      }
      if (status === 401 && token && !tokenRenewed) {
        tokenRenewed = true;
        this.tokens.invalidate(token);
        continue;
      }
      if (status === 429) {
        this.metrics.rest429s++;
        // [SDK Java ApiClient.Retry]: 3 s when the 429 carries no Retry-After.
        const retryAfterMs =
          parseRetryAfterMs(response?.headers['retry-after'] as string | undefined, this.clock.now()) ??
          3_000;
        waitedFor429Ms += retryAfterMs;
        // [SDK Java ApiClient.Retry]: some APIs answer 429 with a Retry-After of hours (daily limits); give up then.
        if (retryAfterMs > this.options.maxRetryAfterMs || waitedFor429Ms > this.options.maxRetryAfterMs) {
          this.metrics.restGiveUps++;
          this.logger.error(
            { method: request.method, path: pathOf(request.path), correlationId, retryAfterMs },
            'Genesys rate limit outlasts the retry bound; giving up',
          );
          throw new TransientError(
            `Genesys answered 429 with Retry-After ${retryAfterMs} ms for ${request.method} ${pathOf(request.path)} (correlation ${correlationId})`,
            { retryAfterMs },
          );
        }
        this.metrics.restRetries++;
        this.logger.warn(
          { method: request.method, path: pathOf(request.path), correlationId, retryAfterMs },
          'Genesys rate limit hit; waiting Retry-After',
        );
        await this.sleep(retryAfterMs);
        continue;
      }
      if (status === 0 || RETRYABLE_SERVER_STATUSES.has(status)) {
        if (status !== 0) this.metrics.rest5xxs++;
        if (serverRetries >= this.options.maxServerErrorRetries) {
          this.metrics.restGiveUps++;
          throw new TransientError(
            `Genesys ${request.method} ${pathOf(request.path)} failed with ${status || 'a network error'} after ${serverRetries + 1} attempts (correlation ${correlationId})`,
          );
        }
        const delayMs = computeBackoffMs(
          serverRetries + 1,
          { baseMs: this.options.retryBaseDelayMs, maxMs: this.options.retryMaxDelayMs },
          this.random,
        );
        serverRetries++;
        this.metrics.restRetries++;
        await this.sleep(delayMs);
        continue;
      }
      throw new GenesysApiError(
        `Genesys ${request.method} ${pathOf(request.path)} answered ${status}${errorMessage(response)}`,
        status,
        correlationId,
        errorCode(response),
      );
    }
  }

  private async waitForRateLimit(): Promise<void> {
    // Bounded: with a clock that does not move (manual test clocks) the window never clears, so go after a few waits.
    for (let round = 0; round < 5; round++) {
      const waitMs = this.limiter.tryTake();
      if (waitMs <= 0) return;
      await this.sleep(waitMs);
    }
  }

  /** GET returning the body; see {@link send}. */
  async get<T>(path: string, query?: GenesysRequest['query']): Promise<T> {
    return (await this.send<T>({ method: 'GET', path, query })).data;
  }
}

/** The path without query string (download URLs carry signatures in their query). */
function pathOf(path: string): string {
  const q = path.indexOf('?');
  return q < 0 ? path : path.slice(0, q);
}

function errorCode(response: AxiosResponse | undefined): string | undefined {
  const code = (response?.data as { code?: unknown } | undefined)?.code;
  return typeof code === 'string' ? code : undefined;
}

function errorMessage(response: AxiosResponse | undefined): string {
  const message = (response?.data as { message?: unknown } | undefined)?.message;
  return typeof message === 'string' ? `: ${message.slice(0, 200)}` : '';
}
