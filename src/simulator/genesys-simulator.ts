import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SystemClock } from '../platform/system-clock';
import { AdherenceEngine, type AdherenceSnapshot } from './adherence-engine';
import { CentreChanges } from './centre-changes';
import { buildContactCentre } from './contact-centre';
import { createControlRouter } from './control-routes';
import { DownloadStore } from './download-store';
import { FaultInjector } from './fault-injector';
import { readRequestBody, writeReply, type HttpReply, type HttpRouter } from './http-router';
import { NotificationHub } from './notification-hub';
import { RateLimiter } from './rate-limiter';
import { createRestRouter } from './rest-routes';
import {
  agentSchedulesChangedEvent,
  applyScheduleChange,
  businessUnitSchedulesEvent,
  type ScheduleChangeRequest,
  type ScheduleChangeResult,
} from './schedule-change';
import { SeededRandom } from './seeded-random';
import { ShiftScenario } from './shift-scenario';
import { SimulatorClock } from './simulator-clock';
import { createSimulatorControl, type SimulatorControl } from './simulator-control';
import { createCounters } from './simulator-counters';
import { resolveSimulatorOptions, type SimulatorOptions } from './simulator-options';
import { TokenIssuer } from './token-issuer';
import { adherenceEventBody, errorBody, toIso } from './wire-format';

export type { SimulatorOptions } from './simulator-options';
export type { SimulatorControl } from './simulator-control';

/** A running simulator: where to reach it, its OAuth client, its control API, and how to stop it. */
export interface RunningSimulator {
  /** `http://127.0.0.1:<port>`: the API host (`https://api.<env>` in Genesys). */
  readonly apiUrl: string;
  /** `http://127.0.0.1:<port>`: the login host (`https://login.<env>` in Genesys); same server as `apiUrl`. */
  readonly loginUrl: string;
  readonly clientId: string;
  readonly clientSecret: string;
  readonly control: SimulatorControl;
  /** Closes sockets, the server and every timer; idempotent. */
  stop(): Promise<void>;
}

// request.bytes.max (Genesys Cloud limits, developer.genesys.cloud/api/rest/v2/organization/limits).
const MAX_REQUEST_BYTES = 512_000;
const DAY_MS = 86_400_000;

/** Starts a Genesys Cloud simulator on 127.0.0.1 (port 0 by default) and resolves once it listens. */
export async function startGenesysSimulator(input: SimulatorOptions = {}): Promise<RunningSimulator> {
  const wall = new SystemClock();
  const options = resolveSimulatorOptions(input, wall.now());
  const clock = new SimulatorClock({
    startAt: options.startAt,
    timeScale: options.timeScale,
    manual: options.manualClock,
  });
  const centre = buildContactCentre({
    seed: options.seed,
    units: options.units,
    agentsPerUnit: options.agentsPerUnit,
    startAt: options.startAt,
    agentIdentities: options.agentIdentities,
  });
  const engine = new AdherenceEngine(centre, clock, options.scenario === 'idle');
  const counters = createCounters();
  const faultRandom = new SeededRandom(`${options.seed}:faults`);
  const faults = new FaultInjector(() => faultRandom.next());
  const changes = new CentreChanges(centre, options.seed);
  const idRandom = new SeededRandom(`${options.seed}:ids`);
  const tokens = new TokenIssuer({
    clientId: options.clientId,
    clientSecret: options.clientSecret,
    expiresInSeconds: options.tokenExpiresInSeconds,
    now: () => clock.now(),
  });
  const limiter = new RateLimiter(options.rateLimitPerMinute, () => wall.now());
  let baseUrl = '';
  const downloads = new DownloadStore(() => baseUrl);
  const hub = new NotificationHub({
    clock,
    faults,
    counters,
    permissions: options.permissions,
    heartbeatIntervalMs: options.heartbeatIntervalMs,
    maxChannelsPerClient: options.maxChannelsPerClient,
    maxTopicsPerChannel: options.maxTopicsPerChannel,
    channelLifetimeMs: DAY_MS,
    organizationId: centre.organizationId,
    socketBaseUrl: () => baseUrl.replace(/^http/, 'ws'),
  });

  const publishAdherence = (snapshot: AdherenceSnapshot, removedFromManagementUnit = false): void => {
    const body = adherenceEventBody(centre, snapshot, removedFromManagementUnit);
    // Fault: a frame dated by a wrong clock (a year-2099 instant, or days ago), as another system may send.
    const misdate = faults.takeMisdate();
    if (misdate)
      body.adherenceChangeTime =
        misdate.adherenceChangeTime ?? toIso(snapshot.adherenceChangedAt + (misdate.offsetMs ?? 0));
    const agent = snapshot.agent;
    hub.publish(`v2.workforcemanagement.managementunits.${agent.managementUnitId}.adherence`, body, true);
    hub.publish(`v2.workforcemanagement.teams.${agent.teamId}.adherence`, body, true);
    hub.publish(`v2.users.${agent.id}.workforcemanagement.adherence`, body, true);
  };
  engine.onChange((snapshot) => publishAdherence(snapshot));

  /** An agent leaves their unit: the last event says `removedFromManagementUnit`, then nothing more is published. */
  const removeAgentFromUnit = (agentId: string): AdherenceSnapshot => {
    const last = engine.removeAgent(agentId);
    changes.removeAgentFromUnit(agentId);
    publishAdherence(last, true);
    return last;
  };

  const publishScheduleChange = (
    managementUnitId: string,
    request: ScheduleChangeRequest,
  ): ScheduleChangeResult => {
    const now = clock.now();
    const change = applyScheduleChange(centre, managementUnitId, request, now);
    const topics = request.publish ?? ['businessUnitSchedules', 'agentSchedulesChanged'];
    if (topics.includes('businessUnitSchedules')) {
      hub.publish(
        `v2.workforcemanagement.businessunits.${change.businessUnitId}.schedules`,
        businessUnitSchedulesEvent(centre, change, now),
        false,
      );
    }
    if (topics.includes('agentSchedulesChanged')) {
      hub.publish(
        `v2.workforcemanagement.managementunits.${change.managementUnitId}.agentschedules.changed`,
        agentSchedulesChangedEvent(change),
        false,
      );
    }
    engine.refreshSchedules(change.agentIds);
    return change;
  };

  const scenario =
    options.scenario === 'shift'
      ? new ShiftScenario({
          centre,
          engine,
          clock,
          seed: options.seed,
          republish: (unitId, agentIds, startAt) =>
            publishScheduleChange(unitId, {
              agentIds,
              startAt,
              durationMinutes: 15,
              activityCodeName: 'Meeting',
            }),
          hire: (managementUnitId) => {
            const agent = changes.addAgent({ managementUnitId, shiftStartsInMinutes: -15 }, clock.now());
            engine.addAgent(agent);
            // Genesys reports the new hire at once: logged out while their shift has begun.
            engine.announce(agent.id);
            return agent;
          },
          explain: (agentId, asExplained) =>
            engine.explain(agentId, { id: idRandom.uuid(), status: 'Approved', asExplained }),
        })
      : undefined;

  const control = createSimulatorControl({
    centre,
    clock,
    engine,
    hub,
    faults,
    tokens,
    counters,
    publishScheduleChange,
    changes,
    removeAgentFromUnit,
    newId: () => idRandom.uuid(),
  });
  const restRouter = createRestRouter({ centre, engine, hub, downloads, options, faults, counters });
  const controlRouter = createControlRouter(control);

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const method = req.method ?? 'GET';
    const url = new URL(req.url ?? '/', baseUrl);
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
      const document = downloads.get(download[1]!);
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
      const clientKey = basic ? Buffer.from(basic[1]!, 'base64').toString('utf8').split(':')[0] : 'anonymous';
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

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (!res.headersSent)
        writeReply(
          res,
          req.method ?? 'GET',
          {
            status: 500,
            body: errorBody(
              500,
              'internal.server.error',
              error instanceof Error ? error.message : 'Internal error',
            ),
          },
          {},
        );
      else res.destroy();
    });
  });
  server.on('upgrade', (req, socket, head) => hub.handleUpgrade(req, socket, head));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, '127.0.0.1', () => resolve());
  });
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  let stopping: Promise<void> | undefined;
  return {
    apiUrl: baseUrl,
    loginUrl: baseUrl,
    clientId: options.clientId,
    clientSecret: options.clientSecret,
    control,
    stop() {
      stopping ??= new Promise<void>((resolve) => {
        scenario?.stop();
        engine.dispose();
        clock.dispose();
        hub.close();
        server.close(() => resolve());
        server.closeAllConnections();
      });
      return stopping;
    },
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
