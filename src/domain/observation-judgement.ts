/**
 * The one place that decides whether a Genesys observation is believed and whether it is news, as pure functions.
 * Genesys data is input, not truth: `adherenceChangeTime` comes from another system's clock, and frames arrive late,
 * twice, out of order or mangled. The Genesys client only maps frames; the monitor asks {@link judgeChangeTime} before
 * dampening and the drift engine asks both functions before every transition, so one frame can never stop an agent
 * from being tracked.
 *
 * - Change time more than the skew allowance (default 2 min) after arrival: clamped to the arrival instant
 *   (`changeTimeInFuture`), the reported value kept in `reportedChangedAt`. Ordering uses the clamped value.
 * - Change time more than 24 h before arrival: not believed (`changeTimeTooOld`). A removal from the unit is applied
 *   whatever its change time (its timing does not matter).
 * - Older than the applied observation: `stale`. The same content again: `duplicate`.
 */
import type { AdherenceObservation } from './adherence-observation';
import type { ClampReason, IgnoredReason } from './drift-commands';
import type { AgentDriftState } from './drift-episode';
import { DEFAULT_CLOCK_SKEW_ALLOWANCE_MS, MAX_CHANGE_TIME_AGE_MS, type DriftPolicy } from './drift-policy';

/** What {@link judgeChangeTime} found: the observation to use (maybe clamped), or why none is. */
export type ChangeTimeJudgement =
  | {
      readonly observation: AdherenceObservation;
      readonly clamped?: ClampReason;
      readonly ignored?: undefined;
    }
  | { readonly ignored: 'changeTimeTooOld'; readonly observation?: undefined; readonly clamped?: undefined };

/** True when the change time needs no clamp and no refusal (the common case, checked without allocating); pure. */
export function isChangeTimeBelievable(observation: AdherenceObservation, policy: DriftPolicy): boolean {
  const changedAt = observation.adherenceChangedAt;
  const arrivedAt = observation.observedAt;
  return (
    changedAt <= arrivedAt + (policy.clockSkewAllowanceMs ?? DEFAULT_CLOCK_SKEW_ALLOWANCE_MS) &&
    (changedAt >= arrivedAt - MAX_CHANGE_TIME_AGE_MS || observation.removedFromUnit)
  );
}

/**
 * Checks `adherenceChangedAt` against the arrival instant `observedAt`: too far ahead is clamped, too far behind is
 * refused; returns the same observation when nothing changes. Idempotent (a clamped observation is not clamped again); pure.
 */
export function judgeChangeTime(observation: AdherenceObservation, policy: DriftPolicy): ChangeTimeJudgement {
  const changedAt = observation.adherenceChangedAt;
  const arrivedAt = observation.observedAt;
  if (changedAt > arrivedAt + (policy.clockSkewAllowanceMs ?? DEFAULT_CLOCK_SKEW_ALLOWANCE_MS)) {
    return {
      observation: Object.assign({}, observation, {
        adherenceChangedAt: arrivedAt,
        reportedChangedAt: observation.reportedChangedAt ?? changedAt,
      }),
      clamped: 'changeTimeInFuture',
    };
  }
  if (changedAt < arrivedAt - MAX_CHANGE_TIME_AGE_MS && !observation.removedFromUnit)
    return { ignored: 'changeTimeTooOld' };
  return { observation };
}

/**
 * Whether an observation (already through {@link judgeChangeTime}) is news for the agent's state: `stale` when older
 * than the applied one, `duplicate` when the same again, undefined when it applies. `changedAt` is the change time the
 * engine will use and `hash` the observation's {@link fingerprintOf}; pure.
 */
export function judgeOrder(
  current: AgentDriftState,
  observation: AdherenceObservation,
  changedAt: number,
  hash: number,
): IgnoredReason | undefined {
  if (changedAt < current.lastAdherenceChangedAt) return 'stale';
  if (changedAt > current.lastAdherenceChangedAt) return undefined;
  if (observation.observedAt < current.lastObservedAt) return 'stale';
  if (observation.observedAt === current.lastObservedAt) return 'duplicate';
  if (observation.adherenceState !== current.lastAdherenceState && !observation.removedFromUnit) {
    // An explanation being approved (or withdrawn) turns OutOfAdherence into Explained (or back) without a new
    // adherenceChangeTime: the explanation covers the same stretch. Any other state with the same instant is a
    // conflicting report, not a change (Genesys gives every state change its own time): the first one stands.
    return isExplanationTurn(current.lastAdherenceState, observation.adherenceState) ? undefined : 'stale';
  }
  // Same state and instant: a presence, routing, impact or explanation update within the state, or a repeat.
  return hash === current.lastObservationHash ? 'duplicate' : undefined;
}

/** True for OutOfAdherence <-> Explained, the one state change Genesys makes without a new change time. */
function isExplanationTurn(from: string, to: string): boolean {
  return (
    (from === 'OutOfAdherence' && to === 'Explained') || (from === 'Explained' && to === 'OutOfAdherence')
  );
}

/**
 * A 30-bit FNV-1a fingerprint of everything an observation says besides its agent, unit, change time and arrival (so
 * it is a small integer V8 stores inline). Two observations with equal fingerprints are taken as the same report: a
 * chance collision (about 1 in 10^9 per pair) would drop one presence or explanation update as a duplicate; pure.
 * It runs for every frame, so a value is read by its length and at most eight characters spread over it (enough for
 * Genesys's enum values and random ids; two free-form values alike in all of those would pass for the same).
 */
export function fingerprintOf(observation: AdherenceObservation): number {
  let hash = 0x811c9dc5;
  hash = mix(hash, observation.rawAdherenceState ?? observation.adherenceState);
  hash = mix(hash, observation.teamId);
  hash = mix(hash, observation.scheduledActivityCategory);
  hash = mix(hash, observation.scheduledActivityCodeId);
  hash = mix(hash, observation.actualActivityCategory);
  hash = mix(hash, observation.systemPresence);
  hash = mix(hash, observation.routingStatus);
  hash = mix(hash, observation.explanationStatus);
  hash = mix(hash, observation.impact);
  hash = mix(hash, observation.isOutOfOffice === true ? 'o' : undefined);
  hash = mix(hash, observation.removedFromUnit ? 'r' : undefined);
  hash = mix(hash, observation.isChangeTimeEstimated === true ? 'e' : undefined);
  if (observation.reportedChangedAt !== undefined) hash = mix(hash, String(observation.reportedChangedAt));
  return hash & 0x3fffffff;
}

function mix(hash: number, text: string | undefined): number {
  let h = hash;
  if (text !== undefined) {
    const length = text.length;
    h = Math.imul(h ^ length, 0x01000193);
    if (length <= 8) {
      for (let i = 0; i < length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
    } else {
      // Eight characters spread over the value, ends included: enough to tell Genesys's enum values and ids apart.
      const step = (length - 1) / 7;
      for (let i = 0; i < 8; i++) h = Math.imul(h ^ text.charCodeAt(Math.round(i * step)), 0x01000193);
    }
  }
  // A separator, so that ('ab', undefined) and ('a', 'b') differ.
  return Math.imul(h ^ 0x1f, 0x01000193);
}
