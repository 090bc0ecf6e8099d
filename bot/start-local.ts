import { readSettings } from '../src/config/settings';
import { ConfigError } from '../src/platform/errors';
import { startApplication } from './application';
import { startAgentsPlayground } from './dev/agents-playground';
import type { AgentsPlayground } from './dev/agents-playground';
import { AgentsPlaygroundClient } from './dev/agents-playground-client';
import {
  LOCAL_DEMO_SETTINGS,
  LOCAL_DEMO_SIMULATOR,
  PLAYGROUND_TENANT_ID,
  runLocalDemo,
} from './dev/local-demo';

/**
 * `npm start`: the whole product on embedded defaults — the Genesys Cloud simulator, Azurite (data in .data/azurite),
 * the bot on PORT, and Microsoft 365 Agents Playground as the Teams client — with a short demo script: the app is
 * installed for the signed-in Playground user and the team, the General channel watches all units, and two agents
 * start drifting so a nudge and supervisor cards arrive within two minutes.
 */

// Shorter than the product defaults (6/10 min) so a newcomer sees cards within two minutes; any DRIFT_* set wins.
const DEMO_THRESHOLDS = {
  DRIFT_NUDGE_AFTER: 'PT45S',
  DRIFT_SUPERVISOR_AFTER: 'PT75S',
  DRIFT_EXCEPTION_AFTER: 'PT3M',
};

async function main(): Promise<void> {
  const env = { ...DEMO_THRESHOLDS, ...LOCAL_DEMO_SETTINGS, ...withoutEmpty(process.env) };
  let settings;
  try {
    settings = readSettings(env);
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message);
      process.exit(1);
    }
    throw error;
  }
  const isLocalGenesys = settings.genesys.mode === 'local';
  const startedAt = Date.now();
  // With an empty BOT_ID the edge listens on loopback only (it takes unauthenticated requests then).
  const app = await startApplication(settings, {
    simulator: LOCAL_DEMO_SIMULATOR,
    teamsTenantId: PLAYGROUND_TENANT_ID,
  });
  let playground: AgentsPlayground | undefined;
  const stop = (code: number): void => {
    void (async () => {
      await playground?.stop();
      await app.stop();
      process.exit(code);
    })();
  };
  process.on('SIGINT', () => stop(0));
  process.on('SIGTERM', () => stop(0));
  try {
    playground = await startAgentsPlayground({
      botEndpoint: `${app.server.url}/api/messages`,
      port: Number(process.env.PLAYGROUND_PORT ?? 56150),
    });
    await runLocalDemo(app, new AgentsPlaygroundClient(playground.url), { isLocalGenesys });
    const seconds = ((Date.now() - startedAt) / 1000).toFixed(1);
    console.log(
      [
        '',
        `Adherence Drift is running (${seconds} s). Open Microsoft 365 Agents Playground: ${playground.url}`,
        `  bot: ${app.server.url}/api/messages   health: ${app.server.url}/readyz   metrics: ${app.server.url}/metrics`,
        isLocalGenesys
          ? `  Genesys Cloud simulator: ${app.simulator?.apiUrl} (control API under /_simulator/)`
          : '  Genesys Cloud: the org in GENESYS_* settings',
        `  thresholds: nudge ${env.DRIFT_NUDGE_AFTER}, supervisor ${env.DRIFT_SUPERVISOR_AFTER} (demo values; set DRIFT_* to change)`,
        '  Personal chat (Alex Wilber): the private nudge arrives there. Team "My Team", channel General: supervisor cards.',
        `  Tabs (choose who you are on the page): supervisor board ${app.server.url}/tabs/board   my drift window ${app.server.url}/tabs/me`,
        `  Report API: ${app.server.url}/api/reports/drift?from=<ISO-8601 or epoch ms>&to=...&managementUnit=<id>`,
        '  Press Ctrl+C to stop.',
      ].join('\n'),
    );
  } catch (error) {
    console.error('npm start failed:', error instanceof Error ? error.message : error);
    stop(1);
  }
}

function withoutEmpty(env: NodeJS.ProcessEnv): Record<string, string> {
  return Object.fromEntries(
    Object.entries(env).filter(
      (entry): entry is [string, string] => entry[1] !== undefined && entry[1] !== '',
    ),
  );
}

main().catch((error: unknown) => {
  console.error(error instanceof ConfigError ? error.message : error);
  process.exit(1);
});
