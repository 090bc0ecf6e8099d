/**
 * The local demo script shared by `npm start` and the browser test: simulator options that give the Agents
 * Playground's users Genesys identities, and the steps that make cards arrive (install, `watch all`, two drifts).
 */
import type { RunningApplication } from '../application';
import type { AgentView } from '../../src/simulator/simulator-control';
import type { SimulatorOptions } from '../../src/simulator/simulator-options';
import type { AgentsPlaygroundClient, PlaygroundConfig } from './agents-playground-client';

// The Agents Playground 0.2.28 built-in tenant (its dist/index.js default config). The first simulator agents take these
// identities, so the bot links the Playground's users to Genesys agents by email, as it does in a real tenant.
const PLAYGROUND_USERS = [
  { name: 'Alex Wilber', email: 'alexw@example.com' },
  { name: 'Megan Bowen', email: 'meganb@example.com' },
  { name: 'Adele Vance', email: 'adelev@example.com' },
  { name: 'Isaiah Langer', email: 'isaiahl@example.com' },
  { name: 'Patti Fernandez', email: 'pattif@example.com' },
  { name: 'Lynne Robbins', email: 'lynner@example.com' },
];

/** The Agents Playground 0.2.28 built-in tenant id (its default config); channel commands answer only in it locally. */
export const PLAYGROUND_TENANT_ID = '00000000-0000-0000-0000-0000000000001';

/**
 * Settings of the demo: an explicit local run (no Bot Framework identity, loopback only), and the Playground's
 * signed-in user (Alex Wilber) as the one person who may route alerts with `watch`. Any value set in the environment wins.
 */
export const LOCAL_DEMO_SETTINGS: Readonly<Record<string, string>> = Object.freeze({
  LOCAL_MODE: 'true',
  WATCH_ADMINS: PLAYGROUND_USERS[0].email,
});

// A seed whose first agent (Alex Wilber in the demo) is on a working shift at any start time: the simulator lays
// shifts out relative to its start instant, so this holds whenever the demo runs.
const DEMO_SEED = 'demo-1';

/** Simulator options of the demo: the realistic shift, a fixed seed, and the Playground users as the first agents. */
export const LOCAL_DEMO_SIMULATOR: SimulatorOptions = Object.freeze({
  scenario: 'shift',
  seed: DEMO_SEED,
  agentIdentities: PLAYGROUND_USERS,
});

/** What {@link runLocalDemo} did: the Playground tenant it read and the agents it sent away (the signed-in user first). */
export interface LocalDemo {
  readonly config: PlaygroundConfig;
  readonly driftingAgents: readonly AgentView[];
}

/**
 * Installs the app where the Playground shows it (personal chat, first team), makes the team's General channel watch
 * all units (a bot mention, as Teams requires in channels), and, with the embedded simulator, starts two drifts: the
 * signed-in Playground user's agent and one on-queue agent outside the Playground tenant.
 */
export async function runLocalDemo(
  app: RunningApplication,
  client: AgentsPlaygroundClient,
  options: { readonly isLocalGenesys: boolean },
): Promise<LocalDemo> {
  const config = await client.getConfig();
  const team = config.teams[0];
  await client.installApp(config.personalChat.id);
  if (team) {
    await client.installApp(team.id);
    // Sent as the signed-in user, the one WATCH_ADMINS names in the demo.
    await client.sendMessage(team.id, 'watch all', {
      fromUserId: config.currentUser.id,
      mentionBot: config.bot,
    });
  }
  if (!options.isLocalGenesys || !app.simulator) return { config, driftingAgents: [] };
  const control = app.simulator.control;
  const agents = control.listAgents();
  const alex = agents.find((agent) => agent.email === config.currentUser.email?.toLowerCase());
  const other = agents.find(
    (agent) =>
      agent !== alex &&
      agent.scheduledActivityCategory === 'OnQueueWork' &&
      !PLAYGROUND_USERS.some((user) => user.email === agent.email),
  );
  const driftingAgents: AgentView[] = [];
  // Away while scheduled to work: out of adherence from now, as Genesys would report it.
  for (const agent of [alex, other]) {
    if (agent)
      driftingAgents.push(
        control.setAgentActivity(agent.id, { systemPresence: 'Away', routingStatus: 'OFF_QUEUE' }),
      );
  }
  return { config, driftingAgents };
}
