import type { Settings } from '../src/config/settings';
import type { GenesysClientOptions } from '../src/genesys/genesys-client-options';
import type { PlatformLogger } from '../src/platform/logger';
import type { RunningSimulator } from '../src/simulator/genesys-simulator';
import { startGenesysSimulator } from '../src/simulator/genesys-simulator';
import type { SimulatorOptions } from '../src/simulator/simulator-options';

/** Where the Genesys client connects, and the simulator behind it in local mode (stop it with the application). */
export interface GenesysSource {
  readonly options: GenesysClientOptions;
  readonly simulator?: RunningSimulator;
}

/**
 * The Genesys org of the `GENESYS_*` settings, or, with none, a Genesys Cloud simulator started here (local mode).
 * `overrides` are the client's tunables (tests shorten liveness timers) and the simulator's options.
 */
export async function openGenesysSource(
  settings: Settings,
  overrides: { readonly genesys?: Partial<GenesysClientOptions>; readonly simulator?: SimulatorOptions },
  logger: PlatformLogger,
): Promise<GenesysSource> {
  const genesys = settings.genesys;
  const watched: Pick<GenesysClientOptions, 'managementUnitIds' | 'directoryRefreshIntervalInMs'> = {
    managementUnitIds: genesys.managementUnitIds,
    directoryRefreshIntervalInMs: genesys.directoryRefreshMs,
  };
  if (genesys.mode === 'cloud') {
    const { apiUrl, loginUrl, clientId, clientSecret } = genesys;
    return { options: { apiUrl, loginUrl, clientId, clientSecret, ...watched, ...overrides.genesys } };
  }
  const simulator = await startGenesysSimulator({ scenario: 'shift', ...overrides.simulator });
  logger.info(
    { apiUrl: simulator.apiUrl },
    'local mode: no GENESYS_* settings, started the Genesys Cloud simulator',
  );
  const { apiUrl, loginUrl, clientId, clientSecret } = simulator;
  return {
    simulator,
    options: { apiUrl, loginUrl, clientId, clientSecret, ...watched, ...overrides.genesys },
  };
}
