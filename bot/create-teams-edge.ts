import type { ActionSink, AlertNotifier, Clock, Logger } from '../src/app/ports';
import type { DriftThresholds } from '../src/domain/drift-policy';
import type { StoreSet } from '../src/storage/store-set';
import { CommandHandler } from './commands/command-handler';
import { RoutingEntitlements } from './commands/routing-entitlements';
import type { TeamAwareDirectory } from './commands/watch-target-resolver';
import { AlertCardRenderer } from './delivery/alert-card-renderer';
import { CompositeAlertNotifier } from './delivery/composite-alert-notifier';
import type { DeliveryMetrics } from './delivery/delivery-metrics';
import { createDeliveryMetrics } from './delivery/delivery-metrics';
import { SlackAlertNotifier } from './delivery/slack-alert-notifier';
import { TeamsAlertNotifier } from './delivery/teams-alert-notifier';
import type { TeamsMessenger } from './delivery/teams-messenger';
import { limiterGate } from './delivery/teams-call-gate';
import { TeamsSendLimiter } from './delivery/teams-send-limiter';
import { WelcomeSender } from './delivery/welcome-sender';
import { CardActionHandler } from './handlers/card-action-handler';
import { InstallationHandler } from './handlers/installation-handler';
import type { BotAuthOptions } from './teams/create-cloud-adapter';
import { createCloudAdapter } from './teams/create-cloud-adapter';
import { createMessageEndpoint } from './teams/message-endpoint';
import { TeamsBot } from './teams/teams-bot';
import { TeamsGateway } from './teams/teams-gateway';
import type { MetricSources } from './server/prometheus-text';
import type { EdgeMetrics, Readiness } from './server/create-bot-server';
import { createBotServer } from './server/create-bot-server';
import { registerReportRoutes } from './server/report-routes';
import { registerTabRoutes } from './tabs/tab-routes';
import type { TabServicesDeps } from './tabs/tab-services';
import { createTabServices } from './tabs/tab-services';
import { myDriftWindowLink } from './tabs/tab-links';
import type { RunningServers } from './server/create-ops-server';
import { createOpsServer } from './server/create-ops-server';
import { sleep as realSleep } from '../src/platform/timers';
import { describeError } from '../src/platform/describe-error';

/** Everything the Teams edge needs from the core. */
export interface TeamsEdgeDeps {
  readonly auth: BotAuthOptions;
  /** Stores: conversations, routes, outbox, driftState, history and welcomes are used. */
  readonly stores: Pick<
    StoreSet,
    'conversations' | 'routes' | 'outbox' | 'driftState' | 'history' | 'welcomes'
  >;
  /** The Genesys directory (GenesysDirectory also lists agents, which makes teams known by name). */
  readonly directory: TeamAwareDirectory;
  /** Card actions go here: the DriftMonitor. May be bound after the edge is built (the monitor needs the notifier first). */
  readonly actions: ActionSink | (() => ActionSink);
  readonly clock: Clock;
  readonly logger: Logger;
  /** TEAMS_TENANT_RPS (default 50). */
  readonly teamsTenantRps?: number;
  /** TEAMS_JITTER_ALLOWANCE in ms (default 500). */
  readonly teamsJitterAllowanceInMs?: number;
  /** WATCH_ADMINS and WATCH_ALLOW_UNIT_MANAGERS: who may route alerts. Nobody when absent. */
  readonly routing?: { readonly admins: readonly string[]; readonly allowUnitManagers: boolean };
  /** Email of a Genesys user by id, for the unit-manager rule (GET /api/v2/users/{id}). */
  readonly userEmail?: (userId: string) => Promise<string | undefined>;
  /** The bot's own tenant (BOT_TENANT_ID, or the Playground's in local runs): channel commands answer only there. */
  readonly tenantId?: string;
  /** SLACK_WEBHOOK_URL: supervisor alerts also go to Slack. */
  readonly slackWebhookUrl?: string;
  /** GENESYS_WFM_URL: the "Open Genesys Cloud WFM" link on supervisor cards. */
  readonly wfmUrl?: string;
  /** Thresholds for `my adherence` (e.g. `(mu, cat) => resolveThresholds(policy, mu, cat)`); may read a policy built later. */
  readonly thresholdsFor?: (managementUnitId: string, scheduledActivityCategory?: string) => DriftThresholds;
  /** Replaces the botbuilder gateway (tests). */
  readonly messenger?: TeamsMessenger;
  /** Replaces the limiter's real-time waits (tests). */
  readonly sleep?: (ms: number) => Promise<void>;
  /** The Teams tabs and the report API (bot/tabs/); omitted = not served. */
  readonly tabs?: Pick<TabServicesDeps, 'settings' | 'localPeople' | 'membership' | 'refreshAfterMs'>;
}

/** The built edge: the notifier for the monitor, the bot, and a server starter. */
export interface TeamsEdge {
  readonly notifier: AlertNotifier;
  readonly bot: TeamsBot;
  readonly messenger: TeamsMessenger;
  readonly metrics: DeliveryMetrics;
  /** The one-welcome-per-scope sender; started with the server, stopped when it closes. */
  readonly welcomes: WelcomeSender;
  /**
   * Starts restify with /api/messages, /healthz, /readyz, /metrics (delivery counters are added to `metrics`); with
   * `opsPort` (METRICS_PORT) the last three are served by a second server on that port instead.
   */
  startServer(options: {
    readonly port: number;
    readonly host?: string;
    readonly opsPort?: number;
    readonly readiness: () => Readiness | Promise<Readiness>;
    readonly metrics?: () => MetricSources;
  }): Promise<RunningServers>;
}

/**
 * Composes the Teams edge: CloudAdapter (auth from BOT_*), gateway, limiter, Teams (+ Slack) notifier, the SDK-free
 * handlers and the activity handler. No network until the server starts or the notifier delivers.
 */
export function createTeamsEdge(deps: TeamsEdgeDeps): TeamsEdge {
  const { stores, directory, clock, logger } = deps;
  const adapter = createCloudAdapter(deps.auth, logger, clock);
  const isAuthOff = (deps.auth.appId?.trim() ?? '') === '';
  const messenger = deps.messenger ?? new TeamsGateway(adapter, deps.auth.appId?.trim() ?? '', clock);
  const metrics = createDeliveryMetrics();
  const renderer = new AlertCardRenderer({ directory, clock, wfmUrl: deps.wfmUrl });
  const sleep = deps.sleep ?? realSleep;
  const limiter = new TeamsSendLimiter({
    clock,
    tenantRps: deps.teamsTenantRps,
    jitterAllowanceInMs: deps.teamsJitterAllowanceInMs,
    sleep,
  });
  // Replies, roster reads and welcomes share the tenant budget with proactive sends.
  const gate = limiterGate(limiter);
  const welcomes = new WelcomeSender({ ledger: stores.welcomes, messenger, limiter, clock, logger, sleep });
  // Refusals that answer HTTP 200 with a message (card actions, commands), next to the edge's 4xx counters.
  const teamsMetrics = {
    welcomes: welcomes.metrics.welcomes,
    cardActionsRefused: {} as Record<string, number>,
    commandsRefused: {} as Record<string, number>,
  };
  const teams = new TeamsAlertNotifier({
    messenger,
    conversations: stores.conversations,
    routes: stores.routes,
    outbox: stores.outbox,
    driftState: stores.driftState,
    directory,
    renderer,
    limiter,
    clock,
    logger,
    metrics,
  });
  const slack = deps.slackWebhookUrl
    ? new SlackAlertNotifier({
        webhookUrl: deps.slackWebhookUrl,
        directory,
        clock,
        logger,
        wfmUrl: deps.wfmUrl,
        metrics,
      })
    : undefined;
  const notifier = new CompositeAlertNotifier({ teams, slack });
  const actions: ActionSink =
    typeof deps.actions === 'function'
      ? { act: (...args) => (deps.actions as () => ActionSink)().act(...args) }
      : deps.actions;
  const tabs =
    deps.tabs &&
    createTabServices({
      ...deps.tabs,
      stores,
      directory,
      messenger,
      clock,
      logger,
      thresholdsFor: deps.thresholdsFor,
    });
  let serverUrl: string | undefined;
  const bot = new TeamsBot({
    installation: new InstallationHandler({
      conversations: stores.conversations,
      routes: stores.routes,
      directory,
      messenger,
      welcomes,
      gate,
      clock,
      logger,
    }),
    commands: new CommandHandler({
      conversations: stores.conversations,
      routes: stores.routes,
      driftState: stores.driftState,
      history: stores.history,
      directory,
      clock,
      logger,
      thresholdsFor: deps.thresholdsFor,
      myDriftWindowUrl: deps.tabs && (() => myDriftWindowLink(deps.tabs!.settings, serverUrl)),
      entitlements: new RoutingEntitlements({
        admins: deps.routing?.admins ?? [],
        allowUnitManagers: deps.routing?.allowUnitManagers ?? false,
        directory,
        userEmail: deps.userEmail,
        logger,
      }),
      messenger,
      gate,
      tenantId: deps.tenantId,
      refusals: teamsMetrics.commandsRefused,
    }),
    cardActions: new CardActionHandler({
      outbox: stores.outbox,
      conversations: stores.conversations,
      actions,
      driftState: stores.driftState,
      history: stores.history,
      renderer,
      clock,
      logger,
      refusals: teamsMetrics.cardActionsRefused,
    }),
    logger,
    gate,
    metrics,
  });
  return {
    notifier,
    bot,
    messenger,
    metrics,
    welcomes,
    startServer: async (options) => {
      // Without Bot Framework auth anyone who can reach the port can post activities: loopback only, in every entry.
      const host = isAuthOff ? loopbackOnly(options.host) : options.host;
      if (host !== options.host) {
        const fields = { requestedHost: options.host ?? '0.0.0.0', host };
        const message = 'Bot Framework auth is off (no BOT_ID): listening on loopback only';
        // Asked for another address explicitly: worth a warning; the default every-interface address: expected.
        if (options.host === undefined) logger.info(fields, message);
        else logger.warn(fields, message);
      }
      const edgeMetrics: EdgeMetrics = { rejectedRequests: {} };
      const allMetrics = (): MetricSources => ({
        ...(options.metrics?.() ?? {}),
        delivery: metrics,
        teams: teamsMetrics,
        edge: edgeMetrics,
      });
      const ops =
        options.opsPort === undefined
          ? undefined
          : await createOpsServer({
              port: options.opsPort,
              host,
              readiness: options.readiness,
              metrics: allMetrics,
              logger,
            });
      try {
        const server = await createBotServer({
          processMessage: createMessageEndpoint(adapter, bot, { isAuthOff, logger, clock }),
          port: options.port,
          host,
          readiness: options.readiness,
          metrics: allMetrics,
          logger,
          edgeMetrics,
          opsRoutes: ops === undefined,
          registerRoutes:
            tabs &&
            ((restify) => {
              registerTabRoutes(restify, tabs);
              registerReportRoutes(restify, tabs);
            }),
        });
        serverUrl = server.url;
        // Welcomes a stop left pending are queued again now (and go out within the budget).
        await welcomes
          .resume()
          .catch((error: unknown) =>
            logger.warn(
              { err: describeError(error) },
              'could not list pending welcomes; they go out after the next start',
            ),
          );
        return {
          ...server,
          ops,
          close: async () => {
            await welcomes.stop();
            await server.close();
            await ops?.close();
          },
        };
      } catch (error) {
        await ops?.close();
        throw error;
      }
    },
  };
}

/** `host` when it is a loopback address, else 127.0.0.1. */
function loopbackOnly(host: string | undefined): string {
  return host === '127.0.0.1' || host === '::1' || host === 'localhost' ? host : '127.0.0.1';
}
