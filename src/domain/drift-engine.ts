/**
 * The drift core: pure transitions of one agent's drift state. Each function takes the current state, an input
 * (an observation, a due check, a card action) and `now` (epoch ms), and returns the next state plus the side
 * effects as data ({@link DriftCommand}); it never reads a clock, never does I/O and never runs a command.
 *
 * An episode starts at Genesys's `adherenceChangedAt` (never the receipt time) and escalates, counted from its
 * clock start (`clockStartedAt ?? driftStartedAt`): nudge, supervisor alert, formal exception (see thresholds.ts).
 * `state.nextDueAt` is always the absolute instant of the agent's pending check (`agent:<agentId>`), or undefined.
 *
 * What each observation does (the README carries the same table):
 *
 * | observation                                   | no open episode                      | open episode                                                    |
 * |-----------------------------------------------|--------------------------------------|-----------------------------------------------------------------|
 * | `OutOfAdherence`                               | opens a drifting episode             | continues it; a newer adherenceChangedAt after `OutOfAdherence` or `Explained` means a change was missed or a suppression lapsed: the episode ends and a new one opens; after `Unknown` it resumes with its clock |
 * | `OutOfAdherence` in an excluded category/code  | opens a suppressed episode (`excludedActivity`), kept in history | suppresses it                          |
 * | `OutOfAdherence` in an overtime activity code  | opens a suppressed episode (`overtimeActivity`) | suppresses it                                        |
 * | `OutOfAdherence` with an Approved explanation  | opens a suppressed episode (`approvedExplanation`) | suppresses it                                     |
 * | `Explained`                                    | opens a suppressed episode (`approvedExplanation`) | suppresses it (it stays open until the agent is back) |
 * | `InAdherence`, `Unscheduled`                   | nothing                              | ends it (Genesys counts no adherence outside the schedule)       |
 * | `Ignored`                                      | nothing (no evidence of drift)       | ends it as excluded (`excludedActivity`, outcome `suppressed` unless it already became a formal exception) |
 * | `Unknown` (and any unknown value)              | nothing                              | pauses it: the clock keeps its start, no check is pending, nothing escalates until a known state arrives |
 * | `removedFromUnit`                              | nothing                              | ends it (`removedFromUnit`); the agent's state is deleted        |
 *
 * Outcome of an ended episode: `removedFromUnit`; else `becameFormalException` once recorded; else `suppressed`
 * while suppressed; else by the last stage reached (resolved before nudge / after nudge / after supervisor alert).
 * A suppressed episode (excluded, overtime, approved explanation, approved overtime, time off) never nudges,
 * alerts or records a formal exception; a held one (`snoozed`, `dampened`) resumes when the hold ends and its
 * formal exception is still recorded (snoozed) or counted from the release (dampened).
 */
import type { AdherenceObservation, AdherenceState } from './adherence-observation';
import type {
  ActionResult,
  ClampReason,
  DriftAction,
  DriftCommand,
  EpisodeChange,
  IgnoredReason,
} from './drift-commands';
import type {
  AgentDriftState,
  DriftEpisode,
  DriftOutcome,
  DriftStage,
  ScheduleCoverage,
  SuppressionReason,
} from './drift-episode';
import type { DriftPolicy, DriftThresholds } from './drift-policy';
import { fingerprintOf, isChangeTimeBelievable, judgeChangeTime, judgeOrder } from './observation-judgement';
import { resolveThresholds } from './thresholds';
import type { DampeningHold } from './unit-dampener';

/** The result of one transition: the next state (undefined: delete the row), the commands, and why it was ignored. */
export interface DriftDecision {
  readonly state: AgentDriftState | undefined;
  readonly commands: readonly DriftCommand[];
  readonly ignored?: IgnoredReason;
  /** Set when the observation was applied with its change time clamped (see observation-judgement.ts). */
  readonly clamped?: ClampReason;
}

/** Options of {@link applyObservation}. */
export interface ApplyObservationOptions {
  /** A new episode's escalation clock starts here if later than its adherenceChangedAt (dampening release). */
  readonly clockStartsAt?: number;
}

const NO_COMMANDS: readonly DriftCommand[] = Object.freeze([]);

/** Scheduler key of an agent's next check. */
export function agentCheckKey(agentId: string): string {
  return `agent:${agentId}`;
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
      commands = endEpisode(episode, observation.observedAt, 'removedFromUnit', undefined, commands);
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
        endedAt,
        undefined,
        kind === 'endExcluded' ? 'excludedActivity' : undefined,
        commands,
      );
      episode = undefined;
    }
  } else if (kind === 'drift') {
    if (episode === undefined) {
      episode = openEpisode(
        observation,
        changedAt,
        agentId,
        managementUnitId,
        teamId,
        undefined,
        activeSnoozeUntil,
        options?.clockStartsAt,
      );
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
      commands = endEpisode(
        episode,
        Math.max(changedAt, episode.driftStartedAt),
        undefined,
        undefined,
        commands,
      );
      episode = openEpisode(
        observation,
        changedAt,
        agentId,
        managementUnitId,
        teamId,
        undefined,
        activeSnoozeUntil,
        options?.clockStartsAt,
      );
    }
  } else if (kind !== 'pause') {
    if (episode === undefined) {
      episode = openEpisode(
        observation,
        changedAt,
        agentId,
        managementUnitId,
        teamId,
        kind,
        undefined,
        undefined,
      );
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
    endEpisode(episode, until, undefined, undefined, commands);
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

/** Applies a card action or the schedule pre-check to the agent's current episode; pure. */
export function applyAction(
  current: AgentDriftState | undefined,
  action: DriftAction,
  policy: DriftPolicy,
  now: number,
): DriftDecision & { readonly result: ActionResult } {
  const episode = current?.episode;
  if (current === undefined || episode === undefined || episode.id !== action.episodeId) {
    return { state: current, commands: NO_COMMANDS, result: 'stale' };
  }
  const unchanged = { state: current, commands: NO_COMMANDS, result: 'unchanged' as const };
  let next: DriftEpisode;
  let snoozedUntil = current.snoozedUntil;
  let change: EpisodeChange | undefined;
  let shouldWriteHistory = false;
  switch (action.type) {
    case 'acknowledge':
      if (episode.acknowledged !== undefined) return unchanged;
      next = withFields(episode, { acknowledged: { by: action.by, at: action.at } });
      change = 'acknowledged';
      break;
    case 'snooze':
      if (action.until <= now || episode.snoozed?.until === action.until) return unchanged;
      next = withFields(episode, { snoozed: { by: action.by, at: action.at, until: action.until } });
      snoozedUntil = action.until;
      change = 'snoozed';
      break;
    case 'approveOvertime':
      if (episode.approvedOvertime?.until === action.until) return unchanged;
      // An episode already suppressed for another reason (excluded, explained...) keeps that reason: it has no end.
      next = withFields(episode, {
        approvedOvertime: { by: action.by, at: action.at, until: action.until },
        suppression: isApprovalSuppression(episode.suppression) ? episode.suppression : 'approvedOvertime',
      });
      change = 'approvedOvertime';
      shouldWriteHistory = true;
      break;
    case 'agentReply': {
      const reply = episode.agentReply;
      if (reply !== undefined && reply.reason === action.reason && reply.text === action.text)
        return unchanged;
      next = withFields(episode, {
        agentReply: { by: action.by, at: action.at, reason: action.reason, text: action.text },
      });
      // An agent's own word is not an approval unless the operator allows it (policy.allowSelfDeclaredOvertime).
      if (
        action.reason === 'approvedOvertime' &&
        policy.allowSelfDeclaredOvertime &&
        !isApprovalSuppression(episode.suppression)
      ) {
        next = withFields(next, { suppression: 'approvedOvertime' });
        shouldWriteHistory = true;
      }
      change = 'agentReplied';
      break;
    }
    case 'scheduleChecked': {
      if (episode.scheduleCoverage !== undefined) return unchanged;
      next = withFields(episode, { scheduleCoverage: action.coverage });
      const reason = suppressionOfCoverage(action.coverage);
      if (reason !== undefined && !isApprovalSuppression(episode.suppression)) {
        next = withFields(next, { suppression: reason });
        change = 'suppressed';
      }
      break;
    }
  }
  const commands: DriftCommand[] = [];
  if (change !== undefined && hasCards(next)) commands.push({ type: 'updateCards', episode: next, change });
  if (shouldWriteHistory) commands.push({ type: 'writeHistory', episode: next });
  const decision = finish(
    current,
    withPlan(withFields(current, { episode: next, snoozedUntil }), policy),
    commands,
  );
  return { state: decision.state, commands: decision.commands, result: 'applied' };
}

/**
 * Re-bases an agent at the start of a unit's dampening hold: an open episode that began at or after the burst
 * (and has not escalated or been approved) is held (`dampened`) and its clock moved to the release; pure.
 */
export function applyDampening(
  current: AgentDriftState | undefined,
  hold: DampeningHold,
  policy: DriftPolicy,
): DriftDecision {
  const episode = current?.episode;
  if (
    current === undefined ||
    episode === undefined ||
    episode.driftStartedAt < hold.burstStartedAt ||
    episode.nudgedAt !== undefined ||
    episode.supervisorAlertedAt !== undefined ||
    isApprovalSuppression(episode.suppression) ||
    (episode.suppression === 'dampened' && episode.clockStartedAt === hold.releaseAt)
  ) {
    return { state: current, commands: NO_COMMANDS };
  }
  const next = withFields(current, {
    episode: withFields(episode, { suppression: 'dampened', clockStartedAt: hold.releaseAt }),
  });
  return finish(current, withPlan(next, policy), []);
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

/** Milestones of an episode as absolute instants, kept strictly in ladder order even if thresholds are not. */
function dueInstants(
  thresholds: DriftThresholds,
  start: number,
): { nudgeAt: number; supervisorAt: number; exceptionAt: number } {
  const nudgeAt = start + thresholds.nudgeAfterMs;
  const supervisorAt = Math.max(nudgeAt, start + thresholds.supervisorAfterMs);
  return { nudgeAt, supervisorAt, exceptionAt: Math.max(supervisorAt, start + thresholds.exceptionAfterMs) };
}

function thresholdsOf(policy: DriftPolicy, episode: DriftEpisode): DriftThresholds {
  return resolveThresholds(policy, episode.managementUnitId, episode.scheduledActivityCategory);
}

function clockStartOf(episode: DriftEpisode): number {
  return episode.clockStartedAt ?? episode.driftStartedAt;
}

/** Suppressions that approve the drift (no nudge, alert or formal exception), as opposed to holds (snoozed, dampened). */
function isApprovalSuppression(reason: SuppressionReason | undefined): boolean {
  return reason !== undefined && reason !== 'snoozed' && reason !== 'dampened';
}

/** Suppressions that last only while Genesys says so (Positive impact, out of office): lifted when it stops saying it. */
function isTransientSuppression(reason: SuppressionReason | undefined): boolean {
  return reason === 'positiveImpact' || reason === 'outOfOffice';
}

function isEscalating(episode: DriftEpisode): boolean {
  return episode.suppression === undefined || episode.suppression === 'snoozed';
}

function hasCards(episode: DriftEpisode): boolean {
  return episode.nudgedAt !== undefined || episode.supervisorAlertedAt !== undefined;
}

function suppressionOfCoverage(coverage: ScheduleCoverage): SuppressionReason | undefined {
  switch (coverage) {
    case 'overtime':
      return 'overtimeActivity';
    case 'timeOff':
      return 'timeOff';
    case 'explained':
      return 'approvedExplanation';
    default:
      return undefined;
  }
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

function openEpisode(
  observation: AdherenceObservation,
  driftStartedAt: number,
  agentId: string,
  managementUnitId: string,
  teamId: string | undefined,
  suppression: SuppressionReason | undefined,
  snoozedUntil: number | undefined,
  clockStartsAt: number | undefined,
): DriftEpisode {
  return {
    id: `${agentId}:${driftStartedAt}`,
    agentId,
    managementUnitId,
    teamId,
    driftStartedAt,
    clockStartedAt: clockStartsAt !== undefined && clockStartsAt > driftStartedAt ? clockStartsAt : undefined,
    scheduledActivityCategory: observation.scheduledActivityCategory,
    scheduledActivityCodeId: observation.scheduledActivityCodeId,
    actualActivityCategory: observation.actualActivityCategory,
    impact: observation.impact,
    stage: 'drifting',
    suppression: suppression ?? (snoozedUntil !== undefined ? 'snoozed' : undefined),
  };
}

/**
 * `{ ...base, ...fields }`, written as Object.assign on purpose: in V8 (Node 20) an object spread followed by a key the
 * source lacks (`{ ...episode, endedAt }`, or any key a state read back from storage dropped as undefined) takes the
 * runtime's slow path and gives every result a hidden class of its own, about 2 µs per call and megamorphic reads of
 * every episode after it; Object.assign gives the same own keys, order and values with shared hidden classes.
 */
function withFields<T extends object>(base: T, fields: Partial<T>): T {
  return Object.assign({}, base, fields);
}

/** `held` when it equals `value`: the same string, without keeping a second copy of it alive. */
function keep<T>(held: T, value: T): T {
  return held === value ? held : value;
}

function continuationEpisode(previous: DriftEpisode, startedAt: number, isSnoozed: boolean): DriftEpisode {
  return {
    id: `${previous.agentId}:${startedAt}`,
    agentId: previous.agentId,
    managementUnitId: previous.managementUnitId,
    teamId: previous.teamId,
    driftStartedAt: startedAt,
    scheduledActivityCategory: previous.scheduledActivityCategory,
    scheduledActivityCodeId: previous.scheduledActivityCodeId,
    actualActivityCategory: previous.actualActivityCategory,
    stage: 'drifting',
    suppression: isSnoozed ? 'snoozed' : undefined,
  };
}

function stageOf(episode: DriftEpisode): DriftStage {
  if (episode.formalExceptionAt !== undefined) return 'formalException';
  if (episode.supervisorAlertedAt !== undefined) return 'supervisorAlerted';
  return episode.nudgedAt !== undefined ? 'nudged' : 'drifting';
}

function withStage(episode: DriftEpisode): DriftEpisode {
  const stage = stageOf(episode);
  return stage === episode.stage ? episode : withFields(episode, { stage });
}

function outcomeOf(episode: DriftEpisode): DriftOutcome {
  if (episode.formalExceptionAt !== undefined) return 'becameFormalException';
  if (episode.suppression !== undefined) return 'suppressed';
  if (episode.supervisorAlertedAt !== undefined) return 'resolvedAfterSupervisorAlert';
  return episode.nudgedAt !== undefined ? 'resolvedAfterNudge' : 'resolvedBeforeNudge';
}

function endEpisode(
  episode: DriftEpisode,
  endedAt: number,
  outcome: DriftOutcome | undefined,
  suppression: SuppressionReason | undefined,
  commands: DriftCommand[] | undefined,
): DriftCommand[] {
  const marked =
    suppression !== undefined && episode.suppression === undefined
      ? withFields(episode, { suppression })
      : episode;
  const ended = withFields(marked, { endedAt, outcome: outcome ?? outcomeOf(marked) });
  const out = commands ?? [];
  if (hasCards(ended)) {
    const change: EpisodeChange =
      ended.outcome === 'suppressed' || ended.outcome === 'removedFromUnit'
        ? 'suppressed'
        : 'backInAdherence';
    out.push({ type: 'updateCards', episode: ended, change });
  }
  out.push({ type: 'writeHistory', episode: ended });
  return out;
}

/** The next instant the agent needs a check: the earliest pending milestone, hold end, snooze end or approval end. */
function planNextDue(
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

function withPlan(state: AgentDriftState, policy: DriftPolicy): AgentDriftState {
  const nextDueAt = planNextDue(state.episode, state.lastAdherenceState, state.snoozedUntil, policy);
  return nextDueAt === state.nextDueAt ? state : withFields(state, { nextDueAt });
}

/** Puts the scheduler commands first, so the pending check always matches `state.nextDueAt`. */
function finish(
  previous: AgentDriftState | undefined,
  next: AgentDriftState | undefined,
  commands: DriftCommand[] | undefined,
): DriftDecision {
  const before = previous?.nextDueAt;
  const after = next?.nextDueAt;
  const agentId = next?.agentId ?? previous?.agentId;
  if (before !== after && agentId !== undefined) {
    const check: DriftCommand =
      after === undefined
        ? { type: 'cancelCheck', key: agentCheckKey(agentId) }
        : { type: 'scheduleCheck', key: agentCheckKey(agentId), dueAt: after };
    if (commands === undefined) return { state: next, commands: [check] };
    commands.unshift(check);
  }
  return { state: next, commands: commands === undefined || commands.length === 0 ? NO_COMMANDS : commands };
}
