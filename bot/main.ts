import { readSettings } from '../src/config/settings';
import { ConfigError } from '../src/platform/errors';
import { startApplication } from './application';

/**
 * The process entry: reads and validates every setting (a bad one is named, with all others, and the process exits
 * with 1), starts the product, and stops it cleanly on SIGINT or SIGTERM.
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
    app.logger.info({ signal }, 'stopping');
    app.stop().then(
      () => process.exit(0),
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
