import type { AgentView } from '../../src/simulator/simulator-control';
import { startGenesysSimulator, type RunningSimulator } from '../../src/simulator/genesys-simulator';
import { createTableStores, type TableStoreSet } from '../../src/storage/table-stores';
import { TableService } from '../../src/storage/table-service';
import { randomTablePrefix, sharedAzurite } from './azurite';
import {
  startBotConnectorRecorder,
  type BotConnectorRecorder,
  type RecordedActivity,
} from './bot-connector-recorder';
import type { AlertChannelData } from './connector-notifier';

/** Thresholds the worker children run with (real time), in ms and as settings. */
export const WORLD_THRESHOLDS = {
  nudgeAfterMs: 3_000,
  supervisorAfterMs: 5_000,
  exceptionAfterMs: 8_000,
} as const;

const SUPERVISOR_CHANNEL = 'channel:19:supervisors@thread.tacv2';

/** Everything a restart or replica test needs around the worker children: simulator, Azurite tables, Teams stand-in. */
export interface DriftWorld {
  readonly sim: RunningSimulator;
  readonly recorder: BotConnectorRecorder;
  readonly stores: TableStoreSet;
  readonly tablePrefix: string;
  /** The environment of a worker child (add INSTANCE_ID). */
  readonly env: Readonly<Record<string, string>>;
  /** Posted messages (not card updates) with the outbox row they carried. */
  messages(): { readonly activity: RecordedActivity; readonly alert: AlertChannelData }[];
  stop(): Promise<void>;
}

/**
 * Starts the simulator (real-time clock, idle scenario: only the test moves agents), a Bot Connector stand-in and a
 * fresh table prefix on the shared Azurite, and seeds a personal conversation per agent and one channel watching all
 * units, so every nudge and supervisor alert has somewhere to land.
 */
export async function startDriftWorld(simulator: {
  units: number;
  agentsPerUnit: number;
  seed: number;
}): Promise<DriftWorld> {
  const sim = await startGenesysSimulator({ port: 0, scenario: 'idle', timeScale: 1, ...simulator });
  const recorder = await startBotConnectorRecorder();
  const azurite = await sharedAzurite();
  const tablePrefix = randomTablePrefix();
  const stores = await createTableStores(
    TableService.create({ connectionString: azurite.connectionString, tablePrefix }),
  );
  const now = Date.now();
  for (const agent of sim.control.listAgents()) {
    await stores.conversations.upsert({
      key: `aad-${agent.id}`,
      kind: 'personal',
      serviceUrl: recorder.serviceUrl,
      conversationId: `a:personal-${agent.id}`,
      reference: {},
      aadObjectId: `aad-${agent.id}`,
      email: agent.email,
      agentId: agent.id,
      updatedAt: now,
    });
  }
  await stores.conversations.upsert({
    key: SUPERVISOR_CHANNEL,
    kind: 'channel',
    serviceUrl: recorder.serviceUrl,
    conversationId: '19:supervisors@thread.tacv2',
    reference: {},
    channelId: '19:supervisors@thread.tacv2',
    updatedAt: now,
  });
  await stores.routes.upsert({
    scope: 'all',
    targetId: '*',
    conversationKey: SUPERVISOR_CHANNEL,
    createdAt: now,
  });
  const env = {
    GENESYS_API_URL: sim.apiUrl,
    GENESYS_LOGIN_URL: sim.loginUrl,
    GENESYS_CLIENT_ID: sim.clientId,
    GENESYS_CLIENT_SECRET: sim.clientSecret,
    AZURE_TABLES_CONNECTION_STRING: azurite.connectionString,
    TABLE_PREFIX: tablePrefix,
    DRIFT_NUDGE_AFTER: 'PT3S',
    DRIFT_SUPERVISOR_AFTER: 'PT5S',
    DRIFT_EXCEPTION_AFTER: 'PT8S',
    // A restart restores every agent at once; that is not a mass schedule change.
    DRIFT_MASS_CHANGE_AGENTS: '100000',
    LOG_LEVEL: 'info',
    NODE_ENV: 'test',
  };
  return {
    sim,
    recorder,
    stores,
    tablePrefix,
    env,
    messages: () =>
      recorder.activities
        .filter((activity) => activity.method === 'POST')
        .map((activity) => ({ activity, alert: (activity.body.channelData ?? {}) as AlertChannelData })),
    stop: async () => {
      await recorder.stop();
      await sim.stop();
    },
  };
}

/** Agents scheduled on queue and in adherence now, so sending one on break is a drift the test controls. */
export function onQueueAgents(sim: RunningSimulator): AgentView[] {
  return sim.control
    .listAgents()
    .filter(
      (agent) => agent.scheduledActivityCategory === 'OnQueueWork' && agent.adherenceState === 'InAdherence',
    );
}

/** Sends an agent on an unscheduled break; returns Genesys's adherenceChangeTime of the drift (epoch ms). */
export function startDrift(sim: RunningSimulator, agentId: string): number {
  const view = sim.control.setAgentActivity(agentId, {
    systemPresence: 'Break',
    routingStatus: 'OFF_QUEUE',
    actualActivityCategory: 'Break',
  });
  return Date.parse(view.adherenceChangeTime);
}

/** Brings an agent back to their schedule; returns the adherenceChangeTime of the return (epoch ms). */
export function endDrift(sim: RunningSimulator, agentId: string): number {
  return Date.parse(sim.control.setAgentActivity(agentId, { followSchedule: true }).adherenceChangeTime);
}
