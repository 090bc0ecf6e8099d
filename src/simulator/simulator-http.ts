import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { DownloadStore } from './download-store';
import type { FaultInjector } from './fault-injector';
import { readRequestBody, writeReply, type HttpReply, type HttpRouter } from './http-router';
import type { RateLimiter } from './rate-limiter';
import type { SimulatorCounters } from './simulator-counters';
import type { IssuedToken, TokenIssuer } from './token-issuer';
import { errorBody } from './wire-format';

// request.bytes.max (Genesys Cloud limits, developer.genesys.cloud/api/rest/v2/organization/limits).
const MAX_REQUEST_BYTES = 512_000;

/** What the simulator's HTTP front needs. */
export interface SimulatorRequestHandlerOptions {
  /** The simulator's base URL, known once it listens. */
  readonly baseUrl: () => string;
  readonly controlRouter: HttpRouter<undefined>;
  readonly restRouter: HttpRouter<IssuedToken>;
  readonly downloads: DownloadStore;
  readonly tokens: TokenIssuer;
  readonly limiter: RateLimiter;
  readonly faults: FaultInjector;
  readonly counters: SimulatorCounters;
}

/**
 * The simulator's HTTP front: body size limit, the correlation id, `/oauth/token`, token checks and the rate limit
 * (with injected HTTP faults) before the REST routes, downloads, and the control API under `/_simulator/`.
 */
export function createSimulatorRequestHandler(
  deps: SimulatorRequestHandlerOptions,
): (req: IncomingMessage, res: ServerResponse) => Promise<void> {
  const { controlRouter, restRouter, downloads, tokens, limiter, faults, counters } = deps;
  const limitOrFault = (
    key: string,
    path: string,
    headers: Record<string, string>,
  ): HttpReply | undefined => {
    const decision = limiter.take(key);
    headers['inin-ratelimit-count'] = String(decision.count);
    headers['inin-ratelimit-allowed'] = String(decision.limit);
    headers['inin-ratelimit-reset'] = String(decision.resetInSeconds);
    if (!decision.allowed) {
      counters.rateLimited += 1;
      return tooManyRequests(decision.resetInSeconds, decision.limit);
    }
    const fault = faults.takeHttpFault(path);
    if (!fault) return undefined;
    counters.injectedErrors += 1;
    if (fault.status === 429) {
      counters.rateLimited += 1;
      return tooManyRequests(fault.retryAfterInSeconds ?? 1, decision.limit);
    }
    const retryAfter: Record<string, string> =
      fault.retryAfterInSeconds === undefined ? {} : { 'Retry-After': String(fault.retryAfterInSeconds) };
    return {
      status: fault.status,
      body: errorBody(fault.status, statusCode(fault.status), `Injected fault: HTTP ${fault.status}`),
      headers: retryAfter,
    };
  };

  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const method = req.method ?? 'GET';
    const url = new URL(req.url ?? '/', deps.baseUrl());
    const correlation = req.headers['inin-correlation-id'];
    // Echo the caller's ININ-Correlation-ID or make one (the header the SDKs read back:
    // MyPureCloud/platform-client-sdk-dotnet build/src/PureCloudPlatform.Client.V2/Client/ApiResponse.cs,
    // `CorrelationId`).
    const headers: Record<string, string> = {
      'ININ-Correlation-ID':
        typeof correlation === 'string' && correlation !== '' ? correlation : randomUUID(),
    };
    const rawBody = await readRequestBody(req, MAX_REQUEST_BYTES);
    if (rawBody === undefined) {
      writeReply(
        res,
        method,
        {
          status: 413,
          body: errorBody(
            413,
            'request.entity.too.large',
            `The request body exceeds ${MAX_REQUEST_BYTES} bytes`,
          ),
        },
        headers,
      );
      return;
    }
    const path = url.pathname;

    if (path.startsWith('/_simulator/')) {
      writeReply(res, method, await route(controlRouter, method, url, req, rawBody, undefined), headers);
      return;
    }
    const download = /^\/downloads\/([0-9a-f]+)$/.exec(path);
    if (download && method === 'GET') {
      const document = downloads.get(download[1]);
      writeReply(
        res,
        method,
        document === undefined
          ? { status: 404, body: errorBody(404, 'not.found', 'Download not found') }
          : { status: 200, body: document },
        headers,
      );
      return;
    }
    if (path === '/oauth/token') {
      counters.requests += 1;
      const basic = /^Basic\s+(.+)$/i.exec(req.headers.authorization ?? '');
      const clientKey = basic ? Buffer.from(basic[1], 'base64').toString('utf8').split(':')[0] : 'anonymous';
      // client.credentials.token.rate.per.minute (Genesys Cloud limits,
      // developer.genesys.cloud/api/rest/v2/organization/limits) is counted per client.
      const limited = limitOrFault(`client:${clientKey}`, path, headers);
      if (limited) return writeReply(res, method, limited, headers);
      if (method !== 'POST')
        return writeReply(
          res,
          method,
          { status: 405, body: errorBody(405, 'method.not.allowed', 'Use POST') },
          headers,
        );
      const reply = tokens.issue(req.headers.authorization, rawBody);
      if (reply.status === 200) counters.tokensIssued += 1;
      writeReply(
        res,
        method,
        { status: reply.status, body: reply.body, headers: { 'Cache-Control': 'no-store' } },
        headers,
      );
      return;
    }
    if (path.startsWith('/api/v2/')) {
      counters.requests += 1;
      const token = tokens.verify(req.headers.authorization);
      if (!token) {
        counters.unauthorized += 1;
        // UNCONFIRMED: Genesys answers a missing/expired token with code bad.credentials.
        writeReply(
          res,
          method,
          { status: 401, body: errorBody(401, 'bad.credentials', 'Invalid login credentials.') },
          headers,
        );
        return;
      }
      const limited = limitOrFault(token.accessToken, path, headers);
      if (limited) return writeReply(res, method, limited, headers);
      writeReply(res, method, await route(restRouter, method, url, req, rawBody, token), headers);
      return;
    }
    writeReply(
      res,
      method,
      { status: 404, body: errorBody(404, 'not.found', `No resource at ${path}`) },
      headers,
    );
  };
}

async function route<Auth>(
  router: HttpRouter<Auth>,
  method: string,
  url: URL,
  req: IncomingMessage,
  rawBody: string,
  auth: Auth,
): Promise<HttpReply> {
  const match = router.match(method, url.pathname);
  if (match.kind === 'notFound')
    return { status: 404, body: errorBody(404, 'not.found', `No resource at ${url.pathname}`) };
  if (match.kind === 'wrongMethod')
    return {
      status: 405,
      body: errorBody(405, 'method.not.allowed', `${method} is not allowed on ${url.pathname}`),
    };
  return match.handler({ method, url, params: match.params, headers: req.headers, rawBody, auth });
}

function tooManyRequests(retryAfterInSeconds: number, limit: number): HttpReply {
  // 429 with integer Retry-After and code too.many.requests.retry.after (MyPureCloud/platform-client-sdk-java
  // build/src/main/java/com/mypurecloud/sdk/v2/ApiClient.java, class `Retry`).
  const message = `Rate limit exceeded the maximum. Retry the request in [${retryAfterInSeconds}] seconds`;
  return {
    status: 429,
    headers: { 'Retry-After': String(retryAfterInSeconds) },
    body: errorBody(429, 'too.many.requests.retry.after', message, {
      messageParams: { retryAfter: String(retryAfterInSeconds) },
      limit: { key: 'token.rate.per.minute', namespace: 'platform.api', value: limit },
    }),
  };
}

function statusCode(status: number): string {
  const codes: Record<number, string> = {
    500: 'internal.server.error',
    502: 'bad.gateway',
    503: 'service.unavailable',
    504: 'gateway.timeout',
    400: 'bad.request',
    401: 'bad.credentials',
    403: 'missing.any.permissions',
    404: 'not.found',
  };
  return codes[status] ?? 'error';
}
