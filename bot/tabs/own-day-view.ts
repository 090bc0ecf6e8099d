import { localDateOf, startOfLocalDate } from '../../src/analytics/local-calendar';
import type { AgentProfile } from '../../src/app/ports/agent-directory';
import type { DriftHistoryStore } from '../../src/app/ports/drift-history-store';
import type { DriftStateStore } from '../../src/app/ports/drift-state-store';
import type { Clock } from '../../src/platform/clock';
import type { DriftEpisode, DriftStage, SuppressionReason } from '../../src/domain/drift-episode';
import type { DriftThresholds } from '../../src/domain/drift-policy';
import { DEFAULT_THRESHOLDS } from '../../src/domain/drift-policy';
import { describeReplyReason } from '../cards/card-actions';
import { describeCategory } from '../cards/episode-view';
import type { TeamAwareDirectory } from '../commands/watch-target-resolver';

/** One of the agent's drift episodes today, told in plain words. */
export interface OwnEpisode {
  readonly episodeId: string;
  readonly startedAt: number;
  readonly endedAt?: number;
  readonly minutes: number;
  readonly scheduled: string;
  readonly actual: string;
  /** How it ended, e.g. "Back on schedule after the check-in". */
  readonly outcome: string;
  readonly yourReply?: string;
}

/** The agent's own day: the drift now (if any), today's episodes and the thresholds that apply. */
export interface OwnDay {
  readonly now: number;
  readonly timeZone: string;
  readonly agent: { readonly name: string; readonly firstName: string; readonly unitName: string };
  readonly current?: {
    readonly scheduled: string;
    readonly actual: string;
    readonly driftStartedAt: number;
    readonly minutes: number;
    readonly stage: DriftStage;
    readonly heldBecause?: SuppressionReason;
    readonly yourReply?: string;
  };
  readonly thresholds: DriftThresholds;
  readonly today: readonly OwnEpisode[];
}

/** Ports of {@link OwnDayView}. */
export interface OwnDayViewDeps {
  readonly driftState: Pick<DriftStateStore, 'get'>;
  readonly history: Pick<DriftHistoryStore, 'list'>;
  readonly directory: TeamAwareDirectory;
  readonly clock: Clock;
  readonly thresholdsFor?: (managementUnitId: string, scheduledActivityCategory?: string) => DriftThresholds;
}

const SUPPRESSED_WORDS: Readonly<Record<SuppressionReason, string>> = {
  excludedActivity: 'Not counted: this activity never triggers check-ins',
  approvedOvertime: 'Covered: approved overtime',
  overtimeActivity: 'Covered: overtime in your schedule',
  approvedExplanation: 'Covered by an approved explanation in your schedule',
  timeOff: 'Covered: time off',
  snoozed: 'Your supervisor had paused check-ins',
  dampened: 'Part of a schedule change: not counted',
  positiveImpact: 'Not counted: you were helping out (positive impact)',
  outOfOffice: 'Covered: out of office',
};

/** How an episode ended, in a tone that explains rather than polices. */
function describeOwnOutcome(episode: DriftEpisode): string {
  switch (episode.outcome) {
    case undefined:
      return 'Still going';
    case 'resolvedBeforeNudge':
      return 'Back on schedule before any check-in';
    case 'resolvedAfterNudge':
      return 'Back on schedule after the check-in';
    case 'resolvedAfterSupervisorAlert':
      return 'Back on schedule; your supervisor had been told';
    case 'becameFormalException':
      return 'Went past the exception threshold';
    case 'suppressed':
      return episode.suppression ? SUPPRESSED_WORDS[episode.suppression] : 'No check-in was needed';
    case 'removedFromUnit':
      return 'Closed (you moved unit)';
  }
}

/**
 * The agent self-view of "my drift window": only the agent's own rows (state and today's history in the unit's time
 * zone); nothing about other agents.
 */
export class OwnDayView {
  constructor(private readonly deps: OwnDayViewDeps) {}

  async build(agent: AgentProfile): Promise<OwnDay> {
    const { clock, directory } = this.deps;
    const now = clock.now();
    const unit = directory.getUnit(agent.managementUnitId);
    const timeZone = unit?.timeZone ?? 'UTC';
    const state = await this.deps.driftState.get({
      managementUnitId: agent.managementUnitId,
      agentId: agent.id,
    });
    const open = state?.episode && state.episode.endedAt === undefined ? state.episode : undefined;
    const today: OwnEpisode[] = [];
    const seen = new Set<string>();
    for await (const record of this.deps.history.list({
      from: startOfLocalDate(localDateOf(now, timeZone), timeZone),
      to: now + 1,
      managementUnitIds: [agent.managementUnitId],
    })) {
      const episode = record.episode;
      if (episode.agentId !== agent.id || episode.id === open?.id || seen.has(episode.id)) continue;
      seen.add(episode.id);
      today.push(describeOwnEpisode(episode, now));
    }
    if (open) today.push(describeOwnEpisode(open, now));
    today.sort((a, b) => a.startedAt - b.startedAt);
    const reply = open?.agentReply;
    return {
      now,
      timeZone,
      agent: {
        name: agent.name,
        firstName: agent.name.split(' ')[0] ?? agent.name,
        unitName: unit?.name ?? '',
      },
      current: open && {
        scheduled: describeCategory(open.scheduledActivityCategory),
        actual: describeCategory(open.actualActivityCategory),
        driftStartedAt: open.driftStartedAt,
        minutes: Math.max(0, Math.floor((now - open.driftStartedAt) / 60_000)),
        stage: open.stage,
        heldBecause: open.suppression,
        yourReply: reply && describeReplyReason(reply.reason),
      },
      thresholds:
        this.deps.thresholdsFor?.(agent.managementUnitId, open?.scheduledActivityCategory) ??
        DEFAULT_THRESHOLDS,
      today,
    };
  }
}

function describeOwnEpisode(episode: DriftEpisode, now: number): OwnEpisode {
  const reply = episode.agentReply;
  return {
    episodeId: episode.id,
    startedAt: episode.driftStartedAt,
    endedAt: episode.endedAt,
    minutes: Math.max(0, Math.floor(((episode.endedAt ?? now) - episode.driftStartedAt) / 60_000)),
    scheduled: describeCategory(episode.scheduledActivityCategory),
    actual: describeCategory(episode.actualActivityCategory),
    outcome: describeOwnOutcome(episode),
    yourReply: reply && describeReplyReason(reply.reason),
  };
}
