/**
 * The observation transition of the drift core: what one Genesys adherence observation does to an agent's state
 * (the table in drift-engine.ts). Pure.
 */
import type { AdherenceObservation, AdherenceState } from './adherence-observation';
import type { ClampReason, DriftCommand } from './drift-commands';
import { finish, NO_COMMANDS, type DriftDecision } from './drift-decision';
import type { AgentDriftState } from './drift-episode';
import type { DriftPolicy } from './drift-policy';
import {
  endEpisode,
  hasCards,
  isApprovalSuppression,
  isTransientSuppression,
  openEpisode,
} from './episode-lifecycle';
import { planNextDue } from './next-due-plan';
import { fingerprintOf, isChangeTimeBelievable, judgeChangeTime, judgeOrder } from './observation-judgement';
import { keep, withFields } from './with-fields';

/** Options of {@link applyObservation}. */
export interface ApplyObservationOptions {
  /** A new episode's escalation clock starts here if later than its adherenceChangedAt (dampening release). */
  readonly clockStartsAt?: number;
}

/**
 * Applies one observation to an agent's state. The observation is judged first (observation-judgement.ts): a change
 * time too far in the future is clamped to arrival, one over 24 h old is refused, and stale and duplicate observations
 * are ignored with a reason; pure.
 */
export function applyObservation(
  current: AgentDriftState | undefined,
  input: AdherenceObservation,
  policy: DriftPolicy,
  now: number,
  options?: ApplyObservationOptions,
): DriftDecision {
  let observation = input;
  let clamped: ClampReason | undefined;
  if (!isChangeTimeBelievable(input, policy)) {
    const judged = judgeChangeTime(input, policy);
    if (judged.ignored !== undefined)
      return { state: current, commands: NO_COMMANDS, ignored: judged.ignored };
    observation = judged.observation;
    clamped = judged.clamped;
  }
  const state = observation.adherenceState;
  // A clamped or missing time repeating the state already applied is the same stretch reported with a bad clock:
  // keep its start, so a bogus time never restarts (or forever postpones) the drift clock.
  const changedAt =
    (observation.reportedChangedAt !== undefined || observation.isChangeTimeEstimated === true) &&
    current !== undefined &&
    current.lastAdherenceState === state &&
    current.lastAdherenceChangedAt <= observation.adherenceChangedAt
      ? current.lastAdherenceChangedAt
      : observation.adherenceChangedAt;
  const hash = fingerprintOf(observation);
  if (current !== undefined) {
    const ignored = judgeOrder(current, observation, changedAt, hash);
    if (ignored !== undefined) return { state: current, commands: NO_COMMANDS, ignored };
  }
  // Hot path: most observations repeat the agent's adherence state (a presence or routing change within it) and
  // change nothing but `lastObservedAt`. So the command list is only allocated when there is a command, the next
  // state is built once (no spread, no second copy for the plan), and it keeps the strings the agent's state already
  // holds instead of each frame's fresh copies, which would otherwise be retained and promoted by the GC.
  let commands: DriftCommand[] | undefined;
  let episode = current?.episode;
  if (observation.removedFromUnit) {
    if (episode !== undefined)
      commands = endEpisode(
        episode,
        { endedAt: observation.observedAt, outcome: 'removedFromUnit' },
        commands,
      );
    return withClamp(finish(current, undefined, commands), clamped);
  }
  const isSameChange = current !== undefined && changedAt === current.lastAdherenceChangedAt;
  const agentId = current === undefined ? observation.agentId : keep(current.agentId, observation.agentId);
  const managementUnitId =
    current === undefined
      ? observation.managementUnitId
      : keep(current.managementUnitId, observation.managementUnitId);
  const teamId = current === undefined ? observation.teamId : keep(current.teamId, observation.teamId);
  // A snooze is per agent: it holds a new episode too. An expired one is left for the due check to process (re-alert).
  const activeSnoozeUntil =
    current?.snoozedUntil !== undefined && current.snoozedUntil > now ? current.snoozedUntil : undefined;
  const kind = classify(observation, policy);
  if (kind === 'end' || kind === 'endExcluded') {
    if (episode !== undefined) {
      const endedAt = Math.max(changedAt, episode.driftStartedAt);
      commands = endEpisode(
        episode,
        { endedAt, suppression: kind === 'endExcluded' ? 'excludedActivity' : undefined },
        commands,
      );
      episode = undefined;
    }
  } else if (kind === 'drift') {
    if (episode === undefined) {
      episode = openEpisode(observation, {
        driftStartedAt: changedAt,
        agentId,
        managementUnitId,
        teamId,
        snoozedUntil: activeSnoozeUntil,
        clockStartsAt: options?.clockStartsAt,
      });
    } else if (
      isSameChange ||
      (!isApprovalSuppression(episode.suppression) && current?.lastAdherenceState === 'Unknown')
    ) {
      // The same stretch goes on (a refresh, an explanation withdrawn, or the end of an `Unknown` pause): a suppression
      // that no longer holds is lifted and escalation resumes with the episode's clock.
      const lifted =
        isTransientSuppression(episode.suppression) ||
        (episode.suppression === 'approvedExplanation' && current?.lastAdherenceState === 'Explained');
      // Lifted, it escalates as what the observation now says it is (the schedule may differ from the frame that
      // opened it suppressed).
      if (lifted)
        episode = withFields(episode, {
          suppression: activeSnoozeUntil ? 'snoozed' : undefined,
          scheduledActivityCategory: observation.scheduledActivityCategory,
          scheduledActivityCodeId: observation.scheduledActivityCodeId,
        });
      if (observation.impact !== undefined && observation.impact !== episode.impact)
        episode = withFields(episode, { impact: observation.impact });
    } else {
      // Out of adherence again with a newer adherenceChangeTime: a change was missed or an approval lapsed, so the
      // old stretch is over and a new one begins.
      commands = endEpisode(episode, { endedAt: Math.max(changedAt, episode.driftStartedAt) }, commands);
      episode = openEpisode(observation, {
        driftStartedAt: changedAt,
        agentId,
        managementUnitId,
        teamId,
        snoozedUntil: activeSnoozeUntil,
        clockStartsAt: options?.clockStartsAt,
      });
    }
  } else if (kind !== 'pause') {
    if (episode === undefined) {
      episode = openEpisode(observation, {
        driftStartedAt: changedAt,
        agentId,
        managementUnitId,
        teamId,
        suppression: kind,
      });
    } else if (
      episode.suppression !== kind &&
      (!isApprovalSuppression(episode.suppression) ||
        episode.suppression === 'approvedOvertime' ||
        isTransientSuppression(episode.suppression))
    ) {
      // Genesys's own reason outranks a supervisor's approved overtime: it does not run out at `until`.
      episode = withFields(episode, { suppression: kind });
      if (observation.impact !== undefined && observation.impact !== episode.impact)
        episode = withFields(episode, { impact: observation.impact });
      if (hasCards(episode)) (commands ??= []).push({ type: 'updateCards', episode, change: 'suppressed' });
    }
  }
  const snoozedUntil = episode === undefined ? activeSnoozeUntil : current?.snoozedUntil;
  const next: AgentDriftState = {
    agentId,
    managementUnitId,
    teamId: teamId ?? current?.teamId,
    lastAdherenceState: current === undefined ? state : keep(current.lastAdherenceState, state),
    lastAdherenceChangedAt: changedAt,
    lastObservedAt: observation.observedAt,
    lastObservationHash: hash,
    episode,
    snoozedUntil,
    nextDueAt: planNextDue(episode, state, snoozedUntil, policy),
  };
  return withClamp(finish(current, next, commands), clamped);
}

function withClamp(decision: DriftDecision, clamped: ClampReason | undefined): DriftDecision {
  return clamped === undefined ? decision : { state: decision.state, commands: decision.commands, clamped };
}

type ObservationKind =
  | 'drift'
  | 'end'
  | 'endExcluded'
  | 'pause'
  | 'excludedActivity'
  | 'overtimeActivity'
  | 'approvedExplanation'
  | 'outOfOffice'
  | 'positiveImpact';

function classify(observation: AdherenceObservation, policy: DriftPolicy): ObservationKind {
  const state: AdherenceState = observation.adherenceState;
  switch (state) {
    case 'InAdherence':
    case 'Unscheduled':
      return 'end';
    case 'Ignored':
      return 'endExcluded';
    case 'OutOfAdherence':
    case 'Explained': {
      if (isExcluded(observation, policy)) return 'excludedActivity';
      if (state === 'Explained') return 'approvedExplanation';
      const code = observation.scheduledActivityCodeId;
      if (code !== undefined && policy.overtimeActivityCodeIds.includes(code)) return 'overtimeActivity';
      if (observation.explanationStatus === 'Approved') return 'approvedExplanation';
      if (observation.isOutOfOffice === true) return 'outOfOffice';
      // Positive impact with `nudge`: a drift (the episode carries the impact) that stops before the supervisor alert.
      if (observation.impact === 'Positive' && policy.positiveImpact !== 'nudge') return 'positiveImpact';
      return 'drift';
    }
    default:
      // `Unknown`, and any value the mapper could not place (it arrives as `Unknown` with the raw value alongside).
      return 'pause';
  }
}

function isExcluded(observation: AdherenceObservation, policy: DriftPolicy): boolean {
  const category = observation.scheduledActivityCategory;
  const code = observation.scheduledActivityCodeId;
  return (
    (category !== undefined && policy.excludedCategories.includes(category)) ||
    (code !== undefined && policy.excludedActivityCodeIds.includes(code))
  );
}
