import type { EpisodeChange } from '../domain/drift-commands';
import type { DriftEpisode } from '../domain/drift-episode';
import type { Logger } from '../platform/logger';
import type { AlertNotifier } from './ports/alert-notifier';
import type { AlertOutbox } from './ports/alert-outbox';
import { describeError } from '../platform/describe-error';

/** Ports of a {@link CardUpdateQueue}. */
export interface CardUpdateQueueOptions {
  readonly outbox: AlertOutbox;
  readonly notifier: AlertNotifier;
  readonly logger: Logger;
  /** Counts each episode's run of updates as pending work (the monitor's tracker, so `idle()` waits for it). */
  readonly track: (work: Promise<unknown>) => void;
}

interface QueuedUpdate {
  readonly episode: DriftEpisode;
  readonly change: EpisodeChange;
  /** Those waiting for this update (or for one it replaced) to be done. */
  readonly done: Array<() => void>;
}

/**
 * Re-renders the sent cards of an episode after its state changed, outside the agent's work: an update waits for its
 * Teams turn (the tenant's line, a channel's 60 messages in 30 s), and the agent's next event, check or the unit's
 * adoption after a restart must not wait behind it. Updates of one episode run one at a time, in order; an update
 * still waiting when a newer one comes is replaced by it (the card shows the episode as it is now, so the older
 * render would be overwritten at once anyway).
 */
export class CardUpdateQueue {
  private readonly waiting = new Map<string, QueuedUpdate>();
  private readonly running = new Set<string>();

  constructor(private readonly options: CardUpdateQueueOptions) {}

  /** Episode updates not yet started (a gauge for tests and diagnostics). */
  get waitingCount(): number {
    return this.waiting.size;
  }

  /**
   * Queues the update; resolves (never rejects) once it, or a newer update of the episode that replaced it, is done: a
   * card action's answer waits for that, so the board the clicker sees already shows the click.
   */
  enqueue(episode: DriftEpisode, change: EpisodeChange): Promise<void> {
    const isScheduled = this.waiting.has(episode.id) || this.running.has(episode.id);
    const replaced = this.waiting.get(episode.id);
    const done = new Promise<void>((resolve) => {
      this.waiting.set(episode.id, { episode, change, done: [...(replaced?.done ?? []), resolve] });
    });
    if (!isScheduled) this.options.track(this.drain(episode.id));
    return done;
  }

  private async drain(episodeId: string): Promise<void> {
    this.running.add(episodeId);
    try {
      for (let next = this.take(episodeId); next !== undefined; next = this.take(episodeId)) {
        await this.update(next);
        for (const resolve of next.done) resolve();
      }
    } finally {
      this.running.delete(episodeId);
    }
  }

  private take(episodeId: string): QueuedUpdate | undefined {
    const next = this.waiting.get(episodeId);
    this.waiting.delete(episodeId);
    return next;
  }

  private async update({ episode, change }: Pick<QueuedUpdate, 'episode' | 'change'>): Promise<void> {
    try {
      const rows = await this.options.outbox.listByEpisode(episode.id);
      if (rows.some((row) => row.status === 'sent'))
        await this.options.notifier.updateCards(episode, change, rows);
    } catch (error) {
      this.options.logger
        .child({ agentId: episode.agentId, episodeId: episode.id })
        .error({ change, err: describeError(error) }, 'card update failed');
    }
  }
}
