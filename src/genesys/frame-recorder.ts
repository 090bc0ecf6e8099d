import { appendFile, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from '../platform/logger';
import { describeError } from '../platform/describe-error';
import {
  formatRecordedLine,
  isRecordedTopic,
  recordingFileName,
  restoreRowFrame,
  type RecordedNotificationFrame,
} from './frame-recording';

/** What the Genesys client tells a recording: every frame it takes in, and every REST restore row. */
export interface FrameRecording {
  /** A notification frame as received (parsed) at `receivedAt` (epoch ms); topics that are not recorded are ignored. */
  recordFrame(frame: RecordedNotificationFrame, receivedAt: number): void;
  /**
   * A REST restore row as returned, fetched at `receivedAt`; recorded as a frame of its unit's adherence topic (the
   * row's own `managementUnit.id`, else `fallbackUnitId`).
   */
  recordRestoreRow(row: unknown, receivedAt: number, fallbackUnitId: string | undefined): void;
}

/** The file operations a {@link FrameRecorder} needs (node:fs by default; tests pass failing ones). */
export interface RecordingFiles {
  /** Creates the folder and its parents; an existing folder is fine. */
  makeDirectory(path: string): Promise<void>;
  /** Appends text to the file, creating it if needed. */
  append(path: string, text: string): Promise<void>;
}

/** {@link RecordingFiles} on node:fs. */
const nodeRecordingFiles: RecordingFiles = {
  makeDirectory: async (path) => {
    await mkdir(path, { recursive: true });
  },
  append: (path, text) => appendFile(path, text, 'utf8'),
};

/** Options of a {@link FrameRecorder}. */
export interface FrameRecorderOptions {
  /** GENESYS_RECORD_DIR: the folder the `frames-YYYY-MM-DD.ndjson` files go to. */
  readonly directory: string;
  readonly logger: Logger;
  /** Most frames waiting to be written; beyond it new frames are dropped and counted. Default 20,000. */
  readonly maxQueuedFrames?: number;
  /** Most lines per append. Default 1,000. */
  readonly maxLinesPerWrite?: number;
  readonly files?: RecordingFiles;
}

/** What a recording counts; /metrics shows them as `recording_frames_written_total` and `recording_frames_dropped_total`. */
export interface RecordingMetrics {
  /** Frames and restore rows appended to the recording. */
  framesWritten: number;
  /** Frames not recorded: dropped while the disk fell behind, or still queued when recording failed. */
  framesDropped: number;
}

interface QueuedFrame {
  readonly receivedAt: number;
  readonly frame: unknown;
}

/**
 * Appends every adherence and schedule frame the service receives, and every REST restore row, to
 * `frames-YYYY-MM-DD.ndjson` (UTC day of receipt) in GENESYS_RECORD_DIR, in the format `npm run replay` reads
 * (./frame-recording.ts). Recording never delays the frame path: a frame is queued as it is (no copy, no encoding),
 * and a writer encodes and appends queued frames in batches, one append at a time, off the caller's stack. Memory is
 * bounded: when the disk cannot keep up and `maxQueuedFrames` are waiting, new frames are dropped and counted. The
 * first failure (a bad folder, a full disk, no permission) is logged once and recording stops; the service goes on.
 */
export class FrameRecorder implements FrameRecording {
  readonly metrics: RecordingMetrics = { framesWritten: 0, framesDropped: 0 };
  private readonly log: Logger;
  private readonly files: RecordingFiles;
  private readonly maxQueuedFrames: number;
  private readonly maxLinesPerWrite: number;
  private queue: QueuedFrame[] = [];
  private writing: Promise<void> | undefined;
  private directoryReady: Promise<boolean> | undefined;
  private stopped = false;
  private failure: string | undefined;
  private droppedSinceLog = 0;

  constructor(private readonly options: FrameRecorderOptions) {
    this.log = options.logger.child({ component: 'frame-recorder' });
    this.files = options.files ?? nodeRecordingFiles;
    this.maxQueuedFrames = options.maxQueuedFrames ?? 20_000;
    this.maxLinesPerWrite = options.maxLinesPerWrite ?? 1_000;
  }

  /** True until recording stopped (a write failed, or {@link close}). */
  get isRecording(): boolean {
    return !this.stopped;
  }

  /** Why recording stopped after a failure, if it did. */
  get failureReason(): string | undefined {
    return this.failure;
  }

  /**
   * Creates the folder, so a bad GENESYS_RECORD_DIR is named at start-up (logged once; recording stops, the service
   * goes on). Resolves whether recording can go on; never rejects.
   */
  open(): Promise<boolean> {
    this.directoryReady ??= this.files.makeDirectory(this.options.directory).then(
      () => true,
      (error: unknown) => {
        this.fail(error, 'cannot create the folder');
        return false;
      },
    );
    return this.directoryReady;
  }

  recordFrame(frame: RecordedNotificationFrame, receivedAt: number): void {
    if (this.stopped || typeof frame.topicName !== 'string' || !isRecordedTopic(frame.topicName)) return;
    this.enqueue(frame, receivedAt);
  }

  recordRestoreRow(row: unknown, receivedAt: number, fallbackUnitId: string | undefined): void {
    if (this.stopped) return;
    const unitId = unitIdOfRow(row) ?? fallbackUnitId;
    // A row naming no unit cannot be given a topic; the service refuses it too (malformedNoManagementUnit).
    if (unitId === undefined) {
      this.drop(1);
      return;
    }
    this.enqueue(restoreRowFrame(unitId, row), receivedAt);
  }

  /** Resolves once every frame queued so far is written (or dropped after a failure). */
  async flush(): Promise<void> {
    while (this.writing !== undefined) await this.writing;
  }

  /** Writes what is queued, then records nothing more. */
  async close(): Promise<void> {
    await this.flush();
    this.stopped = true;
    this.queue = [];
    if (this.droppedSinceLog > 0) this.logDropped();
  }

  private enqueue(frame: unknown, receivedAt: number): void {
    if (this.queue.length >= this.maxQueuedFrames) {
      this.drop(1);
      return;
    }
    this.queue.push({ receivedAt, frame });
    if (this.writing === undefined) this.startWriter();
  }

  /** Starts the writer after the caller's synchronous work (a microtask), never inside the frame path. */
  private startWriter(): void {
    this.writing = Promise.resolve()
      .then(() => this.writeQueued())
      .catch((error: unknown) => this.fail(error, 'cannot write a frame'))
      .finally(() => {
        this.writing = undefined;
        if (this.queue.length > 0 && !this.stopped) this.startWriter();
      });
  }

  private async writeQueued(): Promise<void> {
    if (!(await this.open())) return;
    while (this.queue.length > 0 && !this.stopped) {
      const batch = this.queue.splice(0, this.maxLinesPerWrite);
      // Consecutive frames of one UTC day go to that day's file in one append; a batch may span midnight.
      let start = 0;
      while (start < batch.length) {
        const fileName = recordingFileName(batch[start].receivedAt);
        let end = start + 1;
        while (end < batch.length && recordingFileName(batch[end].receivedAt) === fileName) end += 1;
        let text = '';
        for (let i = start; i < end; i += 1)
          text += `${formatRecordedLine(batch[i].receivedAt, batch[i].frame)}\n`;
        try {
          await this.files.append(join(this.options.directory, fileName), text);
        } catch (error) {
          this.fail(error, `cannot append to ${fileName}`);
          this.drop(batch.length - start);
          return;
        }
        this.metrics.framesWritten += end - start;
        start = end;
      }
    }
    if (this.droppedSinceLog > 0) this.logDropped();
  }

  private fail(error: unknown, what: string): void {
    if (this.stopped) return;
    this.stopped = true;
    this.failure = `${what}: ${describeError(error)}`;
    this.drop(this.queue.length);
    this.queue = [];
    this.log.error(
      { setting: 'GENESYS_RECORD_DIR', directory: this.options.directory, err: describeError(error) },
      `frame recording stopped (${what}); the service goes on without recording`,
    );
  }

  private drop(frames: number): void {
    if (frames <= 0) return;
    this.metrics.framesDropped += frames;
    // Frames dropped while recording still runs mean the disk is not keeping up: logged once per backlog.
    if (!this.stopped) this.droppedSinceLog += frames;
  }

  private logDropped(): void {
    this.log.warn(
      { droppedFrames: this.droppedSinceLog, maxQueuedFrames: this.maxQueuedFrames },
      'frame recording fell behind: frames were dropped (counted in recording_frames_dropped_total)',
    );
    this.droppedSinceLog = 0;
  }
}

function unitIdOfRow(row: unknown): string | undefined {
  const unit = (row as { managementUnit?: { id?: unknown } } | null | undefined)?.managementUnit;
  return typeof unit?.id === 'string' && unit.id !== '' ? unit.id : undefined;
}
