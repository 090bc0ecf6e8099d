import type { AddressInfo } from 'node:net';
import type { Request, Response, Server } from 'restify';
import restify from 'restify';
import type { Logger } from '../../src/app/ports';
import { addOpsRoutes } from './create-ops-server';
import type { MetricSources } from './prometheus-text';

/** What /readyz checks: the store answers and the Genesys stream is up. */
export interface Readiness {
  readonly store: boolean;
  readonly genesys: boolean;
}

/** Options of {@link createBotServer}. */
export interface BotServerOptions {
  /** POST /api/messages (bot/teams/message-endpoint.ts). */
  readonly processMessage: (req: Request, res: Response) => Promise<void>;
  /** 0 picks a free port. */
  readonly port: number;
  /** Default 0.0.0.0. */
  readonly host?: string;
  readonly readiness: () => Readiness | Promise<Readiness>;
  /** Prometheus text, or counters rendered by {@link renderPrometheus}. */
  readonly metrics: () => string | MetricSources;
  readonly logger: Logger;
  /** Adds more routes (the tabs and the report API, bot/tabs/ and bot/server/report-routes.ts). */
  readonly registerRoutes?: (server: Server) => void;
  /** False when the operations server (METRICS_PORT, create-ops-server.ts) serves /healthz, /readyz and /metrics. */
  readonly opsRoutes?: boolean;
}

/** A listening bot server. */
export interface RunningBotServer {
  readonly port: number;
  /** `http://<host>:<port>` */
  readonly url: string;
  close(): Promise<void>;
}

/**
 * Starts restify with POST /api/messages, GET /healthz (200 while the process is up), GET /readyz (200 once the
 * store and Genesys stream are up, else 503 naming what is missing) and GET /metrics (Prometheus text). Request
 * bodies and headers are never logged (they carry tokens and personal data).
 */
export async function createBotServer(options: BotServerOptions): Promise<RunningBotServer> {
  const log = options.logger.child({ component: 'http' });
  const server = restify.createServer({ name: 'adherence-drift-bot', handleUncaughtExceptions: false });
  server.use(restify.plugins.bodyParser({ mapParams: false, maxBodySize: 1024 * 1024 }));
  server.post('/api/messages', async (req: Request, res: Response) => {
    try {
      await options.processMessage(req, res);
    } catch (error) {
      log.error(
        { err: error instanceof Error ? error.message : String(error) },
        'error processing /api/messages',
      );
      if (!res.headersSent) res.send(500);
    }
  });
  if (options.opsRoutes !== false) addOpsRoutes(server, options);
  options.registerRoutes?.(server);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host ?? '0.0.0.0', () => resolve());
  });
  const address = server.address() as AddressInfo;
  const host = options.host ?? '0.0.0.0';
  log.info({ port: address.port }, 'bot server listening');
  return {
    port: address.port,
    url: `http://${host === '0.0.0.0' ? '127.0.0.1' : host}:${address.port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
