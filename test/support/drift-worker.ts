import { startApplication } from '../../bot/application';
import { readSettings } from '../../src/config/settings';
import { createLogger } from '../../src/platform/logger';
import { ConnectorNotifier } from './connector-notifier';

/**
 * A child-process entry for the restart and replica tests: the product started by the production composition
 * (bot/application.ts: stores, Genesys discovery, drift policy, drift monitor with unit leases and the schedule
 * pre-check, the bot server on a free loopback port), with a notifier posting to a Bot Connector stand-in. Settings
 * come from `process.env`. Logs JSON lines on stdout; SIGTERM drains it as bot/main.ts does
 * (src/app/drain-instance.ts) and exits 0. Test-only knobs: LEASE_TTL_MS, LEASE_RENEW_MS, LEASE_WATCH_MS.
 */
async function main(): Promise<void> {
  const settings = readSettings({ PORT: '0', ...process.env });
  if (settings.genesys.mode !== 'cloud')
    throw new Error('drift-worker needs GENESYS_API_URL and the other GENESYS_* settings');
  const logger = createLogger({ level: settings.logLevel, name: 'drift-worker' }).child({
    instanceId: settings.instanceId,
    pid: process.pid,
  });
  const app = await startApplication(settings, {
    logger,
    host: '127.0.0.1',
    notifier: ({ stores }) => new ConnectorNotifier(stores),
    leases: {
      ttlMs: numberFrom(process.env.LEASE_TTL_MS),
      renewEveryMs: numberFrom(process.env.LEASE_RENEW_MS),
      watchEveryMs: numberFrom(process.env.LEASE_WATCH_MS),
    },
  });
  logger.info({ units: app.genesys.directory.listUnits().length }, 'drift worker started');

  let isStopping = false;
  const stop = async (): Promise<void> => {
    if (isStopping) return;
    isStopping = true;
    await app.stop();
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
