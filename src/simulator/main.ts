import { startGenesysSimulator } from './genesys-simulator';
import { readSimulatorCliOptions } from './simulator-options';
import { describeError } from '../platform/describe-error';

/** CLI: starts the simulator, prints `{apiUrl, loginUrl, clientId, clientSecret, ...}` as one JSON line, runs until SIGINT/SIGTERM. */
export async function runSimulatorCli(argv: readonly string[], env: NodeJS.ProcessEnv): Promise<void> {
  const options = readSimulatorCliOptions(argv, env);
  const simulator = await startGenesysSimulator(options);
  const clock = simulator.control.clock();
  process.stdout.write(
    `${JSON.stringify({ apiUrl: simulator.apiUrl, loginUrl: simulator.loginUrl, clientId: simulator.clientId, clientSecret: simulator.clientSecret, controlUrl: `${simulator.apiUrl}/_simulator`, startAt: clock.now, timeScale: clock.timeScale, scenario: options.scenario ?? 'idle', seed: options.seed ?? 1 })}\n`,
  );
  const shutdown = (): void => {
    void simulator.stop().then(() => process.exit(0));
  };
  process.once('SIGINT', shutdown);
  process.once('SIGTERM', shutdown);
}

if (require.main === module) {
  runSimulatorCli(process.argv.slice(2), process.env).catch((error: unknown) => {
    process.stderr.write(`${describeError(error)}\n`);
    process.exit(1);
  });
}
