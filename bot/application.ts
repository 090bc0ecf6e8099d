import { drainInstance } from '../src/app/drain-instance';
import { DriftMonitor } from '../src/app/drift-monitor';
import { HistoryRetentionJob } from '../src/app/history-retention';
import type { LeaseCoordinatorOptions } from '../src/app/lease-coordinator';
import type { AlertNotifier } from '../src/app/ports/alert-notifier';
import type { Clock, Scheduler } from '../src/platform/clock';
import { UnitOwnership } from '../src/app/unit-ownership';
import type { Settings } from '../src/config/settings';
import type { DriftPolicy } from '../src/domain/drift-policy';
import { resolveThresholds } from '../src/domain/thresholds';
import { FrameRecorder } from '../src/genesys/frame-recorder';
import { GenesysAdherenceClient } from '../src/genesys/genesys-adherence-client';
import type { GenesysClientOptions } from '../src/genesys/genesys-client-options';
import type { PlatformLogger } from '../src/platform/logger';
import { createLogger } from '../src/platform/logger';
import { SystemClock } from '../src/platform/system-clock';
import { TimerScheduler } from '../src/platform/timer-scheduler';
import type { RunningSimulator } from '../src/simulator/genesys-simulator';
import type { SimulatorOptions } from '../src/simulator/simulator-options';
import type { OpenTableStorage } from '../src/storage/open-table-storage';
import { openTableStorage } from '../src/storage/open-table-storage';
import type { StoreSet } from '../src/storage/store-set';
import { probeTableStorage } from '../src/storage/table-storage-probe';
import { genesysUserEmail } from './commands/genesys-user-email';
import type { TeamsEdge } from './create-teams-edge';
import { createTeamsBot } from './create-teams-edge';
import { createTeamsDelivery } from './delivery/create-teams-delivery';
import { DigestViews } from './digest/digest-views';
import { WeeklyDigestSender } from './digest/weekly-digest-sender';
import { discoveredDriftPolicy } from './discovered-drift-policy';
import { openGenesysSource } from './genesys-source';
import type { RunningServers } from './server/create-ops-server';
import { ShutdownSteps } from './shutdown-steps';
import { localPeople } from './tabs/local-people';
import { driftBoardLink } from './tabs/tab-links';

/** What a caller (tests, the local start script, the crash test's worker) may replace in the composed application. */
export interface ApplicationOverrides {
  readonly clock?: Clock;
  readonly scheduler?: Scheduler;
  readonly logger?: PlatformLogger;
  /** Options of the embedded Genesys simulator started in local mode (no Genesys settings). */
  readonly simulator?: SimulatorOptions;
  /** Genesys client tunables (tests shorten liveness timers). */
  readonly genesys?: Partial<GenesysClientOptions>;
  /**
   * The notifier the monitor delivers through in place of the Teams one (tests), or how to build it from the stores
   * (the crash test's Bot Connector stand-in reads conversations and routes).
   */
  readonly notifier?: AlertNotifier | ((parts: { readonly stores: StoreSet }) => AlertNotifier);
  /** Unit lease timings (tests shorten the lifetime and the watch). */
  readonly leases?: Pick<LeaseCoordinatorOptions, 'ttlMs' | 'renewEveryMs' | 'watchEveryMs'>;
  /** Address the bot server listens on; default every interface, always loopback while Bot Framework auth is off. */
  readonly host?: string;
  /** How often the tab pages poll for changes (default 5 s; browser tests shorten it). */
  readonly tabsRefreshAfterMs?: number;
  /** Tenant channel commands answer in when BOT_TENANT_ID is unset (the Agents Playground's, in local runs). */
  readonly teamsTenantId?: string;
  /**
   * The weekly digest's own clock and scheduler (default the application's): tests move it days ahead to the due
   * instant while the rest runs in real time (leases renew every 5 s, so days of manual time for everything would be
   * tens of thousands of renewals).
   */
  readonly digest?: { readonly clock?: Clock; readonly scheduler?: Scheduler };
  /**
   * The clock the supervisor alert budget counts its rolling hour on (default the application's): tests move it an
   * hour ahead to see alerts go back to single cards, while drift and delivery run in real time.
   */
  readonly alertBudget?: { readonly clock?: Clock };
}

/** The running product. */
export interface RunningApplication {
  readonly settings: Settings;
  readonly logger: PlatformLogger;
  readonly clock: Clock;
  readonly scheduler: Scheduler;
  readonly storage: OpenTableStorage;
  readonly stores: StoreSet;
  readonly genesys: GenesysAdherenceClient;
  /** The GENESYS_RECORD_DIR recording, when the setting is given. */
  readonly recorder?: FrameRecorder;
  readonly policy: DriftPolicy;
  /** The unit leases: the one gate on which units this instance processes. */
  readonly ownership: UnitOwnership;
  readonly monitor: DriftMonitor;
  readonly edge: TeamsEdge;
  /** The bot server, and with METRICS_PORT the operations server (`server.ops`). */
  readonly server: RunningServers;
  /** The embedded simulator in local mode. */
  readonly simulator?: RunningSimulator;
  /** The weekly digest sender; absent with DIGEST_SCHEDULE=off. */
  readonly digest?: WeeklyDigestSender;
  /** Drains (SIGTERM) and stops everything, in the reverse order of the start. */
  stop(): Promise<void>;
}

/**
 * Starts the whole product, each part built once from the parts before it: stores (Azurite in local mode) → Genesys
 * discovery → drift policy (refused with every problem named when thresholds are out of order) → the Teams notifier →
 * unit leases and the drift monitor → the Teams bot, given the monitor → the server (/healthz at once, /readyz once
 * storage answers and the Genesys stream is up) → the Genesys stream → the unit leases (each unit taken is restored
 * from Genesys, then adopted).
 */
export async function startApplication(
  settings: Settings,
  overrides: ApplicationOverrides = {},
): Promise<RunningApplication> {
  const logger = overrides.logger ?? createLogger({ level: settings.logLevel, name: 'adherence-drift' });
  for (const warning of settings.warnings) logger.warn({ component: 'config' }, warning);
  const clock = overrides.clock ?? new SystemClock();
  const scheduler =
    overrides.scheduler ?? new TimerScheduler({ clock, logger: logger.child({ component: 'scheduler' }) });
  const shutdown = new ShutdownSteps(logger);
  shutdown.add(() => scheduler.dispose());
  try {
    // 1. Stores.
    const storage = await openTableStorage(settings.storage, { clock });
    shutdown.add(() => storage.close());
    const { stores } = storage;
    logger.info(
      { mode: settings.storage.mode, tablePrefix: settings.storage.tablePrefix },
      'table storage ready',
    );

    // 2. Genesys discovery: units, their adherence settings, activity codes, agents.
    const source = await openGenesysSource(settings, overrides, logger);
    const { simulator } = source;
    if (simulator) shutdown.add(() => simulator.stop());
    const recorder = await openFrameRecorder(settings, logger);
    // Registered before the stream's stop, so it runs after it: the recording ends with the last frame received.
    if (recorder) shutdown.add(() => recorder.close());
    const genesys = new GenesysAdherenceClient(source.options, {
      clock,
      logger: logger.child({ component: 'genesys' }),
      profileSnapshot: stores.agentProfiles,
      recorder,
    });
    await genesys.discover();
    const { directory } = genesys;

    // 3. The drift policy, overtime activity codes resolved to ids; the schedule pre-check is asked with them.
    const policy = discoveredDriftPolicy(settings, directory, logger);

    // 4. The Teams notifier (and what it shares with the bot: messenger, limiter, renderer, welcomes).
    // Known once the server listens (step 7): the board card's link to the board tab in local runs.
    const bot: { url?: string } = {};
    const teams = createTeamsDelivery({
      auth: settings.bot,
      stores,
      directory,
      clock,
      logger: logger.child({ component: 'teams' }),
      teamsTenantRps: settings.notifications.teamsTenantRps,
      teamsJitterAllowanceInMs: settings.notifications.teamsJitterAllowanceMs,
      slackWebhookUrl: settings.notifications.slackWebhookUrl,
      wfmUrl: settings.notifications.genesysWfmUrl,
      supervisorAlertBudgetPerHour: settings.notifications.supervisorAlertBudgetPerHour,
      boardUrl: () => driftBoardLink(settings.tabs, bot.url),
      budgetClock: overrides.alertBudget?.clock,
    });

    // 5. The drift monitor, processing only the units whose lease this instance holds (restarts and replicas).
    const ownership = new UnitOwnership({
      leases: stores.leases,
      clock,
      scheduler,
      logger: logger.child({ component: 'ownership' }),
      instanceId: settings.instanceId,
      unitIds: directory.listUnits().map((unit) => unit.id),
      restoreUnit: (unitId) => genesys.restoreUnit(unitId),
      ...overrides.leases,
    });
    // A unit is read from Genesys when this instance adopts it; a reconnect re-reads only the units it holds.
    genesys.restorer.restoreOnly((unitId) => ownership.ownsUnit(unitId));
    const monitor = new DriftMonitor({
      units: ownership,
      clock,
      scheduler,
      stateStore: stores.driftState,
      outbox: stores.outbox,
      notifier:
        typeof overrides.notifier === 'function'
          ? overrides.notifier({ stores })
          : (overrides.notifier ?? teams.notifier),
      history: stores.history,
      logger: logger.child({ component: 'monitor' }),
      policy,
      coverageChecker: genesys.coverage,
      directory,
      slackEnabled: settings.notifications.slackWebhookUrl !== undefined,
      // The core's refusals and clamps land beside the client's in /metrics (genesys_events_ignored_total).
      observationCounters: genesys.metrics,
    });
    shutdown.add(() => monitor.stop());

    // 6. The Teams bot: card actions go to the monitor, `my adherence` and the tabs read the policy's thresholds.
    const edge = createTeamsBot(teams, {
      stores,
      directory,
      actions: monitor,
      clock,
      logger: logger.child({ component: 'teams' }),
      routing: settings.routing,
      userEmail: genesysUserEmail(genesys.rest),
      tenantId: settings.bot.tenantId ?? overrides.teamsTenantId,
      thresholdsFor: (unitId, category) => resolveThresholds(policy, unitId, category),
      tabs: {
        settings: settings.tabs,
        localPeople: () => localPeople(directory, simulator),
        refreshAfterMs: overrides.tabsRefreshAfterMs,
      },
      digestSchedule: settings.notifications.digestSchedule,
    });

    // 7. The server: /api/messages, the tabs, and /healthz, /readyz, /metrics (on METRICS_PORT when set).
    const server = await edge.startServer({
      port: settings.bot.port,
      opsPort: settings.bot.metricsPort,
      host: overrides.host,
      readiness: async () => ({
        store: await probeTableStorage(storage.service),
        genesys: genesys.isStreaming(),
      }),
      metrics: () => ({ genesys: genesys.metrics, ...(recorder ? { recording: recorder.metrics } : {}) }),
      outboxPending: () => monitor.outboxPending(),
    });
    shutdown.add(() => server.close());
    bot.url = server.url;
    logger.info({ url: `${server.url}/api/messages` }, 'bot listening');

    const retention = new HistoryRetentionJob({
      history: stores.history,
      clock,
      scheduler,
      logger: logger.child({ component: 'retention' }),
      retentionDays: settings.storage.historyRetentionDays,
    });
    retention.start();
    shutdown.add(() => retention.stop());

    // The weekly digest (DIGEST_SCHEDULE): every instance keeps the schedule; the digest ledger's insert decides which
    // one sends each channel's digest of a week. Missed digests less than a day late go out now.
    const { digestSchedule } = settings.notifications;
    const digestClock = overrides.digest?.clock ?? clock;
    const digest =
      digestSchedule === 'off'
        ? undefined
        : new WeeklyDigestSender({
            views: new DigestViews({
              routes: stores.routes,
              conversations: stores.conversations,
              history: stores.history,
              directory,
              clock: digestClock,
              schedule: digestSchedule,
              boardUrl: () => driftBoardLink(settings.tabs, server.url),
            }),
            ledger: stores.digests,
            messenger: teams.messenger,
            limiter: teams.limiter,
            clock: digestClock,
            scheduler: overrides.digest?.scheduler ?? scheduler,
            logger,
            instanceId: settings.instanceId,
            schedule: digestSchedule,
          });
    if (digest) {
      edge.opsMetrics.addSources(() => ({ digest: digest.metrics }));
      digest.start();
      shutdown.add(() => digest.stop());
    } else logger.info({ component: 'digest' }, 'weekly digest off (DIGEST_SCHEDULE=off)');

    // 8. The Genesys stream, then the leases. Units that appear are leased (so restored and processed); vanished ones
    // end their drift and are handed back. Nothing is owned before the leases, so the stream's first restore is
    // dropped; each unit taken is restored from Genesys and only then adopted (re-read, checks re-armed).
    genesys.onUnitsChanged(async ({ removedUnitIds }) => {
      for (const unitId of removedUnitIds) await monitor.retireUnit(unitId);
      await ownership.setUnitIds(directory.listUnits().map((unit) => unit.id));
    });
    shutdown.add(() => genesys.stop());
    await genesys.start(monitor);
    ownership.start(monitor);
    // Run first on the way down (SIGTERM, src/app/drain-instance.ts): no new units, stream stopped, sends finished or
    // handed back, then the leases released, so another instance takes over within its watch period.
    shutdown.add(() =>
      drainInstance(
        {
          stopAcquiring: () => ownership.stopAcquiring(),
          stopIntake: () => genesys.stop(),
          finishWork: () => monitor.stop(),
          releaseLeases: () => ownership.stop(),
        },
        { clock, scheduler, logger: logger.child({ component: 'drain' }) },
      ),
    );
    return {
      settings,
      logger,
      clock,
      scheduler,
      storage,
      stores,
      genesys,
      ...(recorder ? { recorder } : {}),
      policy,
      ownership,
      monitor,
      edge,
      server,
      simulator,
      digest,
      stop: () => shutdown.run(),
    };
  } catch (error) {
    await shutdown.run();
    throw error;
  }
}

/**
 * The frame recording of GENESYS_RECORD_DIR, its folder created now so a bad one is named at start (logged once;
 * the service runs on without recording); undefined when the setting is not given.
 */
async function openFrameRecorder(
  settings: Settings,
  logger: PlatformLogger,
): Promise<FrameRecorder | undefined> {
  const directory = settings.genesys.recordDir;
  if (directory === undefined) return undefined;
  const recorder = new FrameRecorder({ directory, logger });
  if (await recorder.open()) logger.info({ directory }, 'recording Genesys frames (GENESYS_RECORD_DIR)');
  return recorder;
}
