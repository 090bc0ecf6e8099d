import type { AgentDirectory } from '../../src/app/ports/agent-directory';
import type { DriftEpisode } from '../../src/domain/drift-episode';

/** What a card shows about an episode, with names resolved through the directory. */
export interface EpisodeView {
  readonly episode: DriftEpisode;
  readonly agentName: string;
  readonly unitName: string;
  readonly teamName?: string;
  readonly scheduledLabel: string;
  readonly actualLabel: string;
  /** Render instant (epoch ms): minutes are counted up to here, or up to the end of the episode. */
  readonly now: number;
}

/** Activity categories as people say them (the activity code `category` enum of Genesys Cloud WFM: MyPureCloud/platform-client-sdk-javascript build/docs/WorkforceManagementApi.md). */
const CATEGORY_LABELS: Readonly<Record<string, string>> = {
  OnQueueWork: 'On queue',
  Break: 'Break',
  Meal: 'Meal',
  Meeting: 'Meeting',
  OffQueueWork: 'Off-queue work',
  TimeOff: 'Time off',
  Training: 'Training',
  Unavailable: 'Unavailable',
  Unscheduled: 'Unscheduled',
};

/** A readable activity category ("OnQueueWork" -> "On queue"); unknown values are shown as they are. */
export function describeCategory(category: string | undefined): string {
  if (category === undefined || category === '') return 'unknown';
  return CATEGORY_LABELS[category] ?? category;
}

/** Resolves the names a card needs (agent, unit, team, activity code) for `episode` as of `now`; pure given the directory. */
export function describeEpisode(episode: DriftEpisode, directory: AgentDirectory, now: number): EpisodeView {
  const agent = directory.getAgent(episode.agentId);
  const unit = directory.getUnit(episode.managementUnitId);
  const codeName = episode.scheduledActivityCodeId
    ? directory.activityCodeName(episode.scheduledActivityCodeId)
    : undefined;
  const category = describeCategory(episode.scheduledActivityCategory);
  return {
    episode,
    agentName: agent?.name ?? `Agent ${episode.agentId}`,
    unitName: unit?.name ?? episode.managementUnitId,
    teamName: agent?.teamName ?? episode.teamId ?? agent?.teamId,
    scheduledLabel: codeName && codeName !== category ? `${codeName} (${category})` : category,
    actualLabel: describeCategory(episode.actualActivityCategory),
    now,
  };
}

/** Minutes of drift shown on a card: up to the end of the episode, or up to `now` while it is open. */
export function driftMinutes(view: EpisodeView): number {
  const end = view.episode.endedAt ?? view.now;
  return Math.max(0, Math.floor((end - view.episode.driftStartedAt) / 60_000));
}
