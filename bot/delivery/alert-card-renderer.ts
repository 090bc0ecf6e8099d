import type { AlertKind, OutboxAlert } from '../../src/app/ports/alert-outbox';
import type { Clock } from '../../src/platform/clock';
import type { DriftEpisode } from '../../src/domain/drift-episode';
import type { AdaptiveCard } from '../cards/adaptive-card';
import { describeEpisode } from '../cards/episode-view';
import { buildNudgeCard } from '../cards/nudge-card';
import { buildSupervisorAlertCard } from '../cards/supervisor-alert-card';
import type { TeamAwareDirectory } from '../commands/watch-target-resolver';

/** Why the agent's nudge of an episode could not be delivered, read from the episode's dead-lettered outbox row. */
function nudgeUndeliverableReason(rows: readonly OutboxAlert[]): string | undefined {
  const dead = rows.find((row) => row.recipient === 'agent' && row.status === 'deadLettered');
  if (dead === undefined) return undefined;
  return (dead.lastError ?? 'delivery failed').replace(/^recipient gone: /, '');
}

/** Renders the card of an alert kind for an episode, the same way for first sends, updates and invoke answers. */
export class AlertCardRenderer {
  constructor(
    private readonly deps: {
      readonly directory: TeamAwareDirectory;
      readonly clock: Clock;
      readonly wfmUrl?: string;
    },
  ) {}

  /** The nudge card (kind `nudge`) or the supervisor card (alert and re-alert), as of now. */
  render(kind: AlertKind, episode: DriftEpisode, rows: readonly OutboxAlert[]): AdaptiveCard {
    const view = describeEpisode(episode, this.deps.directory, this.deps.clock.now());
    if (kind === 'nudge') return buildNudgeCard(view);
    return buildSupervisorAlertCard(view, {
      nudgeUndeliverableReason: nudgeUndeliverableReason(rows),
      wfmUrl: this.deps.wfmUrl,
      isReAlert: kind === 'supervisorReAlert' && episode.endedAt === undefined,
    });
  }
}
