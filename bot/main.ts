import { readSettings } from '../src/config/settings';
import { ConfigError } from '../src/platform/errors';
import { startTimer } from '../src/platform/timers';
import { startApplication } from './application';

/**
 * Longest a stop may take before the process exits anyway. Hosts send SIGKILL after their grace period (30 s by
 * default on Azure Container Apps and Kubernetes); the drain itself takes well under a second unless a Teams request
 * hangs, and then waits at most 5 s for it (src/app/drain-instance.ts).
 */
const STOP_LIMIT_MS = 9_500;

/**
 * The process entry: reads and validates every setting (a bad one is named, with all others, and the process exits
 * with 1), starts the product, and on SIGTERM or SIGINT drains it (no new units, sends finished or handed back, leases
 * released for another replica) and exits 0; 1 if stopping failed or outlasted {@link STOP_LIMIT_MS}.
 */
async function main(): Promise<void> {
  let settings;
  try {
    settings = readSettings(process.env);
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message);
      process.exit(1);
    }
    throw error;
  }
  const app = await startApplication(settings);
  let stopping = false;
  const stop = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    app.logger.info({ signal, limitMs: STOP_LIMIT_MS }, 'stopping');
    startTimer(
      () => {
        app.logger.error({ limitMs: STOP_LIMIT_MS }, 'stopping took too long; exiting anyway');
        process.exit(1);
      },
      STOP_LIMIT_MS,
      true,
    );
    app.stop().then(
      () => {
        app.logger.info({ signal }, 'stopped');
        process.exit(0);
      },
      () => process.exit(1),
    );
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}

main().catch((error: unknown) => {
  console.error(error instanceof ConfigError ? error.message : error);
  process.exit(1);
});
