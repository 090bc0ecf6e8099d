import type { Request, Response, Server } from 'restify';
import restify from 'restify';
import type { Logger } from '../../src/platform/logger';
import { addOpsRoutes } from './create-ops-server';
import type { MetricsEndpoint } from './ops-metrics';
import { readJsonBody } from './read-json-body';
import { describeError } from '../../src/platform/describe-error';

/** What /readyz checks: the store answers and the Genesys stream is up. */
export interface Readiness {
  readonly store: boolean;
  readonly genesys: boolean;
}

/** One POST /api/messages after its body was read: the activity and the Authorization header ('' when absent). */
export interface InboundMessage {
  readonly activity: Record<string, unknown>;
  readonly authorization: string;
}

/** The HTTP answer to one message, and the reason when it was refused (counted in `edge_rejected_requests_total`). */
export interface MessageOutcome {
  readonly status: number;
  readonly body?: unknown;
  readonly rejectedFor?: string;
}

/** Requests /api/messages refused, by reason (rendered as `edge_rejected_requests_total{key="<reason>"}`). */
export interface EdgeMetrics {
  rejectedRequests: Record<string, number>;
}

/** Options of {@link createBotServer}. */
export interface BotServerOptions {
  /** POST /api/messages once the body is read (bot/teams/message-endpoint.ts). */
  readonly processMessage: (message: InboundMessage) => Promise<MessageOutcome>;
  /** 0 picks a free port. */
  readonly port: number;
  /** Default 0.0.0.0. */
  readonly host?: string;
  readonly readiness: () => Readiness | Promise<Readiness>;
  /** What GET /metrics serves (the application's OpsMetrics, which also renders `edgeMetrics`). */
  readonly metrics: MetricsEndpoint;
  readonly logger: Logger;
  /** Adds more routes (the tabs and the report API, bot/tabs/ and bot/server/report-routes.ts). */
  readonly registerRoutes?: (server: Server) => void;
  /** False when the operations server (METRICS_PORT, create-ops-server.ts) serves /healthz, /readyz and /metrics. */
  readonly opsRoutes?: boolean;
  /** Where refusals are counted (the caller adds it to the metrics it serves). */
  readonly edgeMetrics: EdgeMetrics;
}

/** A listening bot server. */
export interface RunningBotServer {
  readonly port: number;
  /** The address it is bound to (`127.0.0.1` whenever Bot Framework auth is off). */
  readonly host: string;
  /** Refusals of /api/messages by reason. */
  readonly edgeMetrics: EdgeMetrics;
  /** `http://<host>:<port>` */
  readonly url: string;
  close(): Promise<void>;
}

/**
 * Starts restify with POST /api/messages, GET /healthz (200 while the process is up), GET /readyz (200 once the
 * store and Genesys stream are up, else 503 naming what is missing) and GET /metrics (Prometheus text). The
 * /api/messages body is read by {@link readJsonBody} (JSON only, identity encoding, 1 MB of bytes actually read; no
 * body parser plugin, so no gzip inflation, form, multipart or file upload anywhere); every refusal answers 4xx with
 * `{error: {code, message}}` and is counted by reason. Request bodies and headers are never logged.
 */
export async function createBotServer(options: BotServerOptions): Promise<RunningBotServer> {
  const log = options.logger.child({ component: 'http' });
  const { edgeMetrics } = options;
  const countRejection = (reason: string): void => {
    edgeMetrics.rejectedRequests[reason] = (edgeMetrics.rejectedRequests[reason] ?? 0) + 1;
  };
  const server = restify.createServer({ name: 'adherence-drift-bot', handleUncaughtExceptions: false });
  server.post('/api/messages', async (req: Request, res: Response) => {
    const body = await readJsonBody(req);
    if (!body.ok) {
      countRejection(body.reason);
      if (!req.complete) {
        // The rest of the body is never read: answer, then drop the connection.
        res.header('connection', 'close');
        res.once('finish', () => req.destroy());
      }
      res.send(body.status, { error: { code: body.reason, message: body.message } });
      return;
    }
    try {
      const authorization = req.headers.authorization;
      const outcome = await options.processMessage({
        activity: body.value,
        authorization: typeof authorization === 'string' ? authorization : '',
      });
      if (outcome.rejectedFor !== undefined) countRejection(outcome.rejectedFor);
      if (outcome.body === undefined) res.send(outcome.status);
      else res.send(outcome.status, outcome.body);
    } catch (error) {
      log.error({ err: describeError(error) }, 'error processing /api/messages');
      if (!res.headersSent)
        res.send(500, { error: { code: 'internal', message: 'The bot failed to process the activity.' } });
    }
  });
  if (options.opsRoutes !== false) {
    addOpsRoutes(server, { readiness: options.readiness, metrics: options.metrics });
  }
  options.registerRoutes?.(server);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host ?? '0.0.0.0', () => resolve());
  });
  const address = server.address();
  const host = options.host ?? '0.0.0.0';
  log.info({ port: address.port }, 'bot server listening');
  return {
    port: address.port,
    host: address.address,
    edgeMetrics,
    url: `http://${host === '0.0.0.0' ? '127.0.0.1' : host}:${address.port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
      }),
  };
}
