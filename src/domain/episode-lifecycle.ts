/**
 * How a drift episode is born, named and ended: opening one at Genesys's change time, continuing one after an approval
 * ran out, its stage and outcome, and the commands an ending asks for (cards, history). Pure.
 */
import type { AdherenceObservation } from './adherence-observation';
import type { DriftCommand, EpisodeChange } from './drift-commands';
import type { DriftEpisode, DriftOutcome, DriftStage, SuppressionReason } from './drift-episode';
import { withFields } from './with-fields';

/** What {@link openEpisode} needs besides the observation that opened the episode. */
export interface OpenEpisodeOptions {
  /** The episode's start: Genesys's adherenceChangedAt (or the start kept from the stretch it continues). */
  readonly driftStartedAt: number;
  readonly agentId: string;
  readonly managementUnitId: string;
  readonly teamId: string | undefined;
  /** Opened suppressed for this reason (excluded, overtime, approved explanation...). */
  readonly suppression?: SuppressionReason;
  /** The agent's active snooze: a new episode is held (`snoozed`) until it ends. */
  readonly snoozedUntil?: number;
  /** The escalation clock starts here if later than `driftStartedAt` (dampening release). */
  readonly clockStartsAt?: number;
}

/** A new episode opened by `observation`, drifting or suppressed; pure. */
export function openEpisode(observation: AdherenceObservation, options: OpenEpisodeOptions): DriftEpisode {
  const { driftStartedAt, agentId, clockStartsAt } = options;
  return {
    id: `${agentId}:${driftStartedAt}`,
    agentId,
    managementUnitId: options.managementUnitId,
    teamId: options.teamId,
    driftStartedAt,
    clockStartedAt: clockStartsAt !== undefined && clockStartsAt > driftStartedAt ? clockStartsAt : undefined,
    scheduledActivityCategory: observation.scheduledActivityCategory,
    scheduledActivityCodeId: observation.scheduledActivityCodeId,
    actualActivityCategory: observation.actualActivityCategory,
    impact: observation.impact,
    stage: 'drifting',
    suppression: options.suppression ?? (options.snoozedUntil !== undefined ? 'snoozed' : undefined),
  };
}

/** The new stretch that begins at `startedAt` when an approval ran out while the agent is still out of adherence; pure. */
export function continuationEpisode(
  previous: DriftEpisode,
  startedAt: number,
  isSnoozed: boolean,
): DriftEpisode {
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

/** How {@link endEpisode} ends an episode. */
export interface EndEpisodeOptions {
  readonly endedAt: number;
  /** The outcome when it is not the one the episode's stages say (e.g. `removedFromUnit`). */
  readonly outcome?: DriftOutcome;
  /** Marks an episode that was not suppressed yet (e.g. `excludedActivity` when Genesys says Ignored). */
  readonly suppression?: SuppressionReason;
}

/**
 * Ends an episode: appends to `commands` (a new list when undefined) the card update its sent cards need and the
 * history row, and returns the list; pure.
 */
export function endEpisode(
  episode: DriftEpisode,
  options: EndEpisodeOptions,
  commands?: DriftCommand[],
): DriftCommand[] {
  const { suppression } = options;
  const marked =
    suppression !== undefined && episode.suppression === undefined
      ? withFields(episode, { suppression })
      : episode;
  const ended = withFields(marked, {
    endedAt: options.endedAt,
    outcome: options.outcome ?? outcomeOf(marked),
  });
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

/** The episode with its `stage` following the instants it carries (a new object only when the stage changed); pure. */
export function withStage(episode: DriftEpisode): DriftEpisode {
  const stage = stageOf(episode);
  return stage === episode.stage ? episode : withFields(episode, { stage });
}

/** Suppressions that approve the drift (no nudge, alert or formal exception), as opposed to holds (snoozed, dampened). */
export function isApprovalSuppression(reason: SuppressionReason | undefined): boolean {
  return reason !== undefined && reason !== 'snoozed' && reason !== 'dampened';
}

/** Suppressions that last only while Genesys says so (Positive impact, out of office): lifted when it stops saying it. */
export function isTransientSuppression(reason: SuppressionReason | undefined): boolean {
  return reason === 'positiveImpact' || reason === 'outOfOffice';
}

/** True while the episode may still nudge or alert (not suppressed, or only snoozed). */
export function isEscalating(episode: DriftEpisode): boolean {
  return episode.suppression === undefined || episode.suppression === 'snoozed';
}

/** True once a nudge or an alert went out for the episode, so its cards must follow its changes. */
export function hasCards(episode: DriftEpisode): boolean {
  return episode.nudgedAt !== undefined || episode.supervisorAlertedAt !== undefined;
}

function stageOf(episode: DriftEpisode): DriftStage {
  if (episode.formalExceptionAt !== undefined) return 'formalException';
  if (episode.supervisorAlertedAt !== undefined) return 'supervisorAlerted';
  return episode.nudgedAt !== undefined ? 'nudged' : 'drifting';
}

function outcomeOf(episode: DriftEpisode): DriftOutcome {
  if (episode.formalExceptionAt !== undefined) return 'becameFormalException';
  if (episode.suppression !== undefined) return 'suppressed';
  if (episode.supervisorAlertedAt !== undefined) return 'resolvedAfterSupervisorAlert';
  return episode.nudgedAt !== undefined ? 'resolvedAfterNudge' : 'resolvedBeforeNudge';
}
