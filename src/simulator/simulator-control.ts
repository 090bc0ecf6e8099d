import type { ActivityUpdate, AdherenceEngine, AdherenceSnapshot } from './adherence-engine';
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
export interface SimulatorControlDeps {
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
}

/** Builds the control API over the running parts. */
export function createSimulatorControl(deps: SimulatorControlDeps): SimulatorControl {
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
    };
  };
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
        case 'expireTokens':
          return { kind: fault.kind, affected: tokens.expireAll() };
        default:
          throw new RangeError(`unknown fault kind ${(fault as { kind?: unknown }).kind}`);
      }
    },
    listAgents: (managementUnitId) => engine.list(managementUnitId).map(agentView),
    getAgent: (agentId) => {
      const s = engine.get(agentId);
      return s ? agentView(s) : undefined;
    },
    listUnits: () =>
      centre.managementUnits.map((u) => ({
        id: u.id,
        name: u.name,
        businessUnitId: u.businessUnitId,
        businessUnitName: centre.businessUnits.find((b) => b.id === u.businessUnitId)!.name,
        timeZone: u.timeZone,
        agentCount: centre.agents.filter((a) => a.managementUnitId === u.id).length,
        adherenceExceptionThresholdSeconds: u.adherence.adherenceExceptionThresholdSeconds,
      })),
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
