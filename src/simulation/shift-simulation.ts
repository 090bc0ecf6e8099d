/**
 * One arm of the shift simulation: the simulator's contact centre (its units, teams, agents and schedules, and its
 * adherence engine deciding adherence from schedule and actual activity) living whole weeks, its adherence changes
 * sent as Genesys notification frames through the Genesys client's mapper into the real DriftMonitor (the pure drift
 * core, dampening, the outbox) on virtual time, as fast as the machine allows. Agents drift by the planned causes
 * (`shift-plan.ts`) and, in the arm with alerts, may come back early after a nudge or a supervisor's contact
 * (`agent-behaviour.ts`); formal exceptions are what the drift core records (plus Positive-impact drifts past the
 * exception threshold, which Genesys counts and the service does not alert on), the same way in every arm.
 */
import { DriftMonitor } from '../app/drift-monitor';
import { buildDriftPolicy } from '../config/drift-policy-builder';
import { readOutcomeSettings } from '../config/settings';
import type { DriftEpisode } from '../domain/drift-episode';
import type { DriftPolicy } from '../domain/drift-policy';
import { isFormalException } from '../domain/formal-exception';
import { mapAdherenceFrame } from '../genesys/adherence-frame-mapper';
import { formatRecordedLine } from '../genesys/frame-recording';
import { silentLogger } from '../platform/silent-logger';
import { VirtualClock, VirtualScheduler } from '../platform/virtual-time';
import { AdherenceEngine, type AdherenceSnapshot } from '../simulator/adherence-engine';
import { buildContactCentre, type Agent, type ContactCentre } from '../simulator/contact-centre';
import { SeededRandom } from '../simulator/seeded-random';
import { SimulatorClock } from '../simulator/simulator-clock';
import { adherenceEventBody } from '../simulator/wire-format';
import { InMemoryDriftStateStore } from '../storage/drift-state/in-memory-drift-state-store';
import { InMemoryDriftHistoryStore } from '../storage/history/in-memory-drift-history-store';
import { InMemoryAlertOutbox } from '../storage/outbox/in-memory-alert-outbox';
import { AgentBehaviour, type DriftEnding } from './agent-behaviour';
import type { OutcomeParameters } from './outcome-parameters';
import { planShiftDrifts, type DriftCause } from './shift-plan';
import { SupervisorChannels, type ChannelStats } from './supervisor-channels';
import { endingsOf, longDriftsByCause, shapeOf, type EpisodeShape } from './arm-measures';
import { boundaryInstants, lastShiftEnd, supervisorChannels, supervisorHours } from './centre-calendar';
import { SimulatedTeams } from './simulated-teams';

export type { EpisodeShape } from './arm-measures';

/** The size of the simulated centre. */
export interface CentreSize {
  readonly units: number;
  readonly agentsPerUnit: number;
}

/** Four management units of 60 agents: 240 agents, 1,200 agent-shifts a week. */
export const DEFAULT_CENTRE: CentreSize = Object.freeze({ units: 4, agentsPerUnit: 60 });

/** Options of one arm. */
export interface ArmOptions {
  readonly seed: number;
  readonly weeks: number;
  readonly params: OutcomeParameters;
  /** `on`: agents and supervisors respond to nudges and alerts; `off`: nobody does (the core still runs). */
  readonly alerts: 'on' | 'off';
  /** Single alert cards per supervisor channel and rolling hour; undefined = no budget. */
  readonly budgetPerHour?: number;
  readonly centre?: CentreSize;
  /** The drift policy; default the service's defaults (src/config) and the centre's units as Genesys discovery gives them. */
  readonly policy?: DriftPolicy;
  /** Receives every frame as a recording line (the recorder's format), e.g. to replay it. */
  readonly record?: (line: string) => void;
}

/** What one arm produced. */
export interface ArmResult {
  readonly formalExceptions: number;
  readonly nudges: number;
  readonly supervisorAlerts: number;
  readonly frames: number;
  readonly agentShifts: number;
  readonly supervisors: number;
  readonly supervisorHours: number;
  readonly channels: ChannelStats;
  readonly episodes: EpisodeShape;
  /** Drifts of 10 minutes or more (left alone) by cause. */
  readonly longDriftsByCause: Readonly<Record<DriftCause, number>>;
  /** How drifts ended, by cause. */
  readonly endings: Readonly<Record<DriftCause, Readonly<Record<DriftEnding, number>>>>;
  /** Formal exceptions recorded in each week. */
  readonly formalExceptionsByWeek: readonly number[];
}

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;
const WEEK = 7 * DAY;
/** Monday 2026-08-17 00:00 UTC: the simulated weeks start here. */
const FIRST_MONDAY = Date.UTC(2026, 7, 17);
/** Shifts are laid out around 09:00 UTC each working day. */
const DAY_ANCHOR = 9 * 60 * MINUTE;
const WORKING_DAYS = 5;

/** Runs one arm and returns its counts. Deterministic for a seed and parameters. */
export async function runArm(options: ArmOptions): Promise<ArmResult> {
  const size = options.centre ?? DEFAULT_CENTRE;
  const { params } = options;
  const centre = buildWeeksOfCentre(options.seed, size, options.weeks);
  const policy = options.policy ?? defaultPolicy(centre);
  const startAt = FIRST_MONDAY;
  const endAt = lastShiftEnd(centre) + 60 * MINUTE;

  const clock = new VirtualClock(startAt);
  const scheduler = new VirtualScheduler(clock);
  const simClock = new SimulatorClock({ startAt, timeScale: 1, manual: true });
  const syncTo = (at: number): void => {
    if (at > simClock.now()) simClock.advance(at - simClock.now());
  };
  const engine = new AdherenceEngine(centre, simClock, true);
  const behaviour = new AgentBehaviour({
    engine,
    scheduler,
    params,
    syncTo,
    responds: options.alerts === 'on',
    startAt,
  });
  const channelOfAgent = supervisorChannels(centre, params.agentsPerSupervisor);
  const channels = new SupervisorChannels((agentId) => channelOfAgent.get(agentId)!, {
    budgetPerHour: options.budgetPerHour,
    capacityPerHour: params.supervisorCapacityPerHour,
    boardResponse: params.boardResponse,
  });
  const teams = new SimulatedTeams(behaviour, channels, clock);
  const history = new InMemoryDriftHistoryStore();
  const stateStore = new InMemoryDriftStateStore();
  const monitor = new DriftMonitor({
    clock,
    scheduler,
    stateStore,
    outbox: new InMemoryAlertOutbox(),
    notifier: teams,
    history,
    logger: silentLogger,
    policy,
  });

  // Frames reach the service a little after the change, in order.
  const latencyMs = Math.round(params.notificationLatencySeconds * 1_000);
  const ingesting: Promise<void>[] = [];
  let frames = 0;
  engine.onChange((snapshot) => {
    const frame = frameOf(centre, snapshot);
    const deliverAt = simClock.now() + latencyMs;
    frames += 1;
    scheduler.schedule(`sim:frame:${frames}`, deliverAt, () => {
      options.record?.(formatRecordedLine(deliverAt, frame));
      const observation = mapAdherenceFrame(frame, deliverAt);
      if (observation !== undefined) ingesting.push(monitor.ingest(observation));
    });
  });
  for (const at of boundaryInstants(centre)) scheduler.schedule(`sim:tick:${at}`, at, () => syncTo(at));
  for (const agent of centre.agents) {
    agent.shifts.forEach((shift, shiftIndex) => {
      const random = new SeededRandom(`${options.seed}:drifts:${agent.index}:${shiftIndex}`);
      behaviour.planShift(agent.id, `${agent.id}:${shiftIndex}`, planShiftDrifts(shift, params, random));
    });
  }

  const settle = async (): Promise<void> => {
    while (ingesting.length > 0) await Promise.all(ingesting.splice(0));
    await monitor.idle();
  };
  await scheduler.runUntil(endAt, settle);
  await settle();

  const episodes: DriftEpisode[] = [];
  for await (const record of history.list({ from: startAt, to: endAt + DAY })) episodes.push(record.episode);
  for await (const state of stateStore.list()) if (state.episode !== undefined) episodes.push(state.episode);
  await monitor.stop();
  scheduler.dispose();
  simClock.dispose();
  engine.dispose();

  const formalExceptionsByWeek = Array.from({ length: options.weeks }, () => 0);
  for (const episode of episodes) {
    if (!isFormalException(episode, policy, endAt)) continue;
    const week = Math.min(options.weeks - 1, Math.floor((episode.driftStartedAt - startAt) / WEEK));
    formalExceptionsByWeek[week] = formalExceptionsByWeek[week] + 1;
  }
  return {
    formalExceptions: formalExceptionsByWeek.reduce((sum, n) => sum + n, 0),
    nudges: teams.nudges,
    supervisorAlerts: teams.supervisorAlerts,
    frames,
    agentShifts: centre.agents.reduce((sum, agent) => sum + agent.shifts.length, 0),
    supervisors: new Set(channelOfAgent.values()).size,
    supervisorHours: supervisorHours(centre, channelOfAgent),
    channels: channels.stats(),
    episodes: shapeOf(episodes, endAt),
    longDriftsByCause: longDriftsByCause(behaviour.records),
    endings: endingsOf(behaviour.records),
    formalExceptionsByWeek,
  };
}

/** The service's default drift policy for this centre, built the way the service builds it from Genesys discovery. */
export function defaultPolicy(centre: ContactCentre): DriftPolicy {
  const settings = readOutcomeSettings({});
  return buildDriftPolicy(settings, {
    activityCodes: centre.businessUnits.flatMap((unit) =>
      unit.activityCodes.map((code) => ({ id: code.id, name: code.name, category: code.category })),
    ),
    units: centre.managementUnits.map((unit) => ({
      id: unit.id,
      exceptionThresholdMs: unit.adherence.adherenceExceptionThresholdSeconds * 1_000,
      ignoredCategories: unit.adherence.ignoredActivityCategories,
      ignoredActivityCodeIds: unit.adherence.ignoredActivityCodeIds,
    })),
  }).policy;
}

/**
 * The simulator's contact centre with `weeks` weeks of Monday-to-Friday shifts: the simulator builds one day of
 * schedules around an instant, so it is built once per working day (same seed: the same organisation and each agent's
 * usual shift pattern) and the days' shifts are put together.
 */
export function buildWeeksOfCentre(seed: number, size: CentreSize, weeks: number): ContactCentre {
  const days: ContactCentre[] = [];
  for (let week = 0; week < weeks; week++) {
    for (let day = 0; day < WORKING_DAYS; day++) {
      days.push(
        buildContactCentre({
          seed,
          units: size.units,
          agentsPerUnit: size.agentsPerUnit,
          startAt: FIRST_MONDAY + week * WEEK + day * DAY + DAY_ANCHOR,
        }),
      );
    }
  }
  const [first] = days;
  const agents: Agent[] = first.agents.map((agent, index) => {
    const shifts = days.map((centre) => {
      const same = centre.agents[index];
      if (same?.id !== agent.id) throw new Error('the contact centre is not the same from day to day');
      return same.shifts[0];
    });
    return { ...agent, shifts };
  });
  return { ...first, agents };
}

/** A management-unit adherence topic frame as Genesys sends it (the simulator's wire format). */
function frameOf(centre: ContactCentre, snapshot: AdherenceSnapshot): Record<string, unknown> {
  return {
    topicName: `v2.workforcemanagement.managementunits.${snapshot.agent.managementUnitId}.adherence`,
    version: '2',
    eventBody: adherenceEventBody(centre, snapshot),
    metadata: { CorrelationId: `simulation-${snapshot.agent.id}-${snapshot.actual.presenceUpdateAt}` },
  };
}
