import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AdherenceObservation } from '../../../src/domain/adherence-observation';
import { AdherenceIntake } from '../../../src/genesys/adherence-intake';
import { FrameRecorder, type RecordingFiles } from '../../../src/genesys/frame-recorder';
import { parseRecordedLine, type RecordedNotificationFrame } from '../../../src/genesys/frame-recording';
import { createGenesysMetrics } from '../../../src/genesys/genesys-metrics';
import { ManualClock } from '../../support/manual-clock';
import { adherenceFrame } from '../../support/recorded-lines';
import { RecordingLogger } from '../../support/recording-logger';

const DIR = '/recordings';
const T0 = Date.UTC(2026, 7, 20, 14, 0, 0);

/** Files in memory: appends are kept by path; appends can be held (a slow disk) or fail from the n-th on. */
class FakeFiles implements RecordingFiles {
  readonly appended = new Map<string, string>();
  readonly directories: string[] = [];
  appends = 0;
  private held: Array<() => void> | undefined;
  private failFrom: { readonly call: number; readonly error: Error } | undefined;

  makeDirectory(path: string): Promise<void> {
    this.directories.push(path);
    return Promise.resolve();
  }

  async append(path: string, text: string): Promise<void> {
    this.appends += 1;
    if (this.failFrom !== undefined && this.appends >= this.failFrom.call) throw this.failFrom.error;
    if (this.held !== undefined) await new Promise<void>((resolve) => this.held!.push(resolve));
    this.appended.set(path, (this.appended.get(path) ?? '') + text);
  }

  /** Appends wait until {@link release}. */
  hold(): void {
    this.held = [];
  }

  release(): void {
    const waiting = this.held ?? [];
    this.held = undefined;
    for (const resolve of waiting) resolve();
  }

  /** The `call`-th append and every later one fail with `error`. */
  failFromCall(call: number, error: Error): void {
    this.failFrom = { call, error };
  }

  /** The recorded frames of one file, parsed back by the replay's own parser. */
  framesOf(fileName: string): Array<{ receivedAt: number; frame: RecordedNotificationFrame }> {
    const text = this.appended.get(join(DIR, fileName)) ?? '';
    return text
      .split('\n')
      .filter((line) => line !== '')
      .map((line) => {
        const parsed = parseRecordedLine(line);
        if (parsed.kind !== 'frame') throw new Error(`bad line ${line}: ${parsed.reason}`);
        return { receivedAt: parsed.receivedAt, frame: parsed.frame };
      });
  }
}

function diskFull(): Error {
  return Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
}

const heartbeat = { topicName: 'channel.metadata', eventBody: { message: 'WebSocket Heartbeat' } };
const scheduleChanged = {
  topicName: 'v2.workforcemanagement.managementunits.mu-1.agentschedules.changed',
  eventBody: { agents: [{ agentId: 'agent-1' }] },
};
const businessUnitSchedule = {
  topicName: 'v2.workforcemanagement.businessunits.bu-1.schedules',
  eventBody: { status: 'Complete' },
};
const searchComplete = {
  topicName: 'v2.users.client-1.workforcemanagement.agentschedules.managementunit.search.complete',
  eventBody: { id: 'op-1' },
};

describe('FrameRecorder (GENESYS_RECORD_DIR)', () => {
  let files: FakeFiles;
  let logger: RecordingLogger;
  let clock: ManualClock;

  beforeEach(() => {
    files = new FakeFiles();
    logger = new RecordingLogger();
    clock = new ManualClock(T0);
  });

  function recorder(options: { maxQueuedFrames?: number; maxLinesPerWrite?: number } = {}): FrameRecorder {
    return new FrameRecorder({ directory: DIR, logger, files, ...options });
  }

  it('appends adherence and schedule frames as received, one line each, and leaves out heartbeats and other topics', async () => {
    const rec = recorder();
    const out = adherenceFrame({
      agentId: 'agent-1',
      unitId: 'mu-1',
      state: 'OutOfAdherence',
      changedAt: T0,
    });
    rec.recordFrame(out as RecordedNotificationFrame, clock.now());
    clock.advanceBy(30_000);
    rec.recordFrame(heartbeat, clock.now());
    rec.recordFrame(searchComplete, clock.now());
    clock.advanceBy(250);
    rec.recordFrame(scheduleChanged, clock.now());
    rec.recordFrame(businessUnitSchedule, clock.now());
    await rec.flush();

    assert.deepEqual(files.framesOf('frames-2026-08-20.ndjson'), [
      { receivedAt: T0, frame: out },
      { receivedAt: T0 + 30_250, frame: scheduleChanged },
      { receivedAt: T0 + 30_250, frame: businessUnitSchedule },
    ]);
    assert.deepEqual(rec.metrics, { framesWritten: 3, framesDropped: 0 });
    assert.deepEqual(files.directories, [DIR], 'the folder is created once, before the first write');
  });

  it("records a REST restore row as a frame of its unit's adherence topic, marked as a restore", async () => {
    const rec = recorder();
    const row = { id: 'agent-2', managementUnit: { id: 'mu-2' }, adherenceState: 'InAdherence' };
    const rowWithoutUnit = { id: 'agent-3', adherenceState: 'OutOfAdherence' };
    rec.recordRestoreRow(row, T0, 'mu-fallback');
    rec.recordRestoreRow(rowWithoutUnit, T0 + 1, 'mu-1');
    rec.recordRestoreRow({ id: 'agent-4' }, T0 + 2, undefined);
    await rec.flush();

    assert.deepEqual(files.framesOf('frames-2026-08-20.ndjson'), [
      {
        receivedAt: T0,
        frame: {
          topicName: 'v2.workforcemanagement.managementunits.mu-2.adherence',
          eventBody: row,
          metadata: { source: 'restore' },
        },
      },
      {
        receivedAt: T0 + 1,
        frame: {
          topicName: 'v2.workforcemanagement.managementunits.mu-1.adherence',
          eventBody: rowWithoutUnit,
          metadata: { source: 'restore' },
        },
      },
    ]);
    assert.deepEqual(rec.metrics, { framesWritten: 2, framesDropped: 1 }, 'a row naming no unit is counted');
  });

  it('starts the next UTC day in a new file as the clock passes midnight', async () => {
    const rec = recorder();
    clock.set(Date.UTC(2026, 7, 20, 23, 59, 59, 900));
    const before = adherenceFrame({
      agentId: 'a',
      unitId: 'mu-1',
      state: 'OutOfAdherence',
      changedAt: clock.now(),
    });
    rec.recordFrame(before as RecordedNotificationFrame, clock.now());
    clock.advanceBy(200);
    const after = adherenceFrame({
      agentId: 'a',
      unitId: 'mu-1',
      state: 'InAdherence',
      changedAt: clock.now(),
    });
    rec.recordFrame(after as RecordedNotificationFrame, clock.now());
    await rec.flush();
    clock.advanceBy(24 * 3_600_000);
    rec.recordFrame(scheduleChanged, clock.now());
    await rec.flush();

    assert.deepEqual(
      [...files.appended.keys()],
      ['frames-2026-08-20.ndjson', 'frames-2026-08-21.ndjson', 'frames-2026-08-22.ndjson'].map((name) =>
        join(DIR, name),
      ),
    );
    assert.deepEqual(
      files.framesOf('frames-2026-08-20.ndjson').map((line) => line.frame),
      [before],
    );
    assert.deepEqual(
      files.framesOf('frames-2026-08-21.ndjson').map((line) => line.frame),
      [after],
    );
  });

  it('never writes inside the frame path: frames queue while the disk is slow and are written in order afterwards', async () => {
    const rec = recorder({ maxLinesPerWrite: 2 });
    files.hold();
    for (let i = 0; i < 5; i += 1)
      rec.recordFrame(
        adherenceFrame({
          agentId: `agent-${i}`,
          unitId: 'mu-1',
          state: 'OutOfAdherence',
          changedAt: T0,
        }) as RecordedNotificationFrame,
        T0 + i,
      );
    assert.equal(files.appends, 0, 'recordFrame returned before any file operation started');
    const flushed = rec.flush();
    await eventLoopTurns(3);
    assert.equal(files.appended.size, 0, 'nothing lands while the disk holds the write');
    files.release();
    // Later appends are not held any more.
    await flushed;
    assert.deepEqual(
      files.framesOf('frames-2026-08-20.ndjson').map((line) => line.receivedAt),
      [T0, T0 + 1, T0 + 2, T0 + 3, T0 + 4],
    );
    assert.equal(files.appends, 3, 'batches of at most maxLinesPerWrite lines');
  });

  it('drops and counts frames beyond its queue while the disk cannot keep up, rather than growing without limit', async () => {
    const rec = recorder({ maxQueuedFrames: 3 });
    files.hold();
    const frameAt = (i: number) =>
      adherenceFrame({
        agentId: `agent-${i}`,
        unitId: 'mu-1',
        state: 'OutOfAdherence',
        changedAt: T0,
      }) as RecordedNotificationFrame;
    rec.recordFrame(frameAt(0), T0);
    await eventLoopTurns(3); // the writer took frame 0 and waits for the disk
    for (let i = 1; i <= 6; i += 1) rec.recordFrame(frameAt(i), T0 + i);
    files.release();
    await rec.flush();

    assert.deepEqual(
      files.framesOf('frames-2026-08-20.ndjson').map((line) => line.receivedAt),
      [T0, T0 + 1, T0 + 2, T0 + 3],
    );
    assert.deepEqual(rec.metrics, { framesWritten: 4, framesDropped: 3 });
    assert.equal(rec.isRecording, true, 'a backlog is not a failure: recording goes on');
    assert.equal(logger.atLevel('warn').length, 1, 'the backlog is logged once');
    assert.deepEqual(logger.atLevel('error'), []);
  });

  it('logs a failing disk once and stops recording, without ever throwing into the frame path', async () => {
    const rec = recorder({ maxLinesPerWrite: 1 });
    files.failFromCall(3, diskFull());
    const frameAt = (i: number) =>
      adherenceFrame({
        agentId: `agent-${i}`,
        unitId: 'mu-1',
        state: 'OutOfAdherence',
        changedAt: T0,
      }) as RecordedNotificationFrame;
    for (let i = 0; i < 4; i += 1) rec.recordFrame(frameAt(i), T0 + i);
    await rec.flush();
    for (let i = 4; i < 8; i += 1) rec.recordFrame(frameAt(i), T0 + i);
    rec.recordRestoreRow({ id: 'agent-9', managementUnit: { id: 'mu-1' } }, T0 + 9, undefined);
    await rec.flush();

    assert.deepEqual(
      files.framesOf('frames-2026-08-20.ndjson').map((line) => line.receivedAt),
      [T0, T0 + 1],
    );
    assert.equal(rec.isRecording, false);
    assert.match(rec.failureReason ?? '', /ENOSPC/);
    assert.equal(files.appends, 3, 'nothing is attempted after the failure');
    const errors = logger.atLevel('error');
    assert.equal(errors.length, 1, 'logged once');
    assert.equal((errors[0].fields as { setting?: string }).setting, 'GENESYS_RECORD_DIR');
    assert.deepEqual(rec.metrics, { framesWritten: 2, framesDropped: 2 });
  });

  it('names a folder it cannot create at start and records nothing, on the real file system', async () => {
    const root = mkdtempSync(join(tmpdir(), 'frame-recorder-'));
    try {
      const file = join(root, 'not-a-folder');
      writeFileSync(file, 'a file where the folder should be');
      const rec = new FrameRecorder({ directory: join(file, 'recordings'), logger });
      assert.equal(await rec.open(), false);
      rec.recordFrame(scheduleChanged, T0);
      await rec.flush();
      assert.equal(rec.isRecording, false);
      assert.equal(logger.atLevel('error').length, 1);
      assert.match(JSON.stringify(logger.atLevel('error')[0]), /GENESYS_RECORD_DIR/);

      const good = new FrameRecorder({ directory: join(root, 'a', 'b'), logger });
      assert.equal(await good.open(), true, 'missing parent folders are created');
      good.recordFrame(scheduleChanged, T0);
      await good.close();
      assert.deepEqual(readdirSync(join(root, 'a', 'b')), ['frames-2026-08-20.ndjson']);
      assert.equal(
        readFileSync(join(root, 'a', 'b', 'frames-2026-08-20.ndjson'), 'utf8'),
        `{"receivedAt":"2026-08-20T14:00:00.000Z","frame":${JSON.stringify(scheduleChanged)}}\n`,
      );
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  it('gets every frame and restore row the Genesys intake takes in, which still reach the drift monitor', async () => {
    const rec = recorder();
    const observed: AdherenceObservation[] = [];
    const intake = new AdherenceIntake({
      directory: {
        getAgent: () => undefined,
        getUnit: (id) => ({ id, name: id }),
        listUnits: () => [],
        noteTeam: () => undefined,
      },
      metrics: createGenesysMetrics(),
      logger,
      recorder: rec,
    });
    intake.connect({
      ingest: (observation) => {
        observed.push(observation);
        return Promise.resolve();
      },
    });
    const frame = adherenceFrame({
      agentId: 'agent-1',
      unitId: 'mu-1',
      state: 'OutOfAdherence',
      changedAt: T0,
    });
    intake.acceptText(JSON.stringify(frame), T0 + 100);
    intake.acceptText(JSON.stringify(heartbeat), T0 + 200);
    const row = { id: 'agent-2', managementUnit: { id: 'mu-1' }, adherenceState: 'InAdherence' };
    intake.acceptRows([row], T0 + 300, 'mu-1');
    await intake.flush();
    await rec.flush();

    assert.deepEqual(
      observed.map((o) => [o.agentId, o.source]),
      [
        ['agent-1', 'event'],
        ['agent-2', 'restore'],
      ],
    );
    assert.deepEqual(
      files.framesOf('frames-2026-08-20.ndjson').map((line) => [line.receivedAt, line.frame.topicName]),
      [
        [T0 + 100, 'v2.workforcemanagement.managementunits.mu-1.adherence'],
        [T0 + 300, 'v2.workforcemanagement.managementunits.mu-1.adherence'],
      ],
    );
  });
});

/** Lets pending promise callbacks and I/O callbacks run (no timer, no wall-clock wait). */
async function eventLoopTurns(turns: number): Promise<void> {
  for (let i = 0; i < turns; i += 1) await new Promise<void>((resolve) => setImmediate(resolve));
}
