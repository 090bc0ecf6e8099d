// `npm run simulate [-- --json] [-- --sweep] [--seed N] [--weeks N] [--budget N] [--agents-per-channel N] [--table]`: the shift simulation
// (src/simulation). Runs the simulator's contact centre for simulated weeks through the real drift pipeline, with and
// without nudges and supervisor alerts, and prints formal exceptions, the reduction, alerts per supervisor-hour and
// nudges per agent-shift; `--sweep` shows how the reduction depends on each assumption; `--table` prints the
// parameter table (Markdown, as in the README). Exit codes: 0 done, 2 bad arguments.
import { parseArgs } from 'node:util';
import { formatDuration } from '../src/platform/duration';
import {
  defaultBudgetPerHour,
  runExperiment,
  runSweep,
  type ExperimentResult,
  type SweepResult,
} from '../src/simulation/outcome-experiment';
import {
  centralParameters,
  parameterTableMarkdown,
  withParameters,
} from '../src/simulation/outcome-parameters';
import { buildWeeksOfCentre, defaultPolicy, DEFAULT_CENTRE } from '../src/simulation/shift-simulation';
import { runCli, UsageError } from './lib/cli';
import { NO_PROGRESS, startProgressBar } from './lib/progress-bar';
import { describeError } from '../src/platform/describe-error';

const USAGE =
  'usage: npm run simulate -- [--json] [--sweep] [--seed N] [--weeks N] [--budget N] [--agents-per-channel N] [--table]';

async function main(argv: readonly string[]): Promise<void> {
  const values = parseArguments(argv);
  if (values.help) {
    console.log(USAGE);
    return;
  }
  if (values.table) {
    console.log(parameterTableMarkdown());
    return;
  }
  const seed = wholeNumber(values.seed, '--seed', 0, 2 ** 31);
  const weeks = wholeNumber(values.weeks, '--weeks', 1, 52);
  const budgetPerHour =
    values.budget === undefined ? defaultBudgetPerHour() : wholeNumber(values.budget, '--budget', 1, 1_000);
  const params =
    values['agents-per-channel'] === undefined
      ? centralParameters()
      : withParameters(centralParameters(), {
          agentsPerSupervisor: wholeNumber(values['agents-per-channel'], '--agents-per-channel', 1, 10_000),
        });
  if (values.sweep) {
    let bar = NO_PROGRESS;
    try {
      const sweep = await runSweep({
        seed,
        weeks,
        params,
        budgetPerHour,
        onRun: (done, total) => {
          if (done === 1) bar = startProgressBar('sweep', total, 'runs');
          bar.increment();
        },
      });
      bar.stop();
      printSweep(sweep);
      if (values.json) console.log(JSON.stringify(sweep));
    } finally {
      bar.stop();
    }
    return;
  }
  const progress = weeks >= 4 ? startProgressBar('simulate', 3, 'arms') : NO_PROGRESS;
  let result: ExperimentResult;
  try {
    result = await runExperiment({ seed, weeks, params, budgetPerHour, onArm: () => progress.increment() });
  } finally {
    progress.stop();
  }
  if (values.json) {
    console.log(JSON.stringify(result));
    return;
  }
  printExperiment(result, weeks);
}

function parseArguments(argv: readonly string[]) {
  try {
    return parseArgs({
      args: [...argv],
      options: {
        json: { type: 'boolean', default: false },
        sweep: { type: 'boolean', default: false },
        table: { type: 'boolean', default: false },
        seed: { type: 'string', default: '1' },
        weeks: { type: 'string', default: '1' },
        budget: { type: 'string' },
        'agents-per-channel': { type: 'string' },
        help: { type: 'boolean', short: 'h', default: false },
      },
      strict: true,
      allowPositionals: false,
    }).values;
  } catch (error) {
    throw new UsageError(describeError(error));
  }
}

function wholeNumber(text: string, flag: string, min: number, max: number): number {
  const value = /^\d+$/.test(text) ? Number(text) : Number.NaN;
  if (!Number.isSafeInteger(value) || value < min || value > max)
    throw new UsageError(`${flag} "${text}" is not a whole number from ${min} to ${max}`);
  return value;
}

function printExperiment(r: ExperimentResult, weeks: number): void {
  const centre = buildWeeksOfCentre(r.seed, DEFAULT_CENTRE, 1);
  const policy = defaultPolicy(centre);
  const d = policy.defaults;
  const unitThresholds = [...new Set(Object.values(policy.unitExceptionThresholdMs))].map(formatDuration);
  const pct = (x: number): string => `${x.toFixed(1)} %`;
  console.log(
    `Shift simulation, seed ${r.seed}: ${centre.agents.length} agents in ${centre.managementUnits.length} units, ` +
      `${weeks} week(s) of 5 shifts (${r.agentShifts} agent-shifts), ${r.supervisorHours} supervisor-hours.`,
  );
  console.log(
    `Thresholds (service defaults): nudge ${formatDuration(d.nudgeAfterMs)}, supervisor ${formatDuration(d.supervisorAfterMs)}, ` +
      `formal exception ${unitThresholds.join('/') || formatDuration(d.exceptionAfterMs)} (the units' Genesys threshold).`,
  );
  console.log('');
  const rows: [string, string, string, string][] = [
    ['', 'without alerts', `with alerts, budget ${r.budget.perHour}/h`, 'with alerts, no budget'],
    [
      'formal exceptions',
      String(r.withoutAlerts.formalExceptions),
      String(r.withAlerts.formalExceptions),
      String(r.budget.withoutBudget.formalExceptions),
    ],
    ['reduction', '', pct(r.reductionPercent), pct(r.budget.withoutBudget.reductionPercent)],
    ['nudges per agent-shift', '', String(r.nudgesPerAgentShift), ''],
    ['supervisor alerts per supervisor-hour', '', String(r.alertsPerSupervisorHour), ''],
    [
      'single cards per supervisor-hour',
      '',
      String(r.budget.cardsPerSupervisorHour),
      String(r.budget.withoutBudget.cardsPerSupervisorHour),
    ],
    [
      'most cards one supervisor got in an hour',
      '',
      String(r.budget.peakCardsPerSupervisorInAnyHour),
      String(r.budget.withoutBudget.peakCardsPerSupervisorInAnyHour),
    ],
    ['alerts that joined the live board', '', String(r.budget.boardJoins), '0'],
    ['drifts ended early: after nudge / supervisor', '', `${r.savedBy.nudge} / ${r.savedBy.supervisor}`, ''],
  ];
  printTable(rows);
  if (r.weeks > 1) {
    console.log('');
    console.log(`formal exceptions by week, without / with alerts:`);
    r.formalExceptionsByWeek.withoutAlerts.forEach((n, week) =>
      console.log(`  week ${week + 1}: ${n} / ${r.formalExceptionsByWeek.withAlerts[week]}`),
    );
  }
  const c = r.calibration;
  console.log('');
  console.log('Model check (the centre without alerts) against the evidence:');
  printTable([
    ['', 'simulated', 'evidence'],
    ['episodes per agent-shift', String(c.episodesPerAgentShift), 'about 7 (4-10), guess'],
    [
      'episodes <3 / 3-10 / >=10 min',
      `${pct(c.shareUnderThreeMinutes * 100)} / ${pct(c.shareThreeToTenMinutes * 100)} / ${pct(c.shareTenMinutesOrMore * 100)}`,
      '68 / 22 / 10 %, guess',
    ],
    ['of those >=10 min, share >=15 min', pct(c.shareFifteenOfTen * 100), 'about 60 %, guess'],
    [
      'formal exceptions per agent-shift',
      String(c.formalExceptionsPerAgentShift),
      'about 0.4 (0.1-0.6), guess',
    ],
    [
      'out-of-adherence minutes per agent-shift',
      String(c.outOfAdherenceMinutesPerAgentShift),
      '34-48 (25-96)',
    ],
    [
      'causes of drifts >=10 min',
      Object.entries(c.longDriftCauses)
        .map(([cause, share]) => `${cause} ${Math.round(share * 100)}`)
        .join(', '),
      'late back 35, login/logout 15, status 15, meeting 15, call 10, system 10, guess',
    ],
  ]);
}

function printSweep(s: SweepResult): void {
  console.log(
    `Sweep, seed ${s.seed}, ${s.weeks} week(s): reduction of formal exceptions with alerts (budget on).`,
  );
  console.log(
    `Central: ${s.central.toFixed(1)} %. Other seeds: ${s.centralBySeed.map((x) => `${x.reductionPercent.toFixed(1)} %`).join(', ')}.`,
  );
  console.log('');
  printTable([
    ['parameter (one at a time, the rest central)', 'str.', 'low', 'reduction', 'high', 'reduction', 'swing'],
    ...s.rows.map((row) => [
      row.key,
      row.strength,
      String(row.low),
      `${row.reductionAtLow.toFixed(1)} %`,
      String(row.high),
      `${row.reductionAtHigh.toFixed(1)} %`,
      `${row.swing.toFixed(1)} pt`,
    ]),
  ]);
  console.log('');
  console.log(
    `All swept parameters at their pessimistic ends: ${s.pessimistic.toFixed(1)} %; at their optimistic ends: ${s.optimistic.toFixed(1)} %.`,
  );
  if (s.skipped.length > 0)
    console.log(`Not swept in a ${s.weeks}-week run: ${s.skipped.join(', ')} (use --weeks).`);
}

function printTable(rows: readonly (readonly string[])[]): void {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((row) => row[i].length)));
  for (const row of rows)
    console.log(
      row
        .map((cell, i) => cell.padEnd(widths[i]))
        .join('  ')
        .trimEnd(),
    );
}

runCli('simulate', USAGE, main);
