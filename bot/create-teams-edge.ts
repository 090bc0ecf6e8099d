import type { ActionSink } from '../src/app/ports/action-sink';
import type { AlertNotifier } from '../src/app/ports/alert-notifier';
import type { Clock } from '../src/platform/clock';
import type { Logger } from '../src/platform/logger';
import type { DriftThresholds } from '../src/domain/drift-policy';
import type { StoreSet } from '../src/storage/store-set';
import { CommandHandler } from './commands/command-handler';
import { RoutingEntitlements } from './commands/routing-entitlements';
import type { TeamAwareDirectory } from './commands/watch-target-resolver';
import type { TeamsDelivery, TeamsDeliveryDeps } from './delivery/create-teams-delivery';
import { createTeamsDelivery } from './delivery/create-teams-delivery';
import type { DeliveryMetrics } from './delivery/delivery-metrics';
import type { TeamsMessenger } from './delivery/teams-messenger';
import type { WelcomeSender } from './delivery/welcome-sender';
import { CardActionHandler } from './handlers/card-action-handler';
import { InstallationHandler } from './handlers/installation-handler';
import { createMessageEndpoint } from './teams/message-endpoint';
import { TeamsBot } from './teams/teams-bot';
import type { MetricSources, OpsMetrics } from './server/ops-metrics';
import type { EdgeMetrics, Readiness } from './server/create-bot-server';
import { createBotServer } from './server/create-bot-server';
import { registerReportRoutes } from './server/report-routes';
import { registerTabRoutes } from './tabs/tab-routes';
import type { TabServicesDeps } from './tabs/tab-services';
import { createTabServices } from './tabs/tab-services';
import { driftBoardLink, myDriftWindowLink } from './tabs/tab-links';
import { DigestViews } from './digest/digest-views';
import type { DigestSchedule } from '../src/config/settings';
import type { RunningServers } from './server/create-ops-server';
import { createOpsServer } from './server/create-ops-server';

/** What the Teams bot needs besides the delivery: the drift monitor (card actions), routing rules, tabs. */
export interface TeamsBotDeps {
  /** Stores: conversations, routes, outbox, driftState and history are used. */
  readonly stores: Pick<StoreSet, 'conversations' | 'routes' | 'outbox' | 'driftState' | 'history'>;
  /** The Genesys directory (GenesysDirectory also lists agents, which makes teams known by name). */
  readonly directory: TeamAwareDirectory;
  /** Card actions go here: the DriftMonitor, which answers with the episode it produced. */
  readonly actions: ActionSink;
  readonly clock: Clock;
  readonly logger: Logger;
  /** WATCH_ADMINS and WATCH_ALLOW_UNIT_MANAGERS: who may route alerts. Nobody when absent. */
  readonly routing?: { readonly admins: readonly string[]; readonly allowUnitManagers: boolean };
  /** Email of a Genesys user by id, for the unit-manager rule (GET /api/v2/users/{id}). */
  readonly userEmail?: (userId: string) => Promise<string | undefined>;
  /** The bot's own tenant (BOT_TENANT_ID, or the Playground's in local runs): channel commands answer only there. */
  readonly tenantId?: string;
  /** Thresholds for `my adherence` and the tabs, e.g. `(mu, cat) => resolveThresholds(policy, mu, cat)`. */
  readonly thresholdsFor?: (managementUnitId: string, scheduledActivityCategory?: string) => DriftThresholds;
  /** The Teams tabs and the report API (bot/tabs/); omitted = not served. */
  readonly tabs?: Pick<TabServicesDeps, 'settings' | 'localPeople' | 'membership' | 'refreshAfterMs'>;
  /** DIGEST_SCHEDULE, which the `digest` card mentions. */
  readonly digestSchedule?: DigestSchedule;
}

/** Everything the Teams edge needs at once (tests): the delivery's and the bot's. */
export interface TeamsEdgeDeps extends TeamsDeliveryDeps, TeamsBotDeps {
  readonly stores: TeamsDeliveryDeps['stores'] & TeamsBotDeps['stores'];
}

/** The built edge: the notifier for the monitor, the bot, and a server starter. */
export interface TeamsEdge {
  readonly notifier: AlertNotifier;
  readonly bot: TeamsBot;
  readonly messenger: TeamsMessenger;
  readonly metrics: DeliveryMetrics;
  /** What /metrics serves: the edge's counters, alert lateness, outbox depth and process metrics (prom-client). */
  readonly opsMetrics: OpsMetrics;
  /** The one-welcome-per-scope sender; started with the server, stopped when it closes. */
  readonly welcomes: WelcomeSender;
  /**
   * Starts restify with /api/messages, /healthz, /readyz, /metrics (the counters of `metrics` beside the edge's, and
   * `outboxPending` as the outbox depth); with `opsPort` (METRICS_PORT) the last three are served by a second server
   * on that port instead.
   */
  startServer(options: {
    readonly port: number;
    readonly host?: string;
    readonly opsPort?: number;
    readonly readiness: () => Readiness | Promise<Readiness>;
    readonly metrics?: () => MetricSources;
    readonly outboxPending?: () => number;
  }): Promise<RunningServers>;
}

/** The whole Teams edge in one step (tests): {@link createTeamsDelivery}, then {@link createTeamsBot}. */
export function createTeamsEdge(deps: TeamsEdgeDeps): TeamsEdge {
  return createTeamsBot(createTeamsDelivery(deps), deps);
}

/**
 * Composes the inbound half of the Teams edge on a built delivery: the SDK-free handlers (installs, commands, card
 * actions given to the drift monitor) and the activity handler, and a server starter. No network until it starts.
 */
export function createTeamsBot(delivery: TeamsDelivery, deps: TeamsBotDeps): TeamsEdge {
  const { stores, directory, clock, logger } = deps;
  const { adapter, isAuthOff, messenger, metrics, renderer, welcomes, gate, opsMetrics } = delivery;
  // Refusals that answer HTTP 200 with a message (card actions, commands), next to the edge's 4xx counters.
  const teamsMetrics = {
    welcomes: welcomes.metrics.welcomes,
    cardActionsRefused: {} as Record<string, number>,
    commandsRefused: {} as Record<string, number>,
  };
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
  const digests = new DigestViews({
    routes: stores.routes,
    conversations: stores.conversations,
    history: stores.history,
    directory,
    clock,
    schedule: deps.digestSchedule,
    boardUrl: deps.tabs && (() => driftBoardLink(deps.tabs!.settings, serverUrl)),
  });
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
      digestCard: (key) => digests.currentCard(key),
    }),
    cardActions: new CardActionHandler({
      outbox: stores.outbox,
      conversations: stores.conversations,
      actions: deps.actions,
      renderer,
      clock,
      logger,
      refusals: teamsMetrics.cardActionsRefused,
      renderBoard: delivery.renderBoard,
    }),
    logger,
    gate,
    metrics,
  });
  return {
    notifier: delivery.notifier,
    bot,
    messenger,
    metrics,
    opsMetrics,
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
      if (options.metrics) opsMetrics.addSources(options.metrics);
      opsMetrics.addSources(() => ({ delivery: metrics, teams: teamsMetrics, edge: edgeMetrics }));
      if (options.outboxPending) opsMetrics.setOutboxPending(options.outboxPending);
      const ops =
        options.opsPort === undefined
          ? undefined
          : await createOpsServer({
              port: options.opsPort,
              host,
              readiness: options.readiness,
              metrics: opsMetrics,
              logger,
            });
      try {
        const server = await createBotServer({
          processMessage: createMessageEndpoint(adapter, bot, { isAuthOff, logger, clock }),
          port: options.port,
          host,
          readiness: options.readiness,
          metrics: opsMetrics,
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
              { err: error instanceof Error ? error.message : String(error) },
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
