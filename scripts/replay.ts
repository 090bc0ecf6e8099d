// `npm run replay -- --events FILE [--events FILE ...] [--nudge PT5M] [--supervisor PT8M] [--exception PT15M]
//  [--excluded Meeting,Training] [--json]`: replays recorded Genesys frames (GENESYS_RECORD_DIR) through the drift
// pipeline with other thresholds and prints, per management unit, episodes, nudges, supervisor alerts and formal
// exceptions. Defaults are the service's (src/config/settings.ts). Exit codes: 0 done, 2 bad arguments or settings.
import { statSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { buildDriftPolicy } from '../src/config/drift-policy-builder';
import { readOutcomeSettings } from '../src/config/settings';
import { ConfigError } from '../src/platform/errors';
import { readRecordings } from '../src/replay/recording-files';
import { RecordingReplay, type ReplayCounts, type ReplayReport } from '../src/replay/recording-replay';
import { runCli, UsageError } from './lib/cli';
import { NO_PROGRESS, startProgressBar } from './lib/progress-bar';
import { describeError } from '../src/platform/describe-error';

const USAGE =
  'usage: npm run replay -- --events FILE [--events FILE ...] [--nudge PT6M] [--supervisor PT10M] [--exception PT15M] [--excluded Meeting,Training] [--json]';
/** Files at least this big get a progress bar (on a terminal). */
const PROGRESS_FROM_BYTES = 8 * 1024 * 1024;
/** The flags and the settings they stand for; settings problems are reported under the flag's name. */
const FLAG_SETTINGS = {
  nudge: 'DRIFT_NUDGE_AFTER',
  supervisor: 'DRIFT_SUPERVISOR_AFTER',
  exception: 'DRIFT_EXCEPTION_AFTER',
  excluded: 'DRIFT_EXCLUDED_ACTIVITIES',
} as const;
const BAD_LINES_SHOWN = 20;

async function main(argv: readonly string[]): Promise<void> {
  const { values } = parseArguments(argv);
  if (values.help) {
    console.log(USAGE);
    return;
  }
  const files = values.events ?? [];
  if (files.length === 0) throw new UsageError('--events FILE is required');
  let totalBytes = 0;
  for (const file of files) {
    try {
      const stat = statSync(file);
      if (!stat.isFile()) throw new UsageError(`--events ${file}: not a file`);
      totalBytes += stat.size;
    } catch (error) {
      if (error instanceof UsageError) throw error;
      throw new UsageError(
        `--events ${file}: cannot be read (${(error as NodeJS.ErrnoException).code ?? String(error)})`,
      );
    }
  }
  const policy = policyOf(values);
  const replay = new RecordingReplay({ policy });
  const progress =
    totalBytes >= PROGRESS_FROM_BYTES
      ? startProgressBar('replay', totalBytes, 'MB', 1024 * 1024)
      : NO_PROGRESS;
  try {
    for await (const line of readRecordings(files, (bytes) => progress.increment(bytes)))
      await replay.feed(line);
  } finally {
    progress.stop();
  }
  const report = await replay.finish();
  if (values.json) console.log(JSON.stringify(report));
  else printReport(report);
}

function parseArguments(argv: readonly string[]) {
  try {
    return parseArgs({
      args: [...argv],
      options: {
        events: { type: 'string', multiple: true },
        nudge: { type: 'string' },
        supervisor: { type: 'string' },
        exception: { type: 'string' },
        excluded: { type: 'string' },
        json: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
      strict: true,
      allowPositionals: false,
    });
  } catch (error) {
    throw new UsageError(describeError(error));
  }
}

/** The drift policy of the service's defaults with the flags applied, validated by the service's own settings reader. */
function policyOf(values: Partial<Record<keyof typeof FLAG_SETTINGS, string>>) {
  const env: Record<string, string> = {};
  for (const [flag, setting] of Object.entries(FLAG_SETTINGS)) {
    const value = values[flag as keyof typeof FLAG_SETTINGS];
    if (value !== undefined) env[setting] = value;
  }
  try {
    const settings = readOutcomeSettings(env);
    // A recording carries neither activity code names nor the units' own Genesys thresholds: flags and defaults rule.
    const { policy, warnings } = buildDriftPolicy(settings, { activityCodes: [], units: [] });
    for (const warning of warnings) console.error(`warning: ${withFlagNames(warning)}`);
    return policy;
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    throw new UsageError(
      error.problems.map((p) => `${flagOf(p.setting)}: ${withFlagNames(p.problem)}`).join('\n'),
    );
  }
}

function flagOf(setting: string): string {
  const entry = Object.entries(FLAG_SETTINGS).find(([, name]) => name === setting);
  return entry === undefined ? setting : `--${entry[0]}`;
}

function withFlagNames(text: string): string {
  return Object.entries(FLAG_SETTINGS).reduce(
    (out, [flag, setting]) => out.split(setting).join(`--${flag}`),
    text,
  );
}

function printReport(report: ReplayReport): void {
  const header = ['management unit', 'episodes', 'nudges', 'supervisor alerts', 'formal exceptions'];
  const row = (name: string, c: ReplayCounts): string[] => [
    name,
    String(c.episodes),
    String(c.nudges),
    String(c.supervisorAlerts),
    String(c.formalExceptions),
  ];
  const rows = [
    ...Object.entries(report.units).map(([unit, counts]) => row(unit, counts)),
    row('total', report.totals),
  ];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const format = (cells: string[]): string =>
    cells.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]) : cell.padStart(widths[i]))).join('  ');
  console.log(format(header));
  for (const r of rows.slice(0, -1)) console.log(format(r));
  console.log(format(widths.map((w) => '-'.repeat(w))));
  console.log(format(rows[rows.length - 1]));
  console.log(`${report.events} events replayed, ${report.badLines.length} bad lines`);
  for (const bad of report.badLines.slice(0, BAD_LINES_SHOWN))
    console.log(`  line ${bad.line}: ${bad.reason}`);
  if (report.badLines.length > BAD_LINES_SHOWN)
    console.log(`  ... and ${report.badLines.length - BAD_LINES_SHOWN} more (--json lists them all)`);
}

runCli('replay', USAGE, main);
