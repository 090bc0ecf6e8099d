import type { Next, Request, Response, Server } from 'restify';
import restify from 'restify';
import type { Logger } from '../../src/platform/logger';
import type { Readiness, RunningBotServer } from './create-bot-server';
import type { MetricsEndpoint } from './ops-metrics';

/** What the operations endpoints report. */
export interface OpsRoutesOptions {
  readonly readiness: () => Readiness | Promise<Readiness>;
  /** What GET /metrics serves (the application's OpsMetrics). */
  readonly metrics: MetricsEndpoint;
}

/** Options of {@link createOpsServer}. */
export interface OpsServerOptions extends OpsRoutesOptions {
  /** `METRICS_PORT`; 0 picks a free port. */
  readonly port: number;
  /** Default 0.0.0.0 (the host's probes and scraper reach it inside the private network). */
  readonly host?: string;
  readonly logger: Logger;
}

/** A listening operations server. */
export interface RunningOpsServer {
  readonly port: number;
  /** `http://<host>:<port>` */
  readonly url: string;
  close(): Promise<void>;
}

/** The bot server plus, with `METRICS_PORT`, the operations server that took its health and metrics endpoints. */
export interface RunningServers extends RunningBotServer {
  readonly ops?: RunningOpsServer;
}

/**
 * Adds the operations endpoints to a restify server: GET /healthz (liveness: 200 while the process serves requests),
 * GET /readyz (readiness: 200 once the store and the Genesys stream are up, else 503 naming what is missing; 503
 * again while draining on SIGTERM) and GET /metrics (Prometheus text).
 */
export function addOpsRoutes(server: Server, options: OpsRoutesOptions): void {
  server.get('/healthz', (_req: Request, res: Response, next: Next) => {
    res.send(200, { status: 'ok' });
    next();
  });
  server.get('/readyz', async (_req: Request, res: Response) => {
    let readiness: Readiness;
    try {
      readiness = await options.readiness();
    } catch {
      readiness = { store: false, genesys: false };
    }
    const missing = Object.entries(readiness)
      .filter(([, isUp]) => !isUp)
      .map(([name]) => name);
    res.send(
      missing.length === 0 ? 200 : 503,
      missing.length === 0 ? { status: 'ready' } : { status: 'not ready', missing },
    );
  });
  server.get('/metrics', async (_req: Request, res: Response) => {
    const body = await options.metrics.render();
    res.writeHead(200, { 'content-type': options.metrics.contentType });
    res.end(body);
  });
}

/**
 * Starts the operations server on `METRICS_PORT`: only /healthz, /readyz and /metrics, so the public endpoint (PORT)
 * exposes nothing but /api/messages. Hosts point their probes here: liveness /healthz, readiness /readyz.
 */
export async function createOpsServer(options: OpsServerOptions): Promise<RunningOpsServer> {
  const log = options.logger.child({ component: 'ops-http' });
  const server = restify.createServer({ name: 'adherence-drift-ops', handleUncaughtExceptions: false });
  addOpsRoutes(server, options);
  const host = options.host ?? '0.0.0.0';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, host, () => resolve());
  });
  const address = server.address();
  log.info({ port: address.port }, 'operations server listening (/healthz, /readyz, /metrics)');
  return {
    port: address.port,
    url: `http://${host === '0.0.0.0' ? '127.0.0.1' : host}:${address.port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
      }),
  };
}
