import type { AdherenceEngine } from '../simulator/adherence-engine';
import type { VirtualScheduler } from '../platform/virtual-time';
import type { OutcomeParameters } from './outcome-parameters';
import type { DriftCause, PlannedDrift } from './shift-plan';

/** How a drift ended: on its own, after the agent's nudge, or after a supervisor's contact. */
export type DriftEnding = 'natural' | 'nudge' | 'supervisor';

/** One drift as it happened. */
export interface DriftRecord {
  readonly agentId: string;
  readonly cause: DriftCause;
  readonly startAt: number;
  readonly naturalEndAt: number;
  readonly endAt: number;
  readonly endedBy: DriftEnding;
}

interface ActiveDrift {
  readonly plan: PlannedDrift;
  readonly shiftKey: string;
  returnAt: number;
  endedBy: DriftEnding;
}

/** Options of {@link AgentBehaviour}. */
export interface AgentBehaviourOptions {
  readonly engine: AdherenceEngine;
  readonly scheduler: VirtualScheduler;
  readonly params: OutcomeParameters;
  /** Brings the simulator's clock (schedule boundaries) to `at` before an agent acts. */
  readonly syncTo: (at: number) => void;
  /** Whether agents respond to nudges and supervisor contacts (the arm with alerts) or ignore them. */
  readonly responds: boolean;
  /** Start of the first simulated week (for fatigue over weeks). */
  readonly startAt: number;
}

const MINUTE = 60_000;
const WEEK = 7 * 24 * 60 * MINUTE;
const AT_DESK: ReadonlySet<DriftCause> = new Set(['statusNotChanged', 'meetingOverrun', 'slip']);
const AWAY: ReadonlySet<DriftCause> = new Set(['lateBack', 'lateLogin', 'earlyLogout', 'briefAux']);

/**
 * The agents of the simulated centre: they follow their schedule in the simulator's adherence engine except for their
 * planned drifts, and (when `responds`) may come back early after a nudge or a supervisor's contact, by cause, with
 * fatigue as nudges repeat within a shift and as weeks pass. Every decision reads the drift's own pre-drawn numbers.
 */
export class AgentBehaviour {
  readonly records: DriftRecord[] = [];
  private readonly active = new Map<string, ActiveDrift>();
  private readonly nudgesByShift = new Map<string, number>();
  private taskCount = 0;

  constructor(private readonly options: AgentBehaviourOptions) {}

  /** Schedules one agent-shift's planned drifts. */
  planShift(agentId: string, shiftKey: string, plan: readonly PlannedDrift[]): void {
    const { scheduler } = this.options;
    plan.forEach((drift, index) => {
      const previousEnd = index === 0 ? Number.NEGATIVE_INFINITY : plan[index - 1].naturalEndAt;
      if (drift.kind === 'keepPrevious') {
        // Pinned just before the transition, the agent does not follow the schedule across it.
        const lead = drift.isOnCall ? 30_000 : 1;
        const pinAt = Math.max(drift.startAt - lead, previousEnd + 1);
        scheduler.schedule(this.key('pin'), pinAt, () => this.pin(agentId, drift, pinAt));
      }
      scheduler.schedule(this.key('start'), drift.startAt, () => this.start(agentId, shiftKey, drift));
    });
  }

  /** The agent got a nudge at `at` (the arm with alerts). */
  onNudge(agentId: string, at: number): void {
    const drift = this.active.get(agentId);
    if (drift === undefined) return;
    const count = this.nudgesByShift.get(drift.shiftKey) ?? 0;
    this.nudgesByShift.set(drift.shiftKey, count + 1);
    if (!this.options.responds) return;
    const { params } = this.options;
    const { draws, cause } = drift.plan;
    const chance = actChance(cause, params) * params.nudgeFatigue ** count * this.weekFactor(at);
    if (draws.seen >= params.reach || draws.acts >= chance) return;
    const minutes = draws.seeDelay * params.seeWithinMinutes + params.actMinutes * Math.exp(0.5 * draws.actZ);
    this.comeBackAt(agentId, drift, at + Math.round(minutes * MINUTE), 'nudge');
  }

  /** A supervisor saw the agent's alert at `at`; `responseFactor` is how much of a full response that presentation gets. */
  onSupervisorAlert(agentId: string, at: number, responseFactor: number): void {
    const drift = this.active.get(agentId);
    if (drift === undefined || !this.options.responds) return;
    const { params } = this.options;
    const { draws, cause } = drift.plan;
    const chance = supervisorChance(cause, params) * responseFactor * this.weekFactor(at);
    if (draws.supervisor >= chance) return;
    const minutes =
      params.supervisorMinMinutes +
      draws.supervisorDelay * (params.supervisorMaxMinutes - params.supervisorMinMinutes);
    this.comeBackAt(agentId, drift, at + Math.round(minutes * MINUTE), 'supervisor');
  }

  private pin(agentId: string, drift: PlannedDrift, at: number): void {
    this.options.syncTo(at);
    if (this.active.has(agentId)) return;
    const current = this.options.engine.get(agentId)?.actual;
    if (current === undefined) return;
    this.options.engine.setActivity(agentId, {
      systemPresence: current.systemPresence,
      routingStatus:
        drift.isOnCall && current.systemPresence === 'OnQueue' ? 'INTERACTING' : current.routingStatus,
    });
  }

  private start(agentId: string, shiftKey: string, plan: PlannedDrift): void {
    this.options.syncTo(plan.startAt);
    if (this.active.has(agentId)) return;
    if (plan.kind === 'switch' && plan.presence !== undefined)
      this.options.engine.setActivity(agentId, { systemPresence: plan.presence });
    const drift: ActiveDrift = { plan, shiftKey, returnAt: plan.naturalEndAt, endedBy: 'natural' };
    this.active.set(agentId, drift);
    this.options.scheduler.schedule(this.returnKey(agentId), plan.naturalEndAt, () => this.comeBack(agentId));
  }

  private comeBackAt(agentId: string, drift: ActiveDrift, at: number, endedBy: DriftEnding): void {
    if (at >= drift.returnAt) return;
    drift.returnAt = at;
    drift.endedBy = endedBy;
    this.options.scheduler.schedule(this.returnKey(agentId), at, () => this.comeBack(agentId));
  }

  private comeBack(agentId: string): void {
    const drift = this.active.get(agentId);
    if (drift === undefined) return;
    this.options.syncTo(drift.returnAt);
    this.active.delete(agentId);
    this.options.engine.setActivity(agentId, { followSchedule: true });
    this.records.push({
      agentId,
      cause: drift.plan.cause,
      startAt: drift.plan.startAt,
      naturalEndAt: drift.plan.naturalEndAt,
      endAt: drift.returnAt,
      endedBy: drift.endedBy,
    });
  }

  /** Responses fade over weeks of use towards `fatigueFloor` of the first week's, starting at `weeklyFatigue` a week. */
  private weekFactor(at: number): number {
    const { weeklyFatigue, fatigueFloor } = this.options.params;
    const weeks = Math.max(0, Math.floor((at - this.options.startAt) / WEEK));
    if (weeks === 0 || weeklyFatigue <= 0 || fatigueFloor >= 1) return 1;
    const step = Math.min(1, weeklyFatigue / (1 - fatigueFloor));
    return fatigueFloor + (1 - fatigueFloor) * (1 - step) ** weeks;
  }

  private key(kind: string): string {
    this.taskCount += 1;
    return `sim:${kind}:${this.taskCount}`;
  }

  private returnKey(agentId: string): string {
    return `sim:return:${agentId}`;
  }
}

/** Chance an agent who saw the nudge acts on it, by cause (on a call or with a system issue it cannot). */
function actChance(cause: DriftCause, params: OutcomeParameters): number {
  if (cause === 'statusNotChanged' || cause === 'slip') return params.actStatusNotChanged;
  if (cause === 'meetingOverrun') return params.actMeeting;
  if (AWAY.has(cause)) return params.actAway;
  return 0;
}

/** Chance a supervisor's contact brings the agent back before the formal exception, by cause. */
function supervisorChance(cause: DriftCause, params: OutcomeParameters): number {
  if (AT_DESK.has(cause)) return params.supervisorAtDesk;
  if (AWAY.has(cause)) return params.supervisorAway;
  return 0;
}
