import { startApplication, type ApplicationOverrides, type RunningApplication } from '../../bot/application';
import { readSettings } from '../../src/config/settings';
import type { LogLevel } from '../../src/platform/logger';
import { createLogger } from '../../src/platform/logger';
import { startGenesysSimulator, type RunningSimulator } from '../../src/simulator/genesys-simulator';
import type { SimulatorOptions } from '../../src/simulator/simulator-options';
import { randomTablePrefix, sharedAzurite } from './azurite';
import { FakeBotConnector } from './fake-bot-connector';

/** The whole product over HTTP, as the end-to-end tests run it. */
export interface E2eStack {
  readonly simulator: RunningSimulator;
  readonly connector: FakeBotConnector;
  readonly app: RunningApplication;
  /** The application's log lines (JSON), for a failing test to print. */
  readonly logLines: string[];
  stop(): Promise<void>;
}

/** What differs between end-to-end suites. */
export interface E2eStackOptions {
  /** Simulator seed; the first agent takes `agent`'s identity. */
  readonly simulatorSeed: string;
  readonly agent: { readonly name: string; readonly email: string };
  /** Settings on top of the simulator, Azurite (random TABLE_PREFIX), PORT=0 and LOCAL_MODE=true. */
  readonly env: Readonly<Record<string, string>>;
  readonly logLevel: LogLevel;
  /** Names the instance and the logger. */
  readonly name: string;
  readonly host?: string;
  /** Most log lines kept. */
  readonly maxLogLines?: number;
  /** Simulator time: a manual clock (moved only by `control.advance`) and its start instant. */
  readonly simulator?: Pick<SimulatorOptions, 'manualClock' | 'startAt'>;
  /** More application overrides (the digest's manual clock). */
  readonly overrides?: Omit<ApplicationOverrides, 'logger' | 'host'>;
}

/**
 * Starts the Genesys simulator (idle scenario), a Bot Connector stand-in and the application on the shared Azurite
 * with its own table prefix, as a local run (no Bot Framework identity). `stop` stops all three.
 */
export async function startE2eStack(options: E2eStackOptions): Promise<E2eStack> {
  const azurite = await sharedAzurite();
  const connector = new FakeBotConnector();
  await connector.start();
  const simulator = await startGenesysSimulator({
    seed: options.simulatorSeed,
    scenario: 'idle',
    agentIdentities: [options.agent],
    ...options.simulator,
  });
  const tablePrefix = randomTablePrefix();
  const settings = readSettings(
    {
      GENESYS_API_URL: simulator.apiUrl,
      GENESYS_LOGIN_URL: simulator.loginUrl,
      GENESYS_CLIENT_ID: simulator.clientId,
      GENESYS_CLIENT_SECRET: simulator.clientSecret,
      AZURE_TABLES_CONNECTION_STRING: azurite.connectionString,
      TABLE_PREFIX: tablePrefix,
      PORT: '0',
      // A local run: no Bot Framework identity, so the bot listens on loopback only.
      LOCAL_MODE: 'true',
      INSTANCE_ID: `${options.name}-${tablePrefix}`,
      ...options.env,
    },
    { hostname: options.name, pid: process.pid },
  );
  const logLines: string[] = [];
  const maxLogLines = options.maxLogLines ?? Number.POSITIVE_INFINITY;
  const logger = createLogger({
    level: options.logLevel,
    name: `adherence-drift-${options.name}`,
    destination: { write: (line: string) => void (logLines.length < maxLogLines && logLines.push(line)) },
  });
  let app: RunningApplication;
  try {
    app = await startApplication(settings, {
      ...options.overrides,
      logger,
      ...(options.host ? { host: options.host } : {}),
    });
  } catch (error) {
    await simulator.stop();
    await connector.stop();
    throw error;
  }
  return {
    simulator,
    connector,
    app,
    logLines,
    stop: async () => {
      await app.stop();
      await simulator.stop();
      await connector.stop();
    },
  };
}
