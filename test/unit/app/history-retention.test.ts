import assert from 'node:assert/strict';
import type { DriftHistoryRecord, DriftHistoryStore } from '../../../src/app/ports/drift-history-store';
import { HistoryRetentionJob } from '../../../src/app/history-retention';
import { InMemoryDriftHistoryStore } from '../../../src/storage/history/in-memory-drift-history-store';
import { ManualClock } from '../../support/manual-clock';
import { ManualScheduler } from '../../support/manual-scheduler';
import { RecordingLogger } from '../../support/recording-logger';

const dayInMs = 86_400_000;
const start = Date.UTC(2025, 5, 1, 3, 0, 0);

const aRecord = (agentId: string, driftStartedAt: number): DriftHistoryRecord => ({
  episode: {
    id: `${agentId}:${driftStartedAt}`,
    agentId,
    managementUnitId: 'mu-1',
    driftStartedAt,
    stage: 'nudged',
    endedAt: driftStartedAt + 1,
    outcome: 'resolvedAfterNudge',
  },
  recordedAt: driftStartedAt + 1,
});

async function startedIds(history: DriftHistoryStore): Promise<string[]> {
  const ids: string[] = [];
  for await (const record of history.list({ from: 0, to: start * 2 })) ids.push(record.episode.agentId);
  return ids.sort();
}

describe('HistoryRetentionJob', () => {
  let clock: ManualClock;
  let scheduler: ManualScheduler;
  let history: InMemoryDriftHistoryStore;
  let logger: RecordingLogger;

  beforeEach(async () => {
    clock = new ManualClock(start);
    scheduler = new ManualScheduler(clock);
    history = new InMemoryDriftHistoryStore();
    logger = new RecordingLogger();
    await history.upsert(aRecord('old', start - 91 * dayInMs));
    await history.upsert(aRecord('edge', start - 90 * dayInMs));
    await history.upsert(aRecord('ages-tomorrow', start - 90 * dayInMs + dayInMs / 2));
    await history.upsert(aRecord('recent', start - dayInMs));
  });

  it('deletes history older than 90 days as soon as it starts', async () => {
    const job = new HistoryRetentionJob({ history, clock, scheduler, logger });
    job.start();
    await scheduler.advanceByAsync(0, () => job.settled());
    assert.deepEqual(await startedIds(history), ['ages-tomorrow', 'edge', 'recent']);
  });

  it('runs again every 24 hours, deleting what has aged past the retention since', async () => {
    const job = new HistoryRetentionJob({ history, clock, scheduler, logger });
    job.start();
    await scheduler.advanceByAsync(dayInMs - 1, () => job.settled());
    assert.deepEqual(await startedIds(history), ['ages-tomorrow', 'edge', 'recent']);
    await scheduler.advanceByAsync(1, () => job.settled());
    assert.deepEqual(await startedIds(history), ['recent']);
    assert.equal(scheduler.dueAt('job:historyRetention'), start + 2 * dayInMs);
  });

  it('honours a configured retention in days', async () => {
    const job = new HistoryRetentionJob({ history, clock, scheduler, logger, retentionDays: 1 });
    assert.equal(await job.runOnce(start), 3);
    assert.deepEqual(await startedIds(history), ['recent']);
  });

  it('runs no more once stopped', async () => {
    const job = new HistoryRetentionJob({ history, clock, scheduler, logger });
    job.start();
    await scheduler.advanceByAsync(0, () => job.settled());
    job.stop();
    await scheduler.advanceByAsync(3 * dayInMs, () => job.settled());
    assert.deepEqual(await startedIds(history), ['ages-tomorrow', 'edge', 'recent']);
    assert.equal(scheduler.size(), 0);
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
    const job = new HistoryRetentionJob({ history: flaky, clock, scheduler, logger });
    job.start();
    await scheduler.advanceByAsync(0, () => job.settled());
    assert.equal(logger.entries.filter((entry) => entry.level === 'error').length, 1);
    assert.equal((await startedIds(history)).length, 4);
    await scheduler.advanceByAsync(dayInMs, () => job.settled());
    assert.deepEqual(await startedIds(history), ['recent']);
  });
});
