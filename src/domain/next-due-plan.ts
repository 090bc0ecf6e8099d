/**
 * When an agent next needs a check: the episode's milestones (nudge, supervisor alert, formal exception) as absolute
 * instants from its clock start, and the earliest one still pending, or a hold, snooze or approval end. Pure.
 */
import type { AgentDriftState, DriftEpisode } from './drift-episode';
import type { DriftPolicy, DriftThresholds } from './drift-policy';
import { isApprovalSuppression } from './episode-lifecycle';
import { resolveThresholds } from './thresholds';
import { withFields } from './with-fields';

/** The instants an episode's milestones fall due. */
export interface DueInstants {
  readonly nudgeAt: number;
  readonly supervisorAt: number;
  readonly exceptionAt: number;
}

/** Milestones of an episode as absolute instants, kept strictly in ladder order even if thresholds are not; pure. */
export function dueInstants(thresholds: DriftThresholds, start: number): DueInstants {
  const nudgeAt = start + thresholds.nudgeAfterMs;
  const supervisorAt = Math.max(nudgeAt, start + thresholds.supervisorAfterMs);
  return { nudgeAt, supervisorAt, exceptionAt: Math.max(supervisorAt, start + thresholds.exceptionAfterMs) };
}

/**
 * When each of an episode's messages was due (epoch ms): the nudge and the supervisor alert at their thresholds
 * counted from the clock start, the re-alert at the end of the snooze it follows (undefined while never snoozed).
 * Keys are the outbox's alert kinds; sends are measured against these (alert lateness in /metrics). Pure.
 */
export function alertDueInstants(
  episode: DriftEpisode,
  policy: DriftPolicy,
): { readonly nudge: number; readonly supervisorAlert: number; readonly supervisorReAlert?: number } {
  const due = dueInstants(thresholdsOf(policy, episode), clockStartOf(episode));
  return { nudge: due.nudgeAt, supervisorAlert: due.supervisorAt, supervisorReAlert: episode.snoozed?.until };
}

/** The thresholds that apply to the episode (its unit and scheduled activity category); pure. */
export function thresholdsOf(policy: DriftPolicy, episode: DriftEpisode): DriftThresholds {
  return resolveThresholds(policy, episode.managementUnitId, episode.scheduledActivityCategory);
}

/** Where the episode's escalation clock starts: a dampening release, else Genesys's change time. */
export function clockStartOf(episode: DriftEpisode): number {
  return episode.clockStartedAt ?? episode.driftStartedAt;
}

/**
 * The next instant the agent needs a check: the earliest pending milestone, hold end, snooze end or approval end;
 * undefined when nothing is pending (no episode, approved, or paused by `Unknown`); pure.
 */
export function planNextDue(
  episode: DriftEpisode | undefined,
  lastAdherenceState: string,
  snoozedUntil: number | undefined,
  policy: DriftPolicy,
): number | undefined {
  if (episode === undefined || lastAdherenceState === 'Unknown') return undefined;
  const suppression = episode.suppression;
  if (suppression === 'approvedOvertime') return episode.approvedOvertime?.until;
  if (isApprovalSuppression(suppression)) return undefined;
  const start = clockStartOf(episode);
  if (suppression === 'dampened') return start;
  // The milestones of dueInstants, inlined: this runs for every observation of a drifting agent.
  const thresholds = thresholdsOf(policy, episode);
  const nudgeAt = start + thresholds.nudgeAfterMs;
  const supervisorAt = Math.max(nudgeAt, start + thresholds.supervisorAfterMs);
  const exceptionAt = Math.max(supervisorAt, start + thresholds.exceptionAfterMs);
  let next = episode.formalExceptionAt === undefined ? exceptionAt : Number.POSITIVE_INFINITY;
  if (snoozedUntil !== undefined && snoozedUntil < next) next = snoozedUntil;
  if (episode.acknowledged === undefined) {
    const notBefore = snoozedUntil ?? Number.NEGATIVE_INFINITY;
    if (
      episode.nudgedAt === undefined &&
      episode.supervisorAlertedAt === undefined &&
      episode.formalExceptionAt === undefined
    ) {
      next = Math.min(next, Math.max(nudgeAt, notBefore));
    }
    if (episode.supervisorAlertedAt === undefined) next = Math.min(next, Math.max(supervisorAt, notBefore));
  }
  return next === Number.POSITIVE_INFINITY ? undefined : next;
}

/** The state with `nextDueAt` planned from its episode (the same object when it did not change); pure. */
export function withPlan(state: AgentDriftState, policy: DriftPolicy): AgentDriftState {
  const nextDueAt = planNextDue(state.episode, state.lastAdherenceState, state.snoozedUntil, policy);
  return nextDueAt === state.nextDueAt ? state : withFields(state, { nextDueAt });
}
