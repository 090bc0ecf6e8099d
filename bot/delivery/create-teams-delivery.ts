import { AlertBoardLedger } from '../../src/app/alert-board-ledger';
import type { AlertNotifier } from '../../src/app/ports/alert-notifier';
import type { Clock } from '../../src/platform/clock';
import type { Logger } from '../../src/platform/logger';
import { sleep as realSleep } from '../../src/platform/timers';
import type { StoreSet } from '../../src/storage/store-set';
import type { TeamAwareDirectory } from '../commands/watch-target-resolver';
import type { BotAuthOptions, EdgeCloudAdapter } from '../teams/create-cloud-adapter';
import { createCloudAdapter } from '../teams/create-cloud-adapter';
import { TeamsGateway } from '../teams/teams-gateway';
import { AlertCardRenderer } from './alert-card-renderer';
import { CompositeAlertNotifier } from './composite-alert-notifier';
import { MeasuredAlertNotifier } from './measured-alert-notifier';
import { OpsMetrics } from '../server/ops-metrics';
import type { DeliveryMetrics } from './delivery-metrics';
import { createDeliveryMetrics } from './delivery-metrics';
import { SlackAlertNotifier } from './slack-alert-notifier';
import { TeamsAlertNotifier } from './teams-alert-notifier';
import type { TeamsCallGate } from './teams-call-gate';
import { limiterGate } from './teams-call-gate';
import type { TeamsMessenger } from './teams-messenger';
import { TeamsSendLimiter } from './teams-send-limiter';
import { WelcomeSender } from './welcome-sender';

/** What the Teams delivery needs: the Bot Framework identity, the stores it reads and writes, the directory. */
export interface TeamsDeliveryDeps {
  readonly auth: BotAuthOptions;
  /** Stores: conversations, routes, outbox, driftState, history, welcomes and alertBoards are used. */
  readonly stores: Pick<
    StoreSet,
    'conversations' | 'routes' | 'outbox' | 'driftState' | 'history' | 'welcomes' | 'alertBoards'
  >;
  /** The Genesys directory (GenesysDirectory also lists agents, which makes teams known by name). */
  readonly directory: TeamAwareDirectory;
  readonly clock: Clock;
  readonly logger: Logger;
  /** TEAMS_TENANT_RPS (default 50). */
  readonly teamsTenantRps?: number;
  /** TEAMS_JITTER_ALLOWANCE in ms (default 500). */
  readonly teamsJitterAllowanceInMs?: number;
  /** SLACK_WEBHOOK_URL: supervisor alerts also go to Slack. */
  readonly slackWebhookUrl?: string;
  /** GENESYS_WFM_URL: the "Open Genesys Cloud WFM" link on supervisor cards. */
  readonly wfmUrl?: string;
  /**
   * SUPERVISOR_ALERT_BUDGET_PER_HOUR: most single alert cards per channel in any rolling hour; more join the channel's
   * live drift board. Absent: every supervisor alert is a card of its own.
   */
  readonly supervisorAlertBudgetPerHour?: number;
  /** The supervisor board tab (`/tabs/board`), linked from a board card that leaves rows off. */
  readonly boardUrl?: () => string | undefined;
  /** The clock the alert budget's rolling hour is counted on; default `clock` (tests move it an hour ahead). */
  readonly budgetClock?: Clock;
  /** Replaces the botbuilder gateway (tests). */
  readonly messenger?: TeamsMessenger;
  /** Replaces the limiter's real-time waits (tests). */
  readonly sleep?: (ms: number) => Promise<void>;
}

/** The outbound half of the Teams edge: what sends to Teams, shared by the notifier and the bot's replies. */
export interface TeamsDelivery {
  readonly adapter: EdgeCloudAdapter;
  /** No BOT_ID (an explicit local run): Bot Framework auth is off both ways. */
  readonly isAuthOff: boolean;
  readonly messenger: TeamsMessenger;
  readonly limiter: TeamsSendLimiter;
  /** Replies, roster reads and welcomes share the tenant budget with proactive sends through it. */
  readonly gate: TeamsCallGate;
  readonly renderer: AlertCardRenderer;
  readonly metrics: DeliveryMetrics;
  /** The one-welcome-per-scope sender; started with the server, stopped when it closes. */
  readonly welcomes: WelcomeSender;
  /** Delivers nudges and supervisor alerts (Teams, and Slack with SLACK_WEBHOOK_URL): the monitor's notifier. */
  readonly notifier: AlertNotifier;
  /** A channel's live drift board card as it stands now (for a click on it); undefined: no board there. */
  readonly renderBoard: (channelKey: string) => Promise<object | undefined>;
  /** What /metrics serves: the edge's counters, alert lateness (measured here), outbox depth, process metrics. */
  readonly opsMetrics: OpsMetrics;
}

/**
 * Composes the outbound Teams parts: CloudAdapter (auth from BOT_*), gateway, tenant limiter, card renderer, the
 * Teams (+ Slack) notifier and the welcome sender. It needs nothing of the drift monitor, so it is built before it.
 * No network until something delivers.
 */
export function createTeamsDelivery(deps: TeamsDeliveryDeps): TeamsDelivery {
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
  const welcomes = new WelcomeSender({ ledger: stores.welcomes, messenger, limiter, clock, logger, sleep });
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
    history: stores.history,
    ...(deps.supervisorAlertBudgetPerHour === undefined
      ? {}
      : {
          boards: {
            ledger: new AlertBoardLedger({
              store: stores.alertBoards,
              perHour: deps.supervisorAlertBudgetPerHour,
              sleep,
            }),
            boardUrl: deps.boardUrl,
            clock: deps.budgetClock,
          },
        }),
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
  const opsMetrics = new OpsMetrics();
  return {
    adapter,
    isAuthOff,
    messenger,
    limiter,
    gate: limiterGate(limiter),
    renderer,
    metrics,
    welcomes,
    notifier: new MeasuredAlertNotifier(new CompositeAlertNotifier({ teams, slack }), {
      clock,
      metrics: opsMetrics,
    }),
    opsMetrics,
    renderBoard: (channelKey) => teams.renderBoard(channelKey),
  };
}
