import type { AlertNotifier, Clock, Scheduler } from '../src/app/ports';
import { DriftMonitor } from '../src/app/drift-monitor';
import { drainInstance } from '../src/app/drain-instance';
import { UnitOwnership } from '../src/app/unit-ownership';
import { HistoryRetentionJob } from '../src/app/history-retention';
import { buildDriftPolicy } from '../src/config/drift-policy-builder';
import type { Settings } from '../src/config/settings';
import type { DriftPolicy } from '../src/domain/drift-policy';
import { validatePolicyThresholds } from '../src/domain/thresholds';
import { GenesysAdherenceClient } from '../src/genesys/genesys-adherence-client';
import type { GenesysClientOptions } from '../src/genesys/genesys-client-options';
import { ConfigError } from '../src/platform/errors';
import type { PlatformLogger } from '../src/platform/logger';
import { createLogger } from '../src/platform/logger';
import { SystemClock } from '../src/platform/system-clock';
import { TimerScheduler } from '../src/platform/timer-scheduler';
import type { RunningSimulator } from '../src/simulator/genesys-simulator';
import { startGenesysSimulator } from '../src/simulator/genesys-simulator';
import type { SimulatorOptions } from '../src/simulator/simulator-options';
import type { OpenTableStorage } from '../src/storage/open-table-storage';
import { openTableStorage } from '../src/storage/open-table-storage';
import type { StoreSet } from '../src/storage/store-set';
import { resolveThresholds } from '../src/domain/thresholds';
import { genesysUserEmail } from './commands/genesys-user-email';
import type { TeamsEdge } from './create-teams-edge';
import { createTeamsEdge } from './create-teams-edge';
import { defaultLocalPeople } from './tabs/tab-services';
import type { LocalPerson } from './tabs/tab-auth';
import type { RunningServers } from './server/create-ops-server';

/** What a caller (tests, the local start script) may replace in the composed application. */
export interface ApplicationOverrides {
  readonly clock?: Clock;
  readonly scheduler?: Scheduler;
  readonly logger?: PlatformLogger;
  /** Options of the embedded Genesys simulator started in local mode (no Genesys settings). */
  readonly simulator?: SimulatorOptions;
  /** Genesys client tunables (tests shorten liveness timers). */
  readonly genesys?: Partial<GenesysClientOptions>;
  /** Replaces the notifier the monitor delivers through (tests). */
  readonly notifier?: AlertNotifier;
  /** Address the bot server listens on; default every interface, always loopback while Bot Framework auth is off. */
  readonly host?: string;
  /** How often the tab pages poll for changes (default 5 s; browser tests shorten it). */
  readonly tabsRefreshAfterMs?: number;
  /** Tenant channel commands answer in when BOT_TENANT_ID is unset (the Agents Playground's, in local runs). */
  readonly teamsTenantId?: string;
}

/** The running core of the product: stores, Genesys stream, drift monitor and jobs. */
export interface RunningCore {
  readonly settings: Settings;
  readonly logger: PlatformLogger;
  readonly clock: Clock;
  readonly scheduler: Scheduler;
  readonly storage: OpenTableStorage;
  readonly stores: StoreSet;
  readonly genesys: GenesysAdherenceClient;
  readonly monitor: DriftMonitor;
  readonly policy: DriftPolicy;
  /** The embedded simulator in local mode. */
  readonly simulator?: RunningSimulator;
  stop(): Promise<void>;
}

/** What the edge gets from the core while it starts; `cleanups` takes what must be stopped with the core. */
export interface CoreParts {
  readonly stores: StoreSet;
  readonly genesys: GenesysAdherenceClient;
  readonly clock: Clock;
  readonly logger: PlatformLogger;
  readonly policy: DriftPolicy;
  onStop(cleanup: () => Promise<void> | void): void;
}

/** Where the Genesys client connects: the configured org, or the simulator started here in local mode. */
async function connectGenesys(
  settings: Settings,
  overrides: ApplicationOverrides,
  logger: PlatformLogger,
): Promise<{ options: GenesysClientOptions; simulator?: RunningSimulator }> {
  const genesys = settings.genesys;
  if (genesys.mode === 'cloud') {
    const { apiUrl, loginUrl, clientId, clientSecret, managementUnitIds } = genesys;
    const directoryRefreshIntervalInMs = genesys.directoryRefreshMs;
    return {
      options: {
        apiUrl,
        loginUrl,
        clientId,
        clientSecret,
        managementUnitIds,
        directoryRefreshIntervalInMs,
        ...overrides.genesys,
      },
    };
  }
  const simulator = await startGenesysSimulator({ scenario: 'shift', ...overrides.simulator });
  logger.info(
    { apiUrl: simulator.apiUrl },
    'local mode: no GENESYS_* settings, started the Genesys Cloud simulator',
  );
  const { apiUrl, loginUrl, clientId, clientSecret } = simulator;
  return {
    simulator,
    options: {
      apiUrl,
      loginUrl,
      clientId,
      clientSecret,
      managementUnitIds: genesys.managementUnitIds,
      directoryRefreshIntervalInMs: genesys.directoryRefreshMs,
      ...overrides.genesys,
    },
  };
}

/**
 * Composes and starts the core: storage (Azurite in local mode), Genesys discovery, the drift policy (refused with
 * every problem named when thresholds are out of order), the drift monitor and the retention job, then the stream.
 * `notifierFor` builds the alert notifier once the stores and directory exist (the Teams edge supplies it).
 */
export async function startCore(
  settings: Settings,
  notifierFor: (parts: CoreParts) => AlertNotifier | Promise<AlertNotifier>,
  overrides: ApplicationOverrides = {},
): Promise<RunningCore> {
  const logger = overrides.logger ?? createLogger({ level: settings.logLevel, name: 'adherence-drift' });
  for (const warning of settings.warnings) logger.warn({ component: 'config' }, warning);
  const clock = overrides.clock ?? new SystemClock();
  const scheduler =
    overrides.scheduler ?? new TimerScheduler({ clock, logger: logger.child({ component: 'scheduler' }) });
  const cleanups: Array<() => Promise<void> | void> = [() => scheduler.dispose()];
  const stopAll = async (): Promise<void> => {
    for (const cleanup of cleanups.reverse()) {
      try {
        await cleanup();
      } catch (error) {
        logger.error({ err: (error as Error).message }, 'error while stopping');
      }
    }
  };
  try {
    const storage = await openTableStorage(settings.storage, { clock });
    cleanups.push(() => storage.close());
    logger.info(
      { mode: settings.storage.mode, tablePrefix: settings.storage.tablePrefix },
      'table storage ready',
    );

    const { options, simulator } = await connectGenesys(settings, overrides, logger);
    if (simulator) cleanups.push(() => simulator.stop());
    const genesys = new GenesysAdherenceClient(options, {
      clock,
      logger: logger.child({ component: 'genesys' }),
    });
    await genesys.discover();

    const directory = genesys.directory;
    const built = buildDriftPolicy(settings, {
      activityCodes: directory
        .listActivityCodes()
        .map((code) => ({ id: code.id, name: code.name, category: code.category ?? '' })),
      units: directory.listUnits().map((unit) => {
        const unitSettings = directory.getUnitSettings(unit.id);
        return {
          id: unit.id,
          exceptionThresholdMs: unitSettings?.exceptionThresholdMs,
          ignoredCategories: unitSettings?.ignoredActivityCategories,
          ignoredActivityCodeIds: unitSettings?.ignoredActivityCodeIds,
        };
      }),
    });
    for (const warning of built.warnings) logger.warn({ component: 'policy' }, warning);
    const problems = validatePolicyThresholds(built.policy);
    if (problems.length > 0) {
      throw new ConfigError(problems.map((problem) => ({ setting: 'DRIFT_THRESHOLD_OVERRIDES', problem })));
    }
    genesys.coverage.setOvertimeActivityCodeIds(built.policy.overtimeActivityCodeIds);

    const stores = storage.stores;
    const edgeNotifier = await notifierFor({
      stores,
      genesys,
      clock,
      logger,
      policy: built.policy,
      onStop: (cleanup) => cleanups.push(cleanup),
    });
    const notifier = overrides.notifier ?? edgeNotifier;
    // --- Unit leases (restarts and replicas, src/app/unit-ownership.ts): each management unit is processed by one instance.
    const ownership = new UnitOwnership({
      leases: stores.leases,
      clock,
      scheduler,
      logger: logger.child({ component: 'ownership' }),
      instanceId: settings.instanceId,
      unitIds: directory.listUnits().map((unit) => unit.id),
      restoreUnit: (unitId) => genesys.restoreUnit(unitId),
    });
    // --- end unit leases
    const monitor = new DriftMonitor({
      ownsUnit: ownership.ownsUnit,
      clock,
      scheduler,
      stateStore: stores.driftState,
      outbox: stores.outbox,
      notifier,
      history: stores.history,
      logger: logger.child({ component: 'monitor' }),
      policy: built.policy,
      coverageChecker: genesys.coverage,
      directory,
      slackEnabled: settings.notifications.slackWebhookUrl !== undefined,
      // The core's refusals and clamps land beside the client's in /metrics (genesys_events_ignored_total).
      observationCounters: genesys.metrics,
    });
    cleanups.push(() => monitor.stop());
    await monitor.start();
    // Units that appear in Genesys are leased (and so restored and processed); vanished ones end and are handed back.
    genesys.onUnitsChanged(async ({ removedUnitIds }) => {
      for (const unitId of removedUnitIds) await monitor.retireUnit(unitId);
      await ownership.setUnitIds(directory.listUnits().map((unit) => unit.id));
    });

    const retention = new HistoryRetentionJob({
      history: stores.history,
      clock,
      scheduler,
      logger: logger.child({ component: 'retention' }),
      retentionDays: settings.storage.historyRetentionDays,
    });
    retention.start();
    cleanups.push(() => retention.stop());

    // Stopped first on the way down, so no event reaches a stopping monitor.
    cleanups.push(() => genesys.stop());
    await genesys.start(monitor);
    // --- Unit leases: taken once the stream is up; each unit taken is restored from Genesys, then adopted (re-armed).
    // Drained first on the way down (src/app/drain-instance.ts): no new units, stream stopped, sends finished or handed
    // back, then the leases released, so another instance takes over within its watch period.
    ownership.start(monitor);
    cleanups.push(async () => {
      await drainInstance(
        {
          stopAcquiring: () => ownership.stopAcquiring(),
          stopIntake: () => genesys.stop(),
          finishWork: () => monitor.stop(),
          releaseLeases: () => ownership.stop(),
        },
        { clock, scheduler, logger: logger.child({ component: 'drain' }) },
      );
    });
    // --- end unit leases
    return {
      settings,
      logger,
      clock,
      scheduler,
      storage,
      stores,
      genesys,
      monitor,
      policy: built.policy,
      simulator,
      stop: stopAll,
    };
  } catch (error) {
    await stopAll();
    throw error;
  }
}

/** The running product: the core plus the Teams edge (restify on `settings.bot.port`). */
export interface RunningApplication extends RunningCore {
  readonly edge: TeamsEdge;
  /** The bot server, and with METRICS_PORT the operations server (`server.ops`). */
  readonly server: RunningServers;
}

/**
 * Starts the whole product: the core, and the Teams edge whose server answers /healthz at once and /readyz once the
 * store is open and the Genesys stream is up. Card actions reach the monitor once it exists.
 */
export async function startApplication(
  settings: Settings,
  overrides: ApplicationOverrides = {},
): Promise<RunningApplication> {
  // The monitor needs the notifier, the edge's card actions need the monitor: bound once both exist.
  const late: { monitor?: DriftMonitor; simulator?: RunningSimulator } = {};
  let edge: TeamsEdge | undefined;
  let server: RunningServers | undefined;
  const core = await startCore(
    settings,
    async ({ stores, genesys, clock, logger, policy, onStop }) => {
      edge = createTeamsEdge({
        auth: settings.bot,
        stores,
        directory: genesys.directory,
        actions: () => {
          if (!late.monitor) throw new Error('card action before the drift monitor started');
          return late.monitor;
        },
        clock,
        logger: logger.child({ component: 'teams' }),
        teamsTenantRps: settings.notifications.teamsTenantRps,
        teamsJitterAllowanceInMs: settings.notifications.teamsJitterAllowanceMs,
        routing: settings.routing,
        userEmail: genesysUserEmail(genesys.rest),
        tenantId: settings.bot.tenantId ?? overrides.teamsTenantId,
        slackWebhookUrl: settings.notifications.slackWebhookUrl,
        wfmUrl: settings.notifications.genesysWfmUrl,
        thresholdsFor: (unitId, category) => resolveThresholds(policy, unitId, category),
        tabs: {
          settings: settings.tabs,
          localPeople: () => localPeople(genesys.directory, late.simulator),
          refreshAfterMs: overrides.tabsRefreshAfterMs,
        },
      });
      const started = await edge.startServer({
        port: settings.bot.port,
        opsPort: settings.bot.metricsPort,
        host: overrides.host,
        readiness: () => ({ store: true, genesys: genesys.isStreaming() }),
        metrics: () => ({ genesys: genesys.metrics }),
      });
      server = started;
      onStop(() => started.close());
      logger.info({ url: `${started.url}/api/messages` }, 'bot listening');
      return edge.notifier;
    },
    overrides,
  );
  late.monitor = core.monitor;
  late.simulator = core.simulator;
  if (!edge || !server) throw new Error('the Teams edge did not start');
  return { ...core, edge, server };
}

/** Local mode's people to choose from on the tab pages: the simulator's supervisors (when it runs here) and agents. */
function localPeople(
  directory: GenesysAdherenceClient['directory'],
  simulator: RunningSimulator | undefined,
): LocalPerson[] {
  const people = defaultLocalPeople(directory);
  if (!simulator) return people;
  const teams = simulator.control.listTeams();
  const supervisors: LocalPerson[] = simulator.control.listSupervisors().map((supervisor) => ({
    id: `supervisor:${supervisor.id}`,
    name: supervisor.name,
    email: supervisor.email,
    role: 'supervisor',
    detail:
      teams
        .filter((team) => team.supervisorId === supervisor.id)
        .map((team) => team.name)
        .join(', ') || supervisor.title,
  }));
  return [...supervisors, ...people.filter((person) => person.role === 'agent')];
}
