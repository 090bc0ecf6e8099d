import { drainInstance } from '../../src/app/drain-instance';
import { DriftMonitor } from '../../src/app/drift-monitor';
import { UnitOwnership } from '../../src/app/unit-ownership';
import { buildDriftPolicy } from '../../src/config/drift-policy-builder';
import { readSettings } from '../../src/config/settings';
import { GenesysAdherenceClient } from '../../src/genesys/genesys-adherence-client';
import { createLogger } from '../../src/platform/logger';
import { SystemClock } from '../../src/platform/system-clock';
import { TimerScheduler } from '../../src/platform/timer-scheduler';
import { openTableStorage } from '../../src/storage/open-table-storage';
import { ConnectorNotifier } from './connector-notifier';

/**
 * A child-process entry for the restart and replica tests: the product's core composed from settings in
 * `process.env` (Table stores, Genesys client, drift monitor with unit leases, a notifier posting to a Bot Connector
 * stand-in), with the start order a restart needs. Logs JSON lines on stdout; SIGTERM drains it as bot/main.ts does
 * (src/app/drain-instance.ts) and exits 0. Test-only knobs: LEASE_TTL_MS, LEASE_RENEW_MS, LEASE_WATCH_MS.
 */
async function main(): Promise<void> {
  const settings = readSettings(process.env);
  if (settings.genesys.mode !== 'cloud')
    throw new Error('drift-worker needs GENESYS_API_URL and the other GENESYS_* settings');
  const logger = createLogger({ level: settings.logLevel, name: 'drift-worker' }).child({
    instanceId: settings.instanceId,
    pid: process.pid,
  });
  const clock = new SystemClock();
  const scheduler = new TimerScheduler({ clock, logger: logger.child({ component: 'scheduler' }) });
  const storage = await openTableStorage(settings.storage, { clock });
  const stores = storage.stores;
  const { apiUrl, loginUrl, clientId, clientSecret, managementUnitIds } = settings.genesys;
  const genesys = new GenesysAdherenceClient(
    { apiUrl, loginUrl, clientId, clientSecret, managementUnitIds },
    { clock, logger },
  );
  await genesys.discover();
  const { policy } = buildDriftPolicy(settings, { activityCodes: [], units: [] });
  const ownership = new UnitOwnership({
    leases: stores.leases,
    clock,
    scheduler,
    logger,
    instanceId: settings.instanceId,
    unitIds: genesys.directory.listUnits().map((unit) => unit.id),
    restoreUnit: (unitId) => genesys.restoreUnit(unitId),
    ttlMs: numberFrom(process.env.LEASE_TTL_MS),
    renewEveryMs: numberFrom(process.env.LEASE_RENEW_MS),
    watchEveryMs: numberFrom(process.env.LEASE_WATCH_MS),
  });
  const monitor = new DriftMonitor({
    clock,
    scheduler,
    stateStore: stores.driftState,
    outbox: stores.outbox,
    notifier: new ConnectorNotifier(stores),
    history: stores.history,
    logger,
    policy,
    directory: genesys.directory,
    ownsUnit: ownership.ownsUnit,
  });
  // Order matters on a restart: the stream first (nothing is owned yet, so its first restore is dropped), then the
  // leases; each unit taken is restored from Genesys and only then adopted, so a check that fell due while the process
  // was down never fires before Genesys has said whether the agent is still drifting.
  await genesys.start(monitor);
  await monitor.start();
  ownership.start(monitor);
  logger.info({ units: genesys.directory.listUnits().length }, 'drift worker started');

  let isStopping = false;
  const stop = async (): Promise<void> => {
    if (isStopping) return;
    isStopping = true;
    await drainInstance(
      {
        stopAcquiring: () => ownership.stopAcquiring(),
        stopIntake: () => genesys.stop(),
        finishWork: () => monitor.stop(),
        releaseLeases: () => ownership.stop(),
      },
      { clock, scheduler, logger },
    );
    scheduler.dispose();
    await storage.close();
    logger.info('drift worker stopped');
    process.exit(0);
  };
  process.once('SIGTERM', () => void stop());
  process.once('SIGINT', () => void stop());
}

function numberFrom(text: string | undefined): number | undefined {
  return text === undefined || text === '' ? undefined : Number(text);
}

main().catch((error: unknown) => {
  process.stderr.write(`drift-worker failed: ${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});
