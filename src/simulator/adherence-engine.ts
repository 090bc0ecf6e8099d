import type { CancelTimer } from '../platform/timers';
import type { Agent, ContactCentre, ManagementUnit } from './contact-centre';
import {
  activityFollowing,
  categoryOfPresence,
  computeAdherence,
  nextActivityAfter,
  nextBoundaryAfter,
  scheduledActivityAt,
  type ActivityUpdate,
  type ActualActivity,
  type AdherenceListener,
  type AdherenceSnapshot,
  type BoundaryListener,
  type RoutingStatus,
  type SimulatedExplanation,
} from './adherence-rules';
import type { SimulatorClock } from './simulator-clock';

export * from './adherence-rules';

interface AgentState {
  snapshot: AdherenceSnapshot;
  followsSchedule: boolean;
  cancelBoundary?: CancelTimer;
}

/** Keeps each agent's real-time adherence current as simulator time, schedules and actual activities change. */
export class AdherenceEngine {
  private readonly states = new Map<string, AgentState>();
  private readonly unitsById: Map<string, ManagementUnit>;
  private readonly listeners: AdherenceListener[] = [];
  private readonly boundaryListeners: BoundaryListener[] = [];

  /**
   * `settleDelayMs` (the realistic day): how long after the start of its current activity (or before the start, for an
   * agent with none) each agent's presence last changed; by default an agent changed exactly on the boundary.
   */
  constructor(
    centre: ContactCentre,
    private readonly clock: SimulatorClock,
    private readonly agentsFollowSchedule: boolean,
    settleDelayMs?: (agent: Agent) => number,
  ) {
    this.unitsById = new Map(centre.managementUnits.map((u) => [u.id, u]));
    const now = clock.now();
    for (const agent of centre.agents) {
      const scheduled = scheduledActivityAt(agent, now);
      const delayMs = settleDelayMs?.(agent) ?? 0;
      // People change status seconds apart, not on the same millisecond: Genesys dates each change when it happened.
      const changedAt = scheduled
        ? Math.min(now, Math.max(scheduled.startAt, now - 3_600_000) + delayMs)
        : now - delayMs;
      const actual = activityFollowing(scheduled?.category, changedAt);
      const unit = this.unitsById.get(agent.managementUnitId)!;
      const snapshot: AdherenceSnapshot = {
        agent,
        unit,
        scheduled,
        actual,
        ...computeAdherence(unit, scheduled, actual),
        adherenceChangedAt: actual.presenceUpdateAt,
        nextActivity: nextActivityAfter(agent, now),
        isOutOfOffice: false,
      };
      this.states.set(agent.id, { snapshot, followsSchedule: agentsFollowSchedule });
      this.armBoundary(agent);
    }
  }

  /**
   * Starts tracking an agent added while running (hired or moved in mid-day): offline until told otherwise, or
   * following the schedule in the shift scenario. Returns the first snapshot (not published: nothing changed yet).
   */
  addAgent(agent: Agent): AdherenceSnapshot {
    const now = this.clock.now();
    const unit = this.unitsById.get(agent.managementUnitId);
    if (!unit) throw new RangeError(`unknown management unit ${agent.managementUnitId}`);
    const scheduled = scheduledActivityAt(agent, now);
    const actual = activityFollowing(undefined, now);
    const snapshot: AdherenceSnapshot = {
      agent,
      unit,
      scheduled,
      actual,
      ...computeAdherence(unit, scheduled, actual),
      adherenceChangedAt: now,
      nextActivity: nextActivityAfter(agent, now),
      isOutOfOffice: false,
    };
    this.states.set(agent.id, { snapshot, followsSchedule: this.agentsFollowSchedule });
    this.armBoundary(agent);
    return snapshot;
  }

  /** Publishes the agent's current adherence as it is (a first report, e.g. for an agent just added). */
  announce(agentId: string): AdherenceSnapshot {
    const state = this.states.get(agentId);
    if (!state) throw new RangeError(`unknown agent ${agentId}`);
    for (const listener of this.listeners) listener(state.snapshot, state.snapshot);
    return state.snapshot;
  }

  /** Stops tracking an agent (removed from the unit); returns their last snapshot. */
  removeAgent(agentId: string): AdherenceSnapshot {
    const state = this.states.get(agentId);
    if (!state) throw new RangeError(`unknown agent ${agentId}`);
    state.cancelBoundary?.();
    this.states.delete(agentId);
    return state.snapshot;
  }

  /** Knows the units added while running. */
  addUnit(unit: ManagementUnit): void {
    this.unitsById.set(unit.id, unit);
  }

  /**
   * Files an explanation for the agent's current out-of-adherence stretch and publishes the update: the same
   * adherenceChangeTime, with `adherenceExplanation` (and, when approved with `asExplained`, the state `Explained`).
   */
  explain(
    agentId: string,
    explanation: {
      readonly id: string;
      readonly status: SimulatedExplanation['status'];
      readonly asExplained?: boolean;
    },
  ): AdherenceSnapshot {
    const state = this.states.get(agentId);
    if (!state) throw new RangeError(`unknown agent ${agentId}`);
    const previous = state.snapshot;
    if (previous.adherenceState !== 'OutOfAdherence' && previous.adherenceState !== 'Explained')
      throw new RangeError(`agent ${agentId} is not out of adherence (${previous.adherenceState})`);
    const filed: SimulatedExplanation = {
      id: explanation.id,
      status: explanation.status,
      startAt: previous.adherenceChangedAt,
      lengthMinutes: 30,
      asExplained: explanation.asExplained === true,
    };
    const next: AdherenceSnapshot = {
      ...previous,
      explanation: filed,
      adherenceState: filed.asExplained && filed.status === 'Approved' ? 'Explained' : 'OutOfAdherence',
    };
    state.snapshot = next;
    for (const listener of this.listeners) listener(next, previous);
    return next;
  }

  /** Registers a listener for adherence changes. */
  onChange(listener: AdherenceListener): void {
    this.listeners.push(listener);
  }

  /** Registers a listener for scheduled-activity changes. */
  onBoundary(listener: BoundaryListener): void {
    this.boundaryListeners.push(listener);
  }

  /** Current adherence of one agent, or undefined for an unknown id. */
  get(agentId: string): AdherenceSnapshot | undefined {
    return this.states.get(agentId)?.snapshot;
  }

  /** Current adherence of every agent of a management unit (all agents when omitted). */
  list(managementUnitId?: string): AdherenceSnapshot[] {
    return [...this.states.values()]
      .map((s) => s.snapshot)
      .filter((s) => !managementUnitId || s.agent.managementUnitId === managementUnitId);
  }

  /** Sets what an agent is actually doing now; returns the resulting snapshot. */
  setActivity(agentId: string, update: ActivityUpdate): AdherenceSnapshot {
    const state = this.states.get(agentId);
    if (!state) throw new RangeError(`unknown agent ${agentId}`);
    const now = this.clock.now();
    const changedAt = this.changeInstant(state, update.since, now);
    if (update.isOutOfOffice !== undefined && update.isOutOfOffice !== state.snapshot.isOutOfOffice) {
      state.snapshot = { ...state.snapshot, isOutOfOffice: update.isOutOfOffice };
      if (update.systemPresence === undefined && update.followSchedule === undefined) {
        const previous = state.snapshot;
        for (const listener of this.listeners) listener(previous, previous);
        return previous;
      }
    }
    if (update.followSchedule) {
      state.followsSchedule = true;
      this.apply(state, activityFollowing(state.snapshot.scheduled?.category, now));
      return state.snapshot;
    }
    // Any explicit activity pins the agent: it stays there until told to follow the schedule again.
    state.followsSchedule = false;
    const previous = state.snapshot.actual;
    const systemPresence = update.systemPresence ?? previous.systemPresence;
    const routingStatus: RoutingStatus =
      update.routingStatus ??
      (update.systemPresence
        ? systemPresence === 'Offline'
          ? 'OFFLINE'
          : systemPresence === 'OnQueue'
            ? 'IDLE'
            : 'OFF_QUEUE'
        : previous.routingStatus);
    const actual: ActualActivity = {
      systemPresence,
      routingStatus,
      actualActivityCategory:
        update.actualActivityCategory ??
        (update.systemPresence ? categoryOfPresence(systemPresence) : previous.actualActivityCategory),
      presenceUpdateAt: systemPresence !== previous.systemPresence ? changedAt : previous.presenceUpdateAt,
    };
    this.apply(state, actual, changedAt);
    return state.snapshot;
  }

  private changeInstant(state: AgentState, since: number | undefined, now: number): number {
    if (since === undefined) return now;
    if (!Number.isFinite(since) || since > now || since < state.snapshot.adherenceChangedAt)
      throw new RangeError(
        `since must be an instant between the agent's adherenceChangeTime (${state.snapshot.adherenceChangedAt}) and now (${now})`,
      );
    return since;
  }

  /** Re-reads the schedules of `agentIds` after a change (republish) and re-arms their boundaries. */
  refreshSchedules(agentIds: readonly string[]): void {
    for (const id of agentIds) {
      const state = this.states.get(id);
      if (!state) continue;
      this.armBoundary(state.snapshot.agent);
      this.onScheduleTick(state);
    }
  }

  /** Cancels every boundary timer. */
  dispose(): void {
    for (const state of this.states.values()) state.cancelBoundary?.();
  }

  private armBoundary(agent: Agent): void {
    const state = this.states.get(agent.id);
    if (!state) return;
    state.cancelBoundary?.();
    const at = nextBoundaryAfter(agent, this.clock.now());
    state.cancelBoundary =
      at === undefined
        ? undefined
        : this.clock.schedule(at, () => {
            this.onScheduleTick(state);
            this.armBoundary(agent);
          });
  }

  private onScheduleTick(state: AgentState): void {
    const now = this.clock.now();
    const agent = state.snapshot.agent;
    const previousScheduled = state.snapshot.scheduled;
    const scheduled = scheduledActivityAt(agent, now);
    if (state.followsSchedule && scheduled?.category !== previousScheduled?.category) {
      this.apply(state, activityFollowing(scheduled?.category, now));
    } else {
      this.apply(state, state.snapshot.actual);
    }
    if (scheduled !== previousScheduled) {
      for (const listener of this.boundaryListeners) listener(agent, scheduled, previousScheduled);
    }
  }

  private apply(state: AgentState, actual: ActualActivity, changedAt?: number): void {
    const now = this.clock.now();
    const previous = state.snapshot;
    const scheduled = scheduledActivityAt(previous.agent, now);
    const computed = computeAdherence(previous.unit, scheduled, actual);
    // An explanation covers the out-of-adherence stretch it was filed for: it stays (and an approved Explained state
    // with it) while the agent stays out of adherence, and goes when the stretch ends.
    const explanation =
      computed.adherenceState === 'OutOfAdherence' &&
      (previous.adherenceState === 'OutOfAdherence' || previous.adherenceState === 'Explained')
        ? previous.explanation
        : undefined;
    const adherenceState =
      explanation?.asExplained && explanation.status === 'Approved' ? 'Explained' : computed.adherenceState;
    const impact = computed.impact;
    const next: AdherenceSnapshot = {
      agent: previous.agent,
      unit: previous.unit,
      scheduled,
      actual,
      adherenceState,
      impact,
      adherenceChangedAt:
        adherenceState !== previous.adherenceState ? (changedAt ?? now) : previous.adherenceChangedAt,
      nextActivity: nextActivityAfter(previous.agent, now),
      isOutOfOffice: previous.isOutOfOffice,
      explanation,
    };
    state.snapshot = next;
    const changed =
      adherenceState !== previous.adherenceState ||
      impact !== previous.impact ||
      scheduled?.activityCodeId !== previous.scheduled?.activityCodeId ||
      scheduled?.category !== previous.scheduled?.category ||
      actual.systemPresence !== previous.actual.systemPresence ||
      actual.routingStatus !== previous.actual.routingStatus ||
      actual.actualActivityCategory !== previous.actual.actualActivityCategory;
    // UNCONFIRMED (no Genesys source says how often the topic fires): Genesys is assumed to publish on every
    // routing/presence/schedule change,
    // keeping adherenceChangeTime at the start of the current state when the state itself did not change.
    if (changed) for (const listener of this.listeners) listener(next, previous);
  }
}
