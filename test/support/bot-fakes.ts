import { newOutboxAlert } from '../../src/app/outbox-alert';
import type { ActionOutcome, ActionSink } from '../../src/app/ports/action-sink';
import type { AgentProfile, ManagementUnitProfile } from '../../src/app/ports/agent-directory';
import type { AlertOutbox, OutboxAlert } from '../../src/app/ports/alert-outbox';
import type { DriftStateStore } from '../../src/app/ports/drift-state-store';
import type { DriftAction, DriftCommand } from '../../src/domain/drift-commands';
import { applyAction } from '../../src/domain/drift-engine';
import type { DriftEpisode } from '../../src/domain/drift-episode';
import type { DriftPolicy } from '../../src/domain/drift-policy';
import type { TeamAwareDirectory } from '../../bot/commands/watch-target-resolver';
import { makePolicy } from './drift-fixtures';

/** A directory fake with a fixed list of agents, units and activity codes. */
export class FakeDirectory implements TeamAwareDirectory {
  constructor(
    readonly agents: AgentProfile[] = [],
    readonly units: ManagementUnitProfile[] = [],
    readonly codes: Record<string, string> = {},
  ) {}

  getAgent(agentId: string): AgentProfile | undefined {
    return this.agents.find((agent) => agent.id === agentId);
  }

  findAgentByEmail(email: string): AgentProfile | undefined {
    return this.agents.find((agent) => agent.email?.toLowerCase() === email.toLowerCase());
  }

  getUnit(managementUnitId: string): ManagementUnitProfile | undefined {
    return this.units.find((unit) => unit.id === managementUnitId);
  }

  listUnits(): readonly ManagementUnitProfile[] {
    return this.units;
  }

  activityCodeName(activityCodeId: string): string | undefined {
    return this.codes[activityCodeId];
  }

  listAgents(): readonly AgentProfile[] {
    return this.agents;
  }
}

/** The example contact centre: two units, three agents in two teams. */
export function exampleDirectory(): FakeDirectory {
  return new FakeDirectory(
    [
      {
        id: 'agent-ana',
        name: 'Ana Alvarez',
        email: 'ana.alvarez@contoso.com',
        managementUnitId: 'mu-north',
        teamId: 'team-red',
        teamName: 'Red Team',
      },
      {
        id: 'agent-ben',
        name: 'Ben Brown',
        email: 'ben.brown@contoso.com',
        managementUnitId: 'mu-north',
        teamId: 'team-blue',
        teamName: 'Blue Team',
      },
      {
        id: 'agent-cai',
        name: 'Cai Chen',
        email: 'cai.chen@contoso.com',
        managementUnitId: 'mu-south',
        teamId: 'team-green',
        teamName: 'Green Team',
      },
    ],
    [
      { id: 'mu-north', name: 'North', timeZone: 'Europe/Dublin' },
      { id: 'mu-south', name: 'South' },
    ],
    { 'code-onqueue': 'Phones' },
  );
}

/**
 * An ActionSink fake that runs the real pure drift core on a state store (as the monitor would, without the
 * scheduler or outbox), records every action and hands the commands it produced to `onCommands`.
 */
export class EngineActionSink implements ActionSink {
  readonly actions: DriftAction[] = [];

  constructor(
    private readonly store: DriftStateStore,
    private readonly policy: DriftPolicy = makePolicy(),
    private readonly onCommands: (commands: readonly DriftCommand[]) => Promise<void> = async () => undefined,
  ) {}

  async act(managementUnitId: string, agentId: string, action: DriftAction): Promise<ActionOutcome> {
    this.actions.push(action);
    let commands: readonly DriftCommand[] = [];
    const outcome = await this.store.modify({ managementUnitId, agentId }, (current) => {
      const decision = applyAction(current, action, this.policy, action.at);
      commands = decision.commands;
      const episode = decision.result === 'stale' ? undefined : decision.state?.episode;
      return { next: decision.state, result: { result: decision.result, episode } };
    });
    await this.onCommands(commands);
    return outcome;
  }
}

/** An open episode of Ana in unit North, nudged and alerted. */
export function openEpisode(overrides: Partial<DriftEpisode> = {}): DriftEpisode {
  const driftStartedAt = Date.UTC(2026, 7, 20, 10, 3, 0);
  return {
    id: `agent-ana:${driftStartedAt}`,
    agentId: 'agent-ana',
    managementUnitId: 'mu-north',
    teamId: 'team-red',
    driftStartedAt,
    scheduledActivityCategory: 'OnQueueWork',
    scheduledActivityCodeId: 'code-onqueue',
    actualActivityCategory: 'Break',
    stage: 'supervisorAlerted',
    nudgedAt: driftStartedAt + 6 * 60_000,
    supervisorAlertedAt: driftStartedAt + 10 * 60_000,
    scheduleCoverage: 'clear',
    ...overrides,
  };
}

/** Puts an outbox row for the episode straight into the ledger as sent (or dead-lettered) where the test says. */
export async function recordRow(
  outbox: AlertOutbox,
  episode: DriftEpisode,
  kind: OutboxAlert['kind'],
  recipient: OutboxAlert['recipient'],
  landing: {
    conversationId?: string;
    activityId?: string;
    status?: OutboxAlert['status'];
    lastError?: string;
  },
): Promise<OutboxAlert> {
  const row = newOutboxAlert(episode, kind, recipient, episode.driftStartedAt);
  await outbox.enqueue(row);
  const stored = (await outbox.get(row.id))!;
  const next = {
    ...stored,
    status: landing.status ?? 'sent',
    conversationId: landing.conversationId,
    activityId: landing.activityId,
    lastError: landing.lastError,
    attempts: 1,
  };
  await outbox.update(next);
  return (await outbox.get(row.id))!;
}

/** Entra object ids (GUIDs, as Teams sends them) of the example people. */
export const AAD = Object.freeze({
  ana: '0a0a0a0a-0000-4000-8000-00000000a0a0',
  ben: '0b0b0b0b-0000-4000-8000-00000000b0b0',
  cai: '0c0c0c0c-0000-4000-8000-00000000c0c0',
  sup: '05050505-0000-4000-8000-000000005050',
  x: '0f0f0f0f-0000-4000-8000-00000000f0f0',
});
