import type { Clock, Scheduler } from '../platform/clock';
import type { Logger } from '../platform/logger';
import type { DriftHistoryStore } from './ports/drift-history-store';

/** Dependencies and settings of {@link HistoryRetentionJob}. */
export interface HistoryRetentionJobOptions {
  readonly history: DriftHistoryStore;
  readonly clock: Clock;
  readonly scheduler: Scheduler;
  readonly logger: Logger;
  /** `HISTORY_RETENTION_DAYS`: episodes that started longer ago than this are deleted; default 90. */
  readonly retentionDays?: number;
  /** Time between runs, default 24 h. */
  readonly periodInMs?: number;
}

const dayInMs = 86_400_000;
const schedulerKey = 'job:historyRetention';

/** Deletes drift history older than the retention period: once at start, then every 24 h (via the Scheduler). */
export class HistoryRetentionJob {
  private readonly retentionInMs: number;
  private readonly periodInMs: number;
  private readonly logger: Logger;
  private isStarted = false;
  private running: Promise<number> | undefined;

  constructor(private readonly options: HistoryRetentionJobOptions) {
    this.retentionInMs = (options.retentionDays ?? 90) * dayInMs;
    this.periodInMs = options.periodInMs ?? dayInMs;
    this.logger = options.logger.child({ component: 'historyRetention' });
  }

  /** Runs now and then every period; idempotent. */
  start(): void {
    if (this.isStarted) return;
    this.isStarted = true;
    this.scheduleAt(this.options.clock.now());
  }

  /** Cancels the next run (a run in progress finishes). */
  stop(): void {
    this.isStarted = false;
    this.options.scheduler.cancel(schedulerKey);
  }

  /** Deletes the episodes that started before `now - retention`; resolves with how many were deleted. */
  async runOnce(now: number): Promise<number> {
    const before = now - this.retentionInMs;
    const deleted = await this.options.history.deleteOlderThan(before);
    this.logger.info({ deleted, before }, 'drift history retention ran');
    return deleted;
  }

  /** Resolves when the run in progress, if any, has finished (for orderly shutdown and tests). */
  async settled(): Promise<void> {
    await this.running?.catch(() => undefined);
  }

  private scheduleAt(dueAt: number): void {
    this.options.scheduler.schedule(schedulerKey, dueAt, () => {
      const now = this.options.clock.now();
      // Re-arm first so a failing run never ends the daily cycle.
      if (this.isStarted) this.scheduleAt(now + this.periodInMs);
      this.running = this.runOnce(now);
      this.running.catch((error: unknown) =>
        this.logger.error({ err: error }, 'drift history retention failed; retrying next period'),
      );
    });
  }
}
