import { randomUUID } from 'node:crypto';
import axios, { type AxiosInstance, type AxiosResponse } from 'axios';
import { describeNetworkError } from '../platform/describe-error';
import { TransientError } from '../platform/errors';
import { classifyHttpFailure, isSuccessStatus, type HttpFailureKind } from '../platform/http-failure';
import type { RateLimiter } from '../platform/rate-limiter';
import { retryWithBackoff } from '../platform/retry';
import { retryAfterFromHeaders } from '../platform/retry-after';
import { GenesysApiError } from './genesys-api-error';
import { DEFAULT_RETRY_AFTER_IN_MS, retryTimingOf, type GenesysHttpOptions } from './genesys-http-options';
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

/** Tunables and collaborators of the REST client. */
export interface GenesysRestClientOptions extends GenesysHttpOptions {
  readonly apiUrl: string;
  readonly tokens: GenesysTokenProvider;
  /** Client-side request budget (Genesys: 300 requests per token per minute). */
  readonly limiter: RateLimiter;
}

/** One answer that was not a success: its status (0 = no answer) and what it means under the one HTTP rule. */
class FailedAttempt extends Error {
  constructor(
    readonly status: number,
    readonly kind: HttpFailureKind,
    readonly response: AxiosResponse | undefined,
    readonly retryAfterMs: number | undefined,
  ) {
    super(`HTTP ${status || 'network error'}`);
  }
}

/**
 * Genesys REST with the house rules: bearer token (a 401 fetches a new one once), client-side rate limit,
 * `ININ-Correlation-Id` on every call, and the one HTTP rule of src/platform/http-failure.ts run by
 * `retryWithBackoff`: a 429's `Retry-After` honoured up to a bound, 502/503/504 and network failures retried with
 * jittered backoff. Retryable failures that remain throw the platform's TransientError, others {@link GenesysApiError}.
 */
export class GenesysRestClient {
  private readonly http: AxiosInstance;
  private readonly apiOrigin: string;

  constructor(private readonly options: GenesysRestClientOptions) {
    this.http = axios.create({
      timeout: options.requestTimeoutInMs,
      validateStatus: () => true,
      // Genesys wants repeated keys (`id=a&id=b`, swagger collectionFormat multi), not axios's `id[]=`.
      paramsSerializer: { indexes: null },
    });
    this.apiOrigin = new URL(options.apiUrl).origin;
  }

  /** Sends `request`, retrying as described on the class; resolves with a 2xx (or accepted) answer. */
  async send<T>(request: GenesysRequest): Promise<GenesysResponse<T>> {
    const { options } = this;
    const correlationId = randomUUID();
    let serverRetries = 0;
    try {
      const response = await retryWithBackoff(() => this.attempt(request, correlationId), {
        maxAttempts: Number.POSITIVE_INFINITY,
        ...retryTimingOf(options),
        shouldRetry: (error) => {
          if (!(error instanceof FailedAttempt)) return { retry: false };
          if (error.kind === 'throttled') return { retry: true, retryAfterMs: error.retryAfterMs };
          return { retry: error.kind === 'transient' && serverRetries++ < options.maxServerErrorRetries };
        },
        onRetry: ({ error }) => {
          options.metrics.restRetries++;
          if (error instanceof FailedAttempt && error.kind === 'throttled')
            options.logger.warn(
              {
                method: request.method,
                path: pathOf(request.path),
                correlationId,
                retryAfterMs: error.retryAfterMs,
              },
              'Genesys rate limit hit; waiting Retry-After',
            );
        },
      });
      return { status: response.status, data: response.data as T };
    } catch (error) {
      throw this.finalError(error, request, correlationId, serverRetries);
    }
  }

  /** GET returning the body; see {@link send}. */
  async get<T>(path: string, query?: GenesysRequest['query']): Promise<T> {
    return (await this.send<T>({ method: 'GET', path, query })).data;
  }

  /** One attempt: rate limit, token, request; a 401 renews the token and goes again at once, a single time. */
  private async attempt(request: GenesysRequest, correlationId: string): Promise<AxiosResponse> {
    const { metrics, logger, tokens } = this.options;
    const isAbsolute = request.path.startsWith('http://') || request.path.startsWith('https://');
    const url = isAbsolute ? request.path : `${this.options.apiUrl}${request.path}`;
    // Download URLs may point at pre-signed storage on another host: never send our bearer token there.
    const needsToken = !isAbsolute || new URL(url).origin === this.apiOrigin;
    for (let tokenRenewed = false; ; tokenRenewed = true) {
      await this.waitForRateLimit();
      const token = needsToken ? await tokens.getToken() : undefined;
      metrics.restCalls++;
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
        logger.warn(
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
      if (isSuccessStatus(status) || (response && request.acceptStatuses?.includes(status))) return response!;
      const kind = classifyHttpFailure(status);
      if (kind === 'unauthorized' && token && !tokenRenewed) {
        tokens.invalidate(token);
        continue;
      }
      if (kind === 'throttled') metrics.rest429s++;
      if (status >= 500) metrics.rest5xxs++;
      const retryAfterMs =
        kind === 'throttled'
          ? (retryAfterFromHeaders(response?.headers, this.options.clock.now()) ?? DEFAULT_RETRY_AFTER_IN_MS)
          : undefined;
      throw new FailedAttempt(status, kind, response, retryAfterMs);
    }
  }

  /** What a call that will not be retried any more throws: a TransientError when waiting might help, else the API error. */
  private finalError(
    error: unknown,
    request: GenesysRequest,
    correlationId: string,
    serverRetries: number,
  ): unknown {
    const { metrics, logger } = this.options;
    const where = `${request.method} ${pathOf(request.path)}`;
    // retryWithBackoff's own give-up: a Retry-After, or the waits in all, beyond the bound.
    const bounded = error instanceof TransientError && error.cause instanceof FailedAttempt;
    const failure = bounded ? (error.cause as FailedAttempt) : error;
    if (!(failure instanceof FailedAttempt)) return error;
    if (bounded && failure.kind === 'throttled') {
      metrics.restGiveUps++;
      const retryAfterMs = error.retryAfterMs ?? failure.retryAfterMs!;
      logger.error(
        { method: request.method, path: pathOf(request.path), correlationId, retryAfterMs },
        'Genesys rate limit outlasts the retry bound; giving up',
      );
      return new TransientError(
        `Genesys answered 429 with Retry-After ${retryAfterMs} ms for ${where} (correlation ${correlationId})`,
        { retryAfterMs },
      );
    }
    if (failure.kind === 'transient') {
      metrics.restGiveUps++;
      return new TransientError(
        `Genesys ${where} failed with ${failure.status || 'a network error'} after ${serverRetries} attempts (correlation ${correlationId})`,
      );
    }
    return new GenesysApiError(
      `Genesys ${where} answered ${failure.status}${errorMessage(failure.response)}`,
      {
        status: failure.status,
        correlationId,
        code: errorCode(failure.response),
      },
    );
  }

  private async waitForRateLimit(): Promise<void> {
    for (let round = 1; ; round++) {
      const waitMs = this.options.limiter.tryTake();
      if (waitMs <= 0) return;
      const before = this.options.clock.now();
      await this.options.sleep(waitMs);
      // Waits until a slot is taken (many requests at once must not go over the limit after a few rounds), unless the
      // clock does not move (manual test clocks), where the window never clears: then go after a few waits.
      if (round >= 5 && this.options.clock.now() === before) return;
    }
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
