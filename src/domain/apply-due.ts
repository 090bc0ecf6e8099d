/**
 * The due-check transition of the drift core: what an agent's scheduled check does at `now` (nudge, supervisor alert,
 * formal exception, ends of snoozes, holds and approvals), and whether the schedule pre-check must come first. Pure.
 */
import type { DriftCommand } from './drift-commands';
import { finish, type DriftDecision } from './drift-decision';
import type { AgentDriftState } from './drift-episode';
import type { DriftPolicy } from './drift-policy';
import { continuationEpisode, endEpisode, hasCards, isEscalating, withStage } from './episode-lifecycle';
import { clockStartOf, dueInstants, thresholdsOf, withPlan } from './next-due-plan';
import { withFields } from './with-fields';

/** Runs the agent's scheduled check at `now`: escalates what is due, ends holds and snoozes, re-alerts once; pure. */
export function applyDue(current: AgentDriftState, policy: DriftPolicy, now: number): DriftDecision {
  const commands: DriftCommand[] = [];
  let episode = current.episode;
  let snoozedUntil = current.snoozedUntil;
  let isReAlertDue = false;
  if (snoozedUntil !== undefined && now >= snoozedUntil) {
    snoozedUntil = undefined;
    isReAlertDue =
      episode !== undefined &&
      episode.snoozed !== undefined &&
      episode.supervisorAlertedAt !== undefined &&
      episode.reAlertedAt === undefined;
  }
  if (episode === undefined)
    return finish(current, withPlan(withFields(current, { snoozedUntil }), policy), commands);
  if (snoozedUntil === undefined && episode.suppression === 'snoozed')
    episode = withFields(episode, { suppression: undefined });
  if (
    episode.suppression === 'approvedOvertime' &&
    episode.approvedOvertime !== undefined &&
    now >= episode.approvedOvertime.until
  ) {
    const until = episode.approvedOvertime.until;
    endEpisode(episode, { endedAt: until }, commands);
    // The approval ran out while the agent is still out of adherence: that is a new stretch of drift from `until`.
    episode =
      current.lastAdherenceState === 'OutOfAdherence'
        ? continuationEpisode(episode, until, snoozedUntil !== undefined && snoozedUntil > now)
        : undefined;
    isReAlertDue = false;
  }
  if (episode !== undefined && episode.suppression === 'dampened' && now >= clockStartOf(episode)) {
    episode = withFields(episode, { suppression: snoozedUntil !== undefined ? 'snoozed' : undefined });
  }
  if (episode !== undefined && current.lastAdherenceState !== 'Unknown' && isEscalating(episode)) {
    const start = clockStartOf(episode);
    const due = dueInstants(thresholdsOf(policy, episode), start);
    if (episode.acknowledged === undefined && (snoozedUntil === undefined || now >= snoozedUntil)) {
      if (isReAlertDue) {
        episode = withFields(episode, { reAlertedAt: now });
        commands.push(
          { type: 'alertSupervisor', episode, isReAlert: true },
          { type: 'updateCards', episode, change: 'reAlerted' },
        );
      }
      if (
        episode.nudgedAt === undefined &&
        episode.supervisorAlertedAt === undefined &&
        episode.formalExceptionAt === undefined &&
        now >= due.nudgeAt
      ) {
        episode = withStage(withFields(episode, { nudgedAt: now }));
        commands.push({ type: 'nudgeAgent', episode });
      }
      if (episode.supervisorAlertedAt === undefined && now >= due.supervisorAt) {
        if (episode.impact === 'Positive') {
          // Positive impact (kept open only for DRIFT_POSITIVE_IMPACT=nudge): the agent had the note, the supervisor
          // gets nothing, and the episode is kept as suppressed with that reason.
          episode = withFields(episode, { suppression: 'positiveImpact' });
        } else {
          episode = withStage(withFields(episode, { supervisorAlertedAt: now }));
          commands.push({ type: 'alertSupervisor', episode, isReAlert: false });
        }
      }
    }
    if (isEscalating(episode) && episode.formalExceptionAt === undefined && now >= due.exceptionAt) {
      episode = withStage(withFields(episode, { formalExceptionAt: now }));
      commands.push({ type: 'recordFormalException', episode }, { type: 'writeHistory', episode });
      if (hasCards(episode)) commands.push({ type: 'updateCards', episode, change: 'formalException' });
    }
  }
  const next: AgentDriftState = withFields(current, { episode, snoozedUntil });
  return finish(current, withPlan(next, policy), commands);
}

/**
 * True when the agent's first nudge is due at `now` and the episode has no schedule pre-check yet: the caller
 * should ask its ScheduleCoverageChecker and apply a `scheduleChecked` action before {@link applyDue}; pure.
 */
export function needsScheduleCheck(
  current: AgentDriftState | undefined,
  policy: DriftPolicy,
  now: number,
): boolean {
  const episode = current?.episode;
  if (current === undefined || episode === undefined) return false;
  if (
    episode.scheduleCoverage !== undefined ||
    episode.nudgedAt !== undefined ||
    episode.supervisorAlertedAt !== undefined
  )
    return false;
  if (
    episode.formalExceptionAt !== undefined ||
    episode.acknowledged !== undefined ||
    current.lastAdherenceState === 'Unknown'
  )
    return false;
  if (
    episode.suppression !== undefined &&
    episode.suppression !== 'snoozed' &&
    episode.suppression !== 'dampened'
  )
    return false;
  if (current.snoozedUntil !== undefined && now < current.snoozedUntil) return false;
  if (episode.suppression === 'dampened' && now < clockStartOf(episode)) return false;
  return now >= dueInstants(thresholdsOf(policy, episode), clockStartOf(episode)).nudgeAt;
}
