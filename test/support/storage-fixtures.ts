import { newOutboxAlert } from '../../src/app/outbox-alert';
import type { OutboxAlert } from '../../src/app/ports/alert-outbox';
import type { AgentDriftState, DriftEpisode } from '../../src/domain/drift-episode';

/** 2023-11-14T22:13:20Z: well above 2^31, so it would come back as an Int64 if stored as a plain integer. */
export const baseInstant = 1_700_000_000_000;
export const dayInMs = 86_400_000;

/** An open episode with every optional part filled, so round-trips cover nested objects. */
export function anEpisode(overrides: Partial<DriftEpisode> = {}): DriftEpisode {
  const agentId = overrides.agentId ?? 'agent-1';
  const driftStartedAt = overrides.driftStartedAt ?? baseInstant;
  return {
    id: `${agentId}:${driftStartedAt}`,
    agentId,
    managementUnitId: 'mu-1',
    teamId: 'team-1',
    driftStartedAt,
    scheduledActivityCategory: 'OnQueueWork',
    scheduledActivityCodeId: '0',
    actualActivityCategory: 'Break',
    stage: 'supervisorAlerted',
    nudgedAt: driftStartedAt + 120_000,
    supervisorAlertedAt: driftStartedAt + 300_000,
    acknowledged: { by: { id: 'sup-1', name: 'Sam Supervisor' }, at: driftStartedAt + 320_000 },
    agentReply: {
      by: { id: 'aad-1' },
      at: driftStartedAt + 200_000,
      reason: 'longCustomerInteraction',
      text: 'Caller "Ünïcødé" ✓',
    },
    scheduleCoverage: 'clear',
    ...overrides,
  };
}

/** A drift state with an open episode and absolute due instants. */
export function aState(overrides: Partial<AgentDriftState> = {}): AgentDriftState {
  const agentId = overrides.agentId ?? 'agent-1';
  const managementUnitId = overrides.managementUnitId ?? 'mu-1';
  return {
    agentId,
    managementUnitId,
    teamId: 'team-1',
    lastAdherenceState: 'OutOfAdherence',
    lastAdherenceChangedAt: baseInstant,
    lastObservedAt: baseInstant + 1,
    episode: anEpisode({ agentId, managementUnitId }),
    snoozedUntil: baseInstant + 900_000,
    nextDueAt: baseInstant + 600_000,
    ...overrides,
  };
}

/** A pending outbox row with the id built as the port prescribes. */
export function anAlert(overrides: Partial<OutboxAlert> = {}): OutboxAlert {
  const episode = overrides.episode ?? anEpisode();
  const kind = overrides.kind ?? 'nudge';
  const recipient = overrides.recipient ?? 'agent';
  return { ...newOutboxAlert(episode, kind, recipient, baseInstant + 120_000), ...overrides };
}

/** Collects an async iterable. */
export async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const all: T[] = [];
  for await (const item of items) all.push(item);
  return all;
}
