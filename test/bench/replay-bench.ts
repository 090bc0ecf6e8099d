// The replay benchmark: `npm run bench:replay`. Writes a recording of a million realistic ~1.2 KB adherence frames
// (REPLAY_BENCH_FRAMES to change it) to a temporary file, then times `npm run replay -- --events FILE --json` on it as
// a user would run it (a child process, so start-up and file reading count). Goal: under a minute. Prints progress
// lines and, as its last line, one JSON object with the figures. A script, never a test: nothing here asserts.
import { execFile } from 'node:child_process';
import { createWriteStream, mkdtempSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { once } from 'node:events';
import { streamAdherenceFrames } from '../support/adherence-frames';

const FRAMES = Number(process.env.REPLAY_BENCH_FRAMES ?? 1_000_000);
/**
 * About 20 events per agent-hour (7.5 calls an hour at 0.75 occupancy and 6-min AHT, each
 * IDLE→INTERACTING→IDLE, plus presence changes) over an 8-hour day.
 */
const AGENTS = Math.max(1, Math.round(FRAMES / (20 * 8)));
const SPAN_MS = 8 * 3_600_000;
const ROOT = join(__dirname, '../..');

function log(line: string): void {
  console.log(`[bench:replay] ${line}`);
}

async function writeRecording(path: string): Promise<void> {
  const out = createWriteStream(path, { highWaterMark: 1 << 20 });
  let batch = '';
  for (const frame of streamAdherenceFrames({
    count: FRAMES,
    agents: AGENTS,
    meanGapMs: SPAN_MS / FRAMES,
    seed: 'replay-bench',
  })) {
    // The recorder's line, written the way formatRecordedLine writes it (the frame text as received).
    batch += `{"receivedAt":"${new Date(frame.at + 40).toISOString()}","frame":${frame.json}}\n`;
    if (batch.length > 1 << 20) {
      if (!out.write(batch)) await once(out, 'drain');
      batch = '';
    }
  }
  out.end(batch);
  await once(out, 'finish');
}

function runReplay(path: string): Promise<{ stdout: string; seconds: number }> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', join(ROOT, 'scripts/replay.ts'), '--events', path, '--json'],
      { cwd: ROOT, maxBuffer: 256 * 1024 * 1024 },
      (error, stdout, stderr) => {
        if (error) reject(new Error(`replay failed: ${stderr}`));
        else resolve({ stdout, seconds: (performance.now() - started) / 1_000 });
      },
    );
  });
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(os.tmpdir(), 'replay-bench-'));
  const path = join(dir, 'frames-bench.ndjson');
  try {
    log(`writing ${FRAMES} frames of ${AGENTS} agents over 8 h to ${path}`);
    await writeRecording(path);
    const bytes = statSync(path).size;
    log(
      `recording: ${(bytes / 1024 / 1024).toFixed(0)} MB; replaying (npm run replay -- --events FILE --json)`,
    );
    const { stdout, seconds } = await runReplay(path);
    const report = JSON.parse(stdout.trim().split('\n').pop()!) as {
      events: number;
      badLines: unknown[];
      totals: Record<string, number>;
    };
    log(`replayed ${report.events} frames in ${seconds.toFixed(1)} s`);
    console.log(
      JSON.stringify({
        frames: FRAMES,
        agents: AGENTS,
        megabytes: Math.round(bytes / 1024 / 1024),
        replaySeconds: Number(seconds.toFixed(1)),
        framesPerSecond: Math.round(report.events / seconds),
        goalSeconds: 60,
        events: report.events,
        badLines: report.badLines.length,
        totals: report.totals,
        cpus: os.cpus().length,
        node: process.version,
      }),
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
