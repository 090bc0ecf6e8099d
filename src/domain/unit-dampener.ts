/**
 * Mass schedule change dampening for one management unit, as pure transitions over a small immutable state.
 *
 * When a supervisor publishes a schedule to many agents, Genesys sends a flood of adherence changes that are
 * mostly schedule-update latency, not drift (seed guide, edge case 3). A unit is put on hold when
 * - the Genesys schedule-change topics signal it ({@link signalUnitScheduleChange}), or
 * - a burst is seen: at least `massChangeAgents` distinct agents whose adherence changed within `massChangeWithinMs`
 *   ({@link observeUnit}).
 * While held, every observation of the unit is kept (newest per agent) and none reaches the drift engine; at
 * `releaseAt` ({@link releaseUnit}) the newest observation per agent is applied.
 *
 * The changes that formed the burst were applied before the burst could be recognised, so they are remembered
 * (`recent`, at most `massChangeAgents - 1` agents) and, when the burst is detected, moved into the hold and
 * reported in `rebaseAgentIds`: the caller re-bases those agents with the engine's `applyDampening`, which holds
 * any episode that began at or after `burstStartedAt` until the release.
 *
 * Only `event` observations whose `adherenceChangedAt` is within the window count as changes: the adherence topic
 * also fires on routing and presence updates that leave adherenceChangeTime as it was (its payload carries
 * routingStatus and presenceUpdateTime:
 * developer.genesys.cloud/forum/t/real-time-adherence-data-by-agent/22920), and
 * REST restores repeat current states. The window is measured on Genesys's own clock (the newest
 * adherenceChangedAt seen), so skew between Genesys and this host does not matter.
 *
 * Not persisted: after a restart the Genesys client's REST restore re-supplies the current states, and dampened
 * episodes carry their own release instant (see the engine), so nothing stays held.
 */
import type { AdherenceObservation } from './adherence-observation';
import type { DriftCommand } from './drift-commands';
import type { DampeningPolicy } from './drift-policy';

/** A unit's hold: changes at or after `burstStartedAt` start their drift clock at `releaseAt` (epoch ms). */
export interface DampeningHold {
  readonly burstStartedAt: number;
  readonly releaseAt: number;
}

/** Held observations, newest first (a persistent list, so holding one costs O(1) and no copy). */
export interface HeldObservations {
  readonly observation: AdherenceObservation;
  readonly next: HeldObservations | undefined;
}

/** Dampening memory of one management unit. */
export interface UnitDampeningState {
  readonly managementUnitId: string;
  /** Newest adherenceChangedAt seen for the unit (Genesys clock), the base of the burst window. */
  readonly newestChangeAt: number;
  /** The newest recent change per agent that may still form a burst, oldest first; empty while held. */
  readonly recent: readonly AdherenceObservation[];
  readonly hold?: DampeningHold;
  readonly held?: HeldObservations;
}

/** What to do with an observation, or what a signal started. */
export type DampeningDecision =
  | { readonly kind: 'pass' }
  | { readonly kind: 'held' }
  | {
      readonly kind: 'holdStarted';
      readonly hold: DampeningHold;
      /** Agents whose earlier changes belong to the burst: re-base them with `applyDampening`. */
      readonly rebaseAgentIds: readonly string[];
      /** `scheduleCheck` for `unit:<managementUnitId>` at `releaseAt`. */
      readonly commands: readonly DriftCommand[];
    };

/** A transition's result: the unit's next dampening state and the decision. */
export interface DampeningStep {
  readonly state: UnitDampeningState;
  readonly decision: DampeningDecision;
}

/** What a release hands back: the unit's state (no longer held) and the newest held observation per agent. */
export interface DampeningRelease {
  readonly state: UnitDampeningState;
  readonly hold: DampeningHold | undefined;
  readonly observations: readonly AdherenceObservation[];
}

const PASS: DampeningDecision = Object.freeze({ kind: 'pass' });
const HELD: DampeningDecision = Object.freeze({ kind: 'held' });

/** Scheduler key of a unit's dampening release. */
export function unitReleaseKey(managementUnitId: string): string {
  return `unit:${managementUnitId}`;
}

/** A fresh, unheld dampening state for a unit. */
function createUnitDampeningState(managementUnitId: string): UnitDampeningState {
  return { managementUnitId, newestChangeAt: Number.NEGATIVE_INFINITY, recent: [] };
}

/** True while the unit's observations are being held. */
export function isUnitHeld(state: UnitDampeningState | undefined): boolean {
  return state?.hold !== undefined;
}

/** True when the hold has an observation of this agent waiting for the release. */
export function hasHeldObservation(state: UnitDampeningState | undefined, agentId: string): boolean {
  for (let node = state?.held; node !== undefined; node = node.next)
    if (node.observation.agentId === agentId) return true;
  return false;
}

/** Routes one observation of the unit: pass it on, hold it, or start a hold because it completes a burst; pure. */
export function observeUnit(
  current: UnitDampeningState | undefined,
  observation: AdherenceObservation,
  policy: DampeningPolicy,
  now: number,
): DampeningStep {
  const state = current ?? createUnitDampeningState(observation.managementUnitId);
  if (state.hold !== undefined) {
    return { state: { ...state, held: { observation, next: state.held } }, decision: HELD };
  }
  // A window of 0 turns dampening off (DRIFT_DAMPENING_WINDOW): no burst is held, no drift clock re-based.
  if (policy.windowMs <= 0 || observation.source !== 'event' || observation.removedFromUnit)
    return { state, decision: PASS };
  const changedAt = observation.adherenceChangedAt;
  const newestChangeAt = changedAt > state.newestChangeAt ? changedAt : state.newestChangeAt;
  const horizon = newestChangeAt - policy.massChangeWithinMs;
  if (changedAt < horizon) return { state, decision: PASS };
  // Hot path: one small array of at most massChangeAgents entries; no other allocation.
  const recent: AdherenceObservation[] = [];
  for (const entry of state.recent) {
    if (entry.adherenceChangedAt >= horizon && entry.agentId !== observation.agentId) recent.push(entry);
  }
  recent.push(observation);
  if (recent.length < policy.massChangeAgents) {
    return { state: { managementUnitId: state.managementUnitId, newestChangeAt, recent }, decision: PASS };
  }
  let burstStartedAt = changedAt;
  let held: HeldObservations | undefined;
  for (const entry of recent) {
    if (entry.adherenceChangedAt < burstStartedAt) burstStartedAt = entry.adherenceChangedAt;
    held = { observation: entry, next: held };
  }
  const hold: DampeningHold = { burstStartedAt, releaseAt: now + policy.windowMs };
  // The completing agent is included too: an earlier change of theirs inside the window was applied already.
  const rebaseAgentIds = recent.map((entry) => entry.agentId);
  return {
    state: { managementUnitId: state.managementUnitId, newestChangeAt, recent: [], hold, held },
    decision: {
      kind: 'holdStarted',
      hold,
      rebaseAgentIds,
      commands: [releaseCommand(state.managementUnitId, hold.releaseAt)],
    },
  };
}

/**
 * Starts (or extends) a hold because Genesys signalled a schedule change for the unit; pure. The recent changes
 * are taken into the hold too, since the signal often arrives after the adherence changes it caused. An extended
 * hold reports every held agent for re-basing, so their clocks start at the new release.
 */
export function signalUnitScheduleChange(
  current: UnitDampeningState | undefined,
  managementUnitId: string,
  policy: DampeningPolicy,
  now: number,
): DampeningStep {
  const state = current ?? createUnitDampeningState(managementUnitId);
  const releaseAt = now + policy.windowMs;
  if (state.hold !== undefined) {
    if (releaseAt <= state.hold.releaseAt) return { state, decision: HELD };
    const hold: DampeningHold = { burstStartedAt: state.hold.burstStartedAt, releaseAt };
    const rebaseAgentIds = [...new Set(listHeld(state.held).map((observation) => observation.agentId))];
    return {
      state: { ...state, hold },
      decision: {
        kind: 'holdStarted',
        hold,
        rebaseAgentIds,
        commands: [releaseCommand(managementUnitId, releaseAt)],
      },
    };
  }
  // Recent changes still inside the burst window (on Genesys's clock) belong to the schedule change.
  const horizon = state.newestChangeAt - policy.massChangeWithinMs;
  let burstStartedAt = now;
  let held: HeldObservations | undefined;
  const rebaseAgentIds: string[] = [];
  for (const entry of state.recent) {
    if (entry.adherenceChangedAt < horizon) continue;
    if (entry.adherenceChangedAt < burstStartedAt) burstStartedAt = entry.adherenceChangedAt;
    held = { observation: entry, next: held };
    rebaseAgentIds.push(entry.agentId);
  }
  const hold: DampeningHold = { burstStartedAt, releaseAt };
  return {
    state: { managementUnitId, newestChangeAt: state.newestChangeAt, recent: [], hold, held },
    decision: {
      kind: 'holdStarted',
      hold,
      rebaseAgentIds,
      commands: [releaseCommand(managementUnitId, releaseAt)],
    },
  };
}

/** Ends the unit's hold and returns the newest held observation per agent (by adherenceChangedAt, then observedAt); pure. */
export function releaseUnit(
  current: UnitDampeningState | undefined,
  managementUnitId: string,
): DampeningRelease {
  const state = current ?? createUnitDampeningState(managementUnitId);
  const newest = new Map<string, AdherenceObservation>();
  for (const observation of listHeld(state.held).reverse()) {
    const seen = newest.get(observation.agentId);
    if (seen === undefined || !isOlder(observation, seen)) newest.set(observation.agentId, observation);
  }
  return {
    state: { managementUnitId: state.managementUnitId, newestChangeAt: state.newestChangeAt, recent: [] },
    hold: state.hold,
    observations: [...newest.values()],
  };
}

function isOlder(a: AdherenceObservation, b: AdherenceObservation): boolean {
  return (
    a.adherenceChangedAt < b.adherenceChangedAt ||
    (a.adherenceChangedAt === b.adherenceChangedAt && a.observedAt < b.observedAt)
  );
}

function listHeld(held: HeldObservations | undefined): AdherenceObservation[] {
  const list: AdherenceObservation[] = [];
  for (let node = held; node !== undefined; node = node.next) list.push(node.observation);
  return list;
}

function releaseCommand(managementUnitId: string, dueAt: number): DriftCommand {
  return { type: 'scheduleCheck', key: unitReleaseKey(managementUnitId), dueAt };
}
