import { DriftMonitor } from '../../src/app/drift-monitor';
import type { AgentProfile, ManagementUnitProfile } from '../../src/app/ports/agent-directory';
import type { DriftPolicy } from '../../src/domain/drift-policy';
import { AdherenceIntake, type IntakeDirectory } from '../../src/genesys/adherence-intake';
import { createGenesysMetrics, type GenesysMetrics } from '../../src/genesys/genesys-metrics';
import { InMemoryDriftHistoryStore } from '../../src/storage/history/in-memory-drift-history-store';
import { InMemoryAlertOutbox } from '../../src/storage/outbox/in-memory-alert-outbox';
import { InMemoryDriftStateStore } from '../../src/storage/drift-state/in-memory-drift-state-store';
import { makePolicy } from './drift-fixtures';
import { ManualClock } from './manual-clock';
import { ManualScheduler } from './manual-scheduler';
import { RecordingLogger } from './recording-logger';
import { RecordingNotifier } from './recording-notifier';

/** A directory that knows a fixed set of agents and records the lookups the intake asks for. */
export class FixedDirectory implements IntakeDirectory {
  readonly lookups: string[] = [];
  private readonly agents = new Map<string, AgentProfile>();

  constructor(
    agents: readonly AgentProfile[],
    private readonly units: readonly ManagementUnitProfile[],
  ) {
    for (const agent of agents) this.agents.set(agent.id, agent);
  }

  getAgent(agentId: string): AgentProfile | undefined {
    return this.agents.get(agentId);
  }

  getUnit(managementUnitId: string): ManagementUnitProfile | undefined {
    return this.units.find((unit) => unit.id === managementUnitId);
  }

  listUnits(): readonly ManagementUnitProfile[] {
    return this.units;
  }

  noteTeam(): void {}

  async lookUpAgent(agentId: string): Promise<undefined> {
    this.lookups.push(agentId);
    return undefined;
  }
}

/**
 * The real frame path of the service without a socket: socket text into the Genesys client's AdherenceIntake (parse,
 * map), then the DriftMonitor (the drift core's judgement, dampening, state, escalation) with in-memory stores, a
 * manual clock and scheduler and a recording notifier. Refusals are counted in one GenesysMetrics, as in production.
 */
export interface FramePath {
  readonly clock: ManualClock;
  readonly scheduler: ManualScheduler;
  readonly notifier: RecordingNotifier;
  readonly stateStore: InMemoryDriftStateStore;
  readonly metrics: GenesysMetrics;
  readonly monitor: DriftMonitor;
  readonly intake: AdherenceIntake;
  readonly directory: FixedDirectory;
  readonly logger: RecordingLogger;
  /** Delivers one socket message at `at` (the clock moves there first, firing due checks). */
  receive(text: string, at: number): Promise<void>;
  /** Moves time to `at`, firing due checks and deliveries on the way. */
  advanceTo(at: number): Promise<void>;
}

/** Builds a {@link FramePath} starting at `startAt`. */
export async function startFramePath(options: {
  readonly startAt: number;
  readonly policy?: DriftPolicy;
  readonly agents?: readonly AgentProfile[];
  readonly units?: readonly ManagementUnitProfile[];
}): Promise<FramePath> {
  const clock = new ManualClock(options.startAt);
  const scheduler = new ManualScheduler(clock);
  const notifier = new RecordingNotifier(() => clock.now());
  const stateStore = new InMemoryDriftStateStore();
  const metrics = createGenesysMetrics();
  const logger = new RecordingLogger();
  const directory = new FixedDirectory(options.agents ?? [], options.units ?? []);
  const monitor = new DriftMonitor({
    clock,
    scheduler,
    stateStore,
    outbox: new InMemoryAlertOutbox(),
    notifier,
    history: new InMemoryDriftHistoryStore(),
    logger,
    policy: options.policy ?? makePolicy(),
    delivery: { random: () => 0.5 },
    observationCounters: metrics,
  });
  const intake = new AdherenceIntake({ directory, metrics, logger });
  intake.connect(monitor);
  const advanceTo = async (at: number): Promise<void> => {
    await scheduler.advanceToAsync(Math.max(at, clock.now()), () => monitor.idle());
  };
  return {
    clock,
    scheduler,
    notifier,
    stateStore,
    metrics,
    monitor,
    intake,
    directory,
    logger,
    advanceTo,
    async receive(text, at) {
      await advanceTo(at);
      intake.acceptText(text, clock.now());
      await intake.flush();
      await monitor.idle();
    },
  };
}

/** One adherence notification frame (MU topic envelope) as JSON text. */
export function adherenceFrameText(fields: {
  readonly agentId: string;
  readonly managementUnitId: string;
  readonly adherenceState: string;
  readonly adherenceChangeTime: string;
  readonly scheduledActivityCategory?: string;
  readonly actualActivityCategory?: string;
  readonly impact?: string;
  readonly extra?: Record<string, unknown>;
}): string {
  return JSON.stringify({
    topicName: `v2.workforcemanagement.managementunits.${fields.managementUnitId}.adherence`,
    version: '2',
    eventBody: {
      user: { id: fields.agentId },
      managementUnitId: fields.managementUnitId,
      team: { id: 'team-1', name: 'Billing Tier 1' },
      scheduledActivityCategory: fields.scheduledActivityCategory ?? 'OnQueueWork',
      scheduledActivityCode: { id: 'code-onqueue', secondaryPresences: [] },
      systemPresence: fields.adherenceState === 'InAdherence' ? 'OnQueue' : 'Break',
      routingStatus: fields.adherenceState === 'InAdherence' ? 'IDLE' : 'OFF_QUEUE',
      actualActivityCategory:
        fields.actualActivityCategory ?? (fields.adherenceState === 'InAdherence' ? 'OnQueueWork' : 'Break'),
      isOutOfOffice: false,
      adherenceState: fields.adherenceState,
      impact: fields.impact ?? (fields.adherenceState === 'OutOfAdherence' ? 'Negative' : 'Neutral'),
      adherenceChangeTime: fields.adherenceChangeTime,
      removedFromManagementUnit: false,
      ...fields.extra,
    },
    metadata: { CorrelationId: 'c0ffee00-0000-4000-8000-000000000000' },
  });
}
