import type { ObservationSink } from '../../src/app/ports/observation-sink';
import type { AdherenceObservation } from '../../src/domain/adherence-observation';
import { applyObservation } from '../../src/domain/drift-engine';
import type { AgentDriftState } from '../../src/domain/drift-episode';
import { GenesysAdherenceClient } from '../../src/genesys/genesys-adherence-client';
import type { GenesysClientOptions } from '../../src/genesys/genesys-client-options';
import type { GenesysTimers } from '../../src/genesys/genesys-timers';
import {
  startGenesysSimulator,
  type RunningSimulator,
  type SimulatorOptions,
} from '../../src/simulator/genesys-simulator';
import { makePolicy } from './drift-fixtures';
import { eventually } from './eventually';
import { RecordingLogger } from './recording-logger';

/**
 * An observation sink that judges each observation as the drift core does (the client judges nothing) and records
 * those the core applies in `observations`, everything in `received`, refusals by reason, and schedule-change signals.
 */
export class RecordingSink implements ObservationSink {
  readonly received: AdherenceObservation[] = [];
  readonly observations: AdherenceObservation[] = [];
  readonly ignored: Record<string, number> = {};
  readonly scheduleChanges: string[] = [];
  private readonly states = new Map<string, AgentDriftState | undefined>();
  private readonly policy = makePolicy();

  async ingest(observation: AdherenceObservation): Promise<void> {
    this.received.push(observation);
    const decision = applyObservation(
      this.states.get(observation.agentId),
      observation,
      this.policy,
      observation.observedAt,
    );
    if (decision.ignored !== undefined) {
      this.ignored[decision.ignored] = (this.ignored[decision.ignored] ?? 0) + 1;
      return;
    }
    this.states.set(observation.agentId, decision.state);
    this.observations.push(observation);
  }

  signalScheduleChange(managementUnitId: string): void {
    this.scheduleChanges.push(managementUnitId);
  }

  /** Observations of one agent in arrival order. */
  ofAgent(agentId: string): AdherenceObservation[] {
    return this.observations.filter((o) => o.agentId === agentId);
  }
}

/** The Genesys client streaming from its own simulator into a {@link RecordingSink}. */
export interface GenesysHarness {
  readonly sim: RunningSimulator;
  readonly client: GenesysAdherenceClient;
  readonly sink: RecordingSink;
  readonly logger: RecordingLogger;
  stop(): Promise<void>;
}

/** What a suite changes around the client. */
export interface GenesysHarnessOptions {
  readonly simulator?: SimulatorOptions;
  readonly client?: Partial<GenesysClientOptions>;
  /** The client's timers (default: real ones); a ManualClock makes liveness deadlines pass only when the test says. */
  readonly timers?: GenesysTimers;
  /** Runs before the client starts (e.g. to inject a fault into the start-up). */
  readonly beforeStart?: (sim: RunningSimulator) => void;
}

/**
 * Starts a simulator (manual clock, idle scenario: only the test moves agents) and the client against it, and waits
 * until the first restore has been handed over. Reconnects and retries are quick (tens of ms); the liveness timers keep
 * their production values, so a busy machine that delivers a frame late never looks like a dead socket: a test that is
 * about liveness passes its own timers.
 */
export async function startGenesysHarness(options: GenesysHarnessOptions = {}): Promise<GenesysHarness> {
  const sim = await startGenesysSimulator({
    port: 0,
    seed: 7,
    scenario: 'idle',
    manualClock: true,
    units: 2,
    agentsPerUnit: 6,
    ...options.simulator,
  });
  const logger = new RecordingLogger();
  const client = new GenesysAdherenceClient(
    {
      apiUrl: sim.apiUrl,
      loginUrl: sim.loginUrl,
      clientId: sim.clientId,
      clientSecret: sim.clientSecret,
      reconnectBaseDelayInMs: 20,
      reconnectMaxDelayInMs: 200,
      retryBaseDelayInMs: 10,
      retryMaxDelayInMs: 100,
      maintenanceIntervalInMs: 30,
      ...options.client,
    },
    {
      clock: { now: () => sim.control.now() },
      logger,
      ...(options.timers ? { timers: options.timers } : {}),
    },
  );
  const sink = new RecordingSink();
  const stop = async (): Promise<void> => {
    await client.stop();
    await sim.stop();
  };
  options.beforeStart?.(sim);
  try {
    await client.start(sink);
    await eventually(
      'the first restore',
      () =>
        client.isStreaming() &&
        !client.isRestoring() &&
        client.metrics.restores >= client.channelIds().length,
    );
    await client.flush();
  } catch (error) {
    await stop();
    throw error;
  }
  return { sim, client, sink, logger, stop };
}
