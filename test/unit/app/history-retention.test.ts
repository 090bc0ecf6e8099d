import assert from 'node:assert/strict';
import type { Clock, DriftHistoryRecord, DriftHistoryStore, Logger, Scheduler } from '../../../src/app/ports';
import { HistoryRetentionJob } from '../../../src/app/history-retention';
import { InMemoryDriftHistoryStore } from '../../../src/storage/history/in-memory-drift-history-store';

const dayInMs = 86_400_000;
const start = Date.UTC(2025, 5, 1, 3, 0, 0);

/** A minimal manual clock + scheduler (the shared test/support one is being written elsewhere). */
class ManualTime implements Clock, Scheduler {
  private readonly tasks = new Map<string, { dueAt: number; task: () => void }>();
  constructor(private current: number) {}
  now(): number {
    return this.current;
  }
  schedule(key: string, dueAt: number, task: () => void): void {
    this.tasks.set(key, { dueAt, task });
  }
  cancel(key: string): void {
    this.tasks.delete(key);
  }
  dueAt(key: string): number | undefined {
    return this.tasks.get(key)?.dueAt;
  }
  size(): number {
    return this.tasks.size;
  }
  dispose(): void {
    this.tasks.clear();
  }
  async advanceBy(ms: number, settle: () => Promise<void>): Promise<void> {
    const target = this.current + ms;
    for (;;) {
      const next = [...this.tasks.entries()].filter(([, t]) => t.dueAt <= target).sort(([, a], [, b]) => a.dueAt - b.dueAt)[0];
      if (!next) break;
      this.tasks.delete(next[0]);
      this.current = Math.max(this.current, next[1].dueAt);
      next[1].task();
      await settle();
    }
    this.current = target;
  }
}

class RecordingLogger implements Logger {
  readonly lines: { level: string; obj: object | string; msg?: string }[] = [];
  debug = (obj: object | string, msg?: string): void => void this.lines.push({ level: 'debug', obj, msg });
  info = (obj: object | string, msg?: string): void => void this.lines.push({ level: 'info', obj, msg });
  warn = (obj: object | string, msg?: string): void => void this.lines.push({ level: 'warn', obj, msg });
  error = (obj: object | string, msg?: string): void => void this.lines.push({ level: 'error', obj, msg });
  child = (): Logger => this;
}

const aRecord = (agentId: string, driftStartedAt: number): DriftHistoryRecord => ({
  episode: { id: `${agentId}:${driftStartedAt}`, agentId, managementUnitId: 'mu-1', driftStartedAt, stage: 'nudged', endedAt: driftStartedAt + 1, outcome: 'resolvedAfterNudge' },
  recordedAt: driftStartedAt + 1,
});

async function startedIds(history: DriftHistoryStore): Promise<string[]> {
  const ids: string[] = [];
  for await (const record of history.list({ from: 0, to: start * 2 })) ids.push(record.episode.agentId);
  return ids.sort();
}

describe('HistoryRetentionJob', () => {
  let time: ManualTime;
  let history: InMemoryDriftHistoryStore;
  let logger: RecordingLogger;

  beforeEach(async () => {
    time = new ManualTime(start);
    history = new InMemoryDriftHistoryStore();
    logger = new RecordingLogger();
    await history.upsert(aRecord('old', start - 91 * dayInMs));
    await history.upsert(aRecord('edge', start - 90 * dayInMs));
    await history.upsert(aRecord('ages-tomorrow', start - 90 * dayInMs + dayInMs / 2));
    await history.upsert(aRecord('recent', start - dayInMs));
  });

  it('deletes history older than 90 days as soon as it starts', async () => {
    const job = new HistoryRetentionJob({ history, clock: time, scheduler: time, logger });
    job.start();
    await time.advanceBy(0, () => job.settled());
    assert.deepEqual(await startedIds(history), ['ages-tomorrow', 'edge', 'recent']);
  });

  it('runs again every 24 hours, deleting what has aged past the retention since', async () => {
    const job = new HistoryRetentionJob({ history, clock: time, scheduler: time, logger });
    job.start();
    await time.advanceBy(dayInMs - 1, () => job.settled());
    assert.deepEqual(await startedIds(history), ['ages-tomorrow', 'edge', 'recent']);
    await time.advanceBy(1, () => job.settled());
    assert.deepEqual(await startedIds(history), ['recent']);
    assert.equal(time.dueAt('job:historyRetention'), start + 2 * dayInMs);
  });

  it('honours a configured retention in days', async () => {
    const job = new HistoryRetentionJob({ history, clock: time, scheduler: time, logger, retentionDays: 1 });
    assert.equal(await job.runOnce(start), 3);
    assert.deepEqual(await startedIds(history), ['recent']);
  });

  it('runs no more once stopped', async () => {
    const job = new HistoryRetentionJob({ history, clock: time, scheduler: time, logger });
    job.start();
    await time.advanceBy(0, () => job.settled());
    job.stop();
    await time.advanceBy(3 * dayInMs, () => job.settled());
    assert.deepEqual(await startedIds(history), ['ages-tomorrow', 'edge', 'recent']);
    assert.equal(time.size(), 0);
  });

  it('logs a failed run and still runs the next day', async () => {
    let failures = 1;
    const flaky: DriftHistoryStore = {
      upsert: (record) => history.upsert(record),
      get: (id, unit) => history.get(id, unit),
      list: (query) => history.list(query),
      deleteOlderThan: async (before) => {
        if (failures-- > 0) throw new Error('storage unavailable');
        return history.deleteOlderThan(before);
      },
    };
    const job = new HistoryRetentionJob({ history: flaky, clock: time, scheduler: time, logger });
    job.start();
    await time.advanceBy(0, () => job.settled());
    assert.equal(logger.lines.filter((line) => line.level === 'error').length, 1);
    assert.equal((await startedIds(history)).length, 4);
    await time.advanceBy(dayInMs, () => job.settled());
    assert.deepEqual(await startedIds(history), ['recent']);
  });
});
