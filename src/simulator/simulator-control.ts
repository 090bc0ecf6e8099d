import type {
  ActivityUpdate,
  AdherenceEngine,
  AdherenceSnapshot,
  SimulatedExplanation,
} from './adherence-engine';
import type { CentreChanges, NewAgentRequest, NewUnitRequest } from './centre-changes';
import type { ContactCentre } from './contact-centre';
import type { FaultInjector, FaultSpec } from './fault-injector';
import type { ChannelView, NotificationHub } from './notification-hub';
import type { ScheduleChangeRequest, ScheduleChangeResult } from './schedule-change';
import type { SimulatorClock } from './simulator-clock';
import type { SimulatorCounters } from './simulator-counters';
import type { TokenIssuer } from './token-issuer';
import { toIso } from './wire-format';

/** The simulator clock as the control API shows it. */
export interface ClockView {
  readonly now: string;
  readonly nowMs: number;
  readonly manual: boolean;
  readonly timeScale: number;
}

/** An agent with contact details, placement and current adherence. */
export interface AgentView {
  readonly id: string;
  readonly name: string;
  readonly email: string;
  readonly businessUnitId: string;
  readonly managementUnitId: string;
  readonly teamId: string;
  readonly teamName: string;
  readonly managerId: string;
  readonly managerEmail: string;
  readonly adherenceState: string;
  readonly adherenceChangeTime: string;
  readonly scheduledActivityCategory: string;
  readonly systemPresence: string;
  readonly routingStatus: string;
  readonly actualActivityCategory: string;
  readonly impact: string;
  readonly isOutOfOffice: boolean;
  readonly explanationStatus?: string;
}

/** A management unit summary. */
export interface UnitView {
  readonly id: string;
  readonly name: string;
  readonly businessUnitId: string;
  readonly businessUnitName: string;
  readonly timeZone: string;
  readonly agentCount: number;
  readonly adherenceExceptionThresholdSeconds: number;
}

/** A work team with its supervisor. */
export interface TeamView {
  readonly id: string;
  readonly name: string;
  readonly managementUnitId: string;
  readonly supervisorId: string;
  readonly supervisorName: string;
  readonly supervisorEmail: string;
  readonly agentIds: readonly string[];
}

/** A supervisor (or the head of operations). */
export interface SupervisorView {
  readonly id: string;
  readonly name: string;
  readonly email: string;
  readonly title: string;
  readonly managerId?: string;
}

/** Counters plus live gauges. */
export interface CountersView extends SimulatorCounters {
  readonly socketsOpen: number;
  readonly channelsOpen: number;
  readonly pendingFaults: { readonly http: number; readonly frames: number };
}

/** How many things a fault touched (sockets, channels, tokens; 0 for queued faults). */
export interface FaultResult {
  readonly kind: FaultSpec['kind'];
  readonly affected: number;
}

/** Drives the simulator from tests and the `/_simulator/...` HTTP routes; the same operations either way. */
export interface SimulatorControl {
  /** Simulator time (epoch ms). */
  now(): number;
  clock(): ClockView;
  /** Moves simulator time forward, firing everything due; returns the new instant (epoch ms). */
  advance(ms: number): number;
  /** Sets an agent's actual activity (presence / routing status / category); emits adherence events as Genesys would. */
  setAgentActivity(agentId: string, update: ActivityUpdate): AgentView;
  /** Hires (or moves) an agent into a unit mid-day: a Genesys user with a shift, published at once (logged out). */
  addAgent(request: NewAgentRequest): AgentView;
  /** Takes an agent out of their unit: one last event with `removedFromManagementUnit: true`, then nothing. */
  removeAgentFromUnit(agentId: string): AgentView;
  /**
   * Files an explanation for the agent's current out-of-adherence stretch: an event with the same adherenceChangeTime
   * and `adherenceExplanation`; approved with `asExplained`, the state turns `Explained`.
   */
  explainAgent(
    agentId: string,
    explanation: { readonly status: SimulatedExplanation['status']; readonly asExplained?: boolean },
  ): AgentView;
  /** Creates a management unit with a team and agents (found by the next listing of units). */
  addUnit(request?: NewUnitRequest): UnitView;
  /** Deletes a management unit; its agents leave it (no more events). */
  removeUnit(managementUnitId: string): number;
  /** Lifetime of tokens issued from now on (simulator seconds); their channels close when they expire. */
  setTokenLifetime(expiresInSeconds: number): void;
  /** Republishes a unit's schedule (inserting an activity), publishing the schedule topics; adherence flips follow. */
  publishScheduleChange(managementUnitId: string, request?: ScheduleChangeRequest): ScheduleChangeResult;
  injectFault(fault: FaultSpec): FaultResult;
  listAgents(managementUnitId?: string): AgentView[];
  getAgent(agentId: string): AgentView | undefined;
  listUnits(): UnitView[];
  listTeams(): TeamView[];
  listSupervisors(): SupervisorView[];
  listChannels(): ChannelView[];
  getCounters(): CountersView;
}

/** What {@link createSimulatorControl} drives. */
export interface SimulatorControlOptions {
  readonly centre: ContactCentre;
  readonly clock: SimulatorClock;
  readonly engine: AdherenceEngine;
  readonly hub: NotificationHub;
  readonly faults: FaultInjector;
  readonly tokens: TokenIssuer;
  readonly counters: SimulatorCounters;
  readonly publishScheduleChange: (
    managementUnitId: string,
    request: ScheduleChangeRequest,
  ) => ScheduleChangeResult;
  readonly changes: CentreChanges;
  readonly removeAgentFromUnit: (agentId: string) => AdherenceSnapshot;
  /** A fresh id (deterministic for the seed). */
  readonly newId: () => string;
}

/** Builds the control API over the running parts. */
export function createSimulatorControl(deps: SimulatorControlOptions): SimulatorControl {
  const { centre, clock, engine, hub, faults, tokens, counters } = deps;
  const people = [...centre.supervisors, ...centre.agents];
  const agentView = (s: AdherenceSnapshot): AgentView => {
    const team = centre.teams.find((t) => t.id === s.agent.teamId)!;
    return {
      id: s.agent.id,
      name: s.agent.name,
      email: s.agent.email,
      businessUnitId: s.agent.businessUnitId,
      managementUnitId: s.agent.managementUnitId,
      teamId: team.id,
      teamName: team.name,
      managerId: s.agent.managerId,
      managerEmail: people.find((p) => p.id === s.agent.managerId)?.email ?? '',
      adherenceState: s.adherenceState,
      adherenceChangeTime: toIso(s.adherenceChangedAt),
      scheduledActivityCategory: s.scheduled?.category ?? 'Unscheduled',
      systemPresence: s.actual.systemPresence,
      routingStatus: s.actual.routingStatus,
      actualActivityCategory: s.actual.actualActivityCategory,
      impact: s.impact,
      isOutOfOffice: s.isOutOfOffice,
      explanationStatus: s.explanation?.status,
    };
  };
  const unitView = (u: ContactCentre['managementUnits'][number]): UnitView => ({
    id: u.id,
    name: u.name,
    businessUnitId: u.businessUnitId,
    businessUnitName: centre.businessUnits.find((b) => b.id === u.businessUnitId)!.name,
    timeZone: u.timeZone,
    agentCount: centre.agents.filter((a) => a.managementUnitId === u.id).length,
    adherenceExceptionThresholdSeconds: u.adherence.adherenceExceptionThresholdSeconds,
  });
  return {
    now: () => clock.now(),
    clock: () => ({
      now: toIso(clock.now()),
      nowMs: clock.now(),
      manual: clock.isManual,
      timeScale: clock.isManual ? 0 : clock.timeScale,
    }),
    advance: (ms) => clock.advance(ms),
    setAgentActivity: (agentId, update) => agentView(engine.setActivity(agentId, update)),
    addAgent(request) {
      const agent = deps.changes.addAgent(request, clock.now());
      engine.addAgent(agent);
      // Genesys starts reporting the new agent's adherence: the first event names an agent nobody has seen yet.
      return agentView(engine.announce(agent.id));
    },
    removeAgentFromUnit: (agentId) => agentView(deps.removeAgentFromUnit(agentId)),
    explainAgent: (agentId, explanation) =>
      agentView(engine.explain(agentId, { id: deps.newId(), ...explanation })),
    addUnit(request = {}) {
      const { unit, agents } = deps.changes.addUnit(request, clock.now());
      engine.addUnit(unit);
      for (const agent of agents) engine.addAgent(agent);
      return unitView(unit);
    },
    removeUnit(managementUnitId) {
      const agents = deps.changes.removeUnit(managementUnitId);
      for (const agent of agents) engine.removeAgent(agent.id);
      return agents.length;
    },
    setTokenLifetime: (expiresInSeconds) => tokens.setLifetime(expiresInSeconds),
    publishScheduleChange: (managementUnitId, request = {}) =>
      deps.publishScheduleChange(managementUnitId, request),
    injectFault(fault) {
      switch (fault.kind) {
        case 'httpError':
          faults.addHttpFault(fault);
          return { kind: fault.kind, affected: 0 };
        case 'delayFrames':
          faults.addFrameFault({ kind: 'delay', delayMs: fault.delayMs ?? 500 }, fault.count ?? 1);
          return { kind: fault.kind, affected: 0 };
        case 'duplicateFrames':
          faults.addFrameFault({ kind: 'duplicate' }, fault.count ?? 1);
          return { kind: fault.kind, affected: 0 };
        case 'reorderFrames':
          faults.addFrameFault({ kind: 'reorder' }, fault.count ?? 1);
          return { kind: fault.kind, affected: 0 };
        case 'dropSockets':
          return { kind: fault.kind, affected: hub.dropSockets(fault.channelId) };
        case 'socketClosing':
          return {
            kind: fault.kind,
            affected: hub.sendSocketClosing(fault.channelId, fault.closeAfterMs ?? 60_000),
          };
        case 'malformedFrame':
          return { kind: fault.kind, affected: hub.sendMalformedFrame(fault.channelId) };
        case 'expireChannel':
          return { kind: fault.kind, affected: hub.removeChannelById(fault.channelId, 'expired') ? 1 : 0 };
        case 'evictChannel':
          return { kind: fault.kind, affected: hub.removeChannelById(fault.channelId, 'evicted') ? 1 : 0 };
        case 'expireTokens': {
          // A revoked token takes its channels with it.
          const revoked = tokens.expireAll();
          hub.closeChannelsOfTokens(revoked);
          return { kind: fault.kind, affected: revoked.size };
        }
        case 'misdatedFrames':
          faults.addMisdate(fault, fault.count ?? 1);
          return { kind: fault.kind, affected: 0 };
        case 'asyncScheduleSearches':
          faults.setAsyncSearches(fault);
          return { kind: fault.kind, affected: 0 };
        default:
          throw new RangeError(`unknown fault kind ${String((fault as { kind?: unknown }).kind)}`);
      }
    },
    listAgents: (managementUnitId) => engine.list(managementUnitId).map(agentView),
    getAgent: (agentId) => {
      const s = engine.get(agentId);
      return s ? agentView(s) : undefined;
    },
    listUnits: () => centre.managementUnits.map(unitView),
    listTeams: () =>
      centre.teams.map((t) => {
        const supervisor = centre.supervisors.find((s) => s.id === t.supervisorId)!;
        return {
          id: t.id,
          name: t.name,
          managementUnitId: t.managementUnitId,
          supervisorId: supervisor.id,
          supervisorName: supervisor.name,
          supervisorEmail: supervisor.email,
          agentIds: centre.agents.filter((a) => a.teamId === t.id).map((a) => a.id),
        };
      }),
    listSupervisors: () =>
      centre.supervisors.map((s) => ({
        id: s.id,
        name: s.name,
        email: s.email,
        title: s.title,
        managerId: s.managerId,
      })),
    listChannels: () => hub.listAll(),
    getCounters: () => ({
      ...counters,
      socketsOpen: hub.openSocketCount(),
      channelsOpen: hub.listAll().length,
      pendingFaults: faults.pendingCount(),
    }),
  };
}
