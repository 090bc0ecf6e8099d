/**
 * The experiment behind `npm run simulate`: the same simulated weeks (same seed, so the same drifts and the same
 * pre-drawn chances) run without alerts, with alerts under the supervisor alert budget, and with alerts without it;
 * and the sweep that moves each swept parameter to the ends of its range, one at a time, then all together.
 */
import { readOutcomeSettings } from '../config/settings';
import {
  EPISODE_PARAMETER_KEYS,
  PARAMETER_TABLE,
  withParameters,
  type OutcomeParameters,
  type ParameterSpec,
} from './outcome-parameters';
import { runArm, type ArmResult, type CentreSize, type EpisodeShape } from './shift-simulation';
import type { DriftCause } from './shift-plan';

/** Options of an experiment. */
export interface ExperimentOptions {
  readonly seed: number;
  readonly weeks: number;
  readonly params: OutcomeParameters;
  /** Default: the service's `SUPERVISOR_ALERT_BUDGET_PER_HOUR` default. */
  readonly budgetPerHour?: number;
  readonly centre?: CentreSize;
  /** Called after each arm (three in all), for a progress bar. */
  readonly onArm?: () => void;
}

/** The evidence-facing shape of the simulated centre without alerts, per agent-shift. */
export interface Calibration {
  readonly episodesPerAgentShift: number;
  readonly shareUnderThreeMinutes: number;
  readonly shareThreeToTenMinutes: number;
  readonly shareTenMinutesOrMore: number;
  /** Of the episodes of 10 minutes or more, the share that lasted 15 or more. */
  readonly shareFifteenOfTen: number;
  readonly formalExceptionsPerAgentShift: number;
  readonly outOfAdherenceMinutesPerAgentShift: number;
  /** Causes of the drifts of 10 minutes or more (left alone), as shares. */
  readonly longDriftCauses: Readonly<Partial<Record<DriftCause, number>>>;
}

/** The result of one experiment; the first fields are the `--json` contract of `npm run simulate`. */
export interface ExperimentResult {
  readonly seed: number;
  readonly weeks: number;
  readonly withAlerts: {
    readonly formalExceptions: number;
    readonly nudges: number;
    readonly supervisorAlerts: number;
  };
  readonly withoutAlerts: { readonly formalExceptions: number };
  readonly reductionPercent: number;
  readonly alertsPerSupervisorHour: number;
  readonly nudgesPerAgentShift: number;
  readonly agentShifts: number;
  readonly supervisorHours: number;
  readonly budget: {
    readonly perHour: number;
    readonly cardsPerSupervisorHour: number;
    readonly boardJoins: number;
    readonly peakCardsPerSupervisorInAnyHour: number;
    readonly peakAlertsPerSupervisorInAnyHour: number;
    readonly withoutBudget: {
      readonly formalExceptions: number;
      readonly reductionPercent: number;
      readonly cardsPerSupervisorHour: number;
      readonly peakCardsPerSupervisorInAnyHour: number;
    };
    /** Formal exceptions with the budget minus without it (negative: the budget avoided some). */
    readonly formalExceptionsChange: number;
  };
  readonly formalExceptionsByWeek: {
    readonly withAlerts: readonly number[];
    readonly withoutAlerts: readonly number[];
  };
  readonly savedBy: { readonly nudge: number; readonly supervisor: number };
  readonly calibration: Calibration;
}

/** Runs the three arms of one experiment. */
export async function runExperiment(options: ExperimentOptions): Promise<ExperimentResult> {
  const budgetPerHour = options.budgetPerHour ?? defaultBudgetPerHour();
  const common = { seed: options.seed, weeks: options.weeks, params: options.params, centre: options.centre };
  const arm = async (alerts: 'on' | 'off', budget?: number): Promise<ArmResult> => {
    const result = await runArm({ ...common, alerts, budgetPerHour: budget });
    options.onArm?.();
    return result;
  };
  const without = await arm('off');
  const withBudget = await arm('on', budgetPerHour);
  const noBudget = await arm('on');
  return summarize(options, budgetPerHour, without, withBudget, noBudget);
}

/** The service's default supervisor alert budget (src/config/settings.ts). */
export function defaultBudgetPerHour(): number {
  return readOutcomeSettings({}).supervisorAlertBudgetPerHour;
}

/** Relative drop of formal exceptions in percent, one decimal; 0 when there is nothing to drop. */
function reductionPercent(without: number, withAlerts: number): number {
  return without === 0 ? 0 : round(((without - withAlerts) / without) * 100, 1);
}

function summarize(
  options: ExperimentOptions,
  budgetPerHour: number,
  without: ArmResult,
  withBudget: ArmResult,
  noBudget: ArmResult,
): ExperimentResult {
  const hours = withBudget.supervisorHours;
  const endings = Object.values(withBudget.endings);
  return {
    seed: options.seed,
    weeks: options.weeks,
    withAlerts: {
      formalExceptions: withBudget.formalExceptions,
      nudges: withBudget.nudges,
      supervisorAlerts: withBudget.supervisorAlerts,
    },
    withoutAlerts: { formalExceptions: without.formalExceptions },
    reductionPercent: reductionPercent(without.formalExceptions, withBudget.formalExceptions),
    alertsPerSupervisorHour: round(withBudget.supervisorAlerts / hours, 2),
    nudgesPerAgentShift: round(withBudget.nudges / withBudget.agentShifts, 2),
    agentShifts: withBudget.agentShifts,
    supervisorHours: round(hours, 1),
    budget: {
      perHour: budgetPerHour,
      cardsPerSupervisorHour: round(withBudget.channels.cards / hours, 2),
      boardJoins: withBudget.channels.boardJoins,
      peakCardsPerSupervisorInAnyHour: withBudget.channels.peakCardsInAnyHour,
      peakAlertsPerSupervisorInAnyHour: withBudget.channels.peakAlertsInAnyHour,
      withoutBudget: {
        formalExceptions: noBudget.formalExceptions,
        reductionPercent: reductionPercent(without.formalExceptions, noBudget.formalExceptions),
        cardsPerSupervisorHour: round(noBudget.channels.cards / noBudget.supervisorHours, 2),
        peakCardsPerSupervisorInAnyHour: noBudget.channels.peakCardsInAnyHour,
      },
      formalExceptionsChange: withBudget.formalExceptions - noBudget.formalExceptions,
    },
    formalExceptionsByWeek: {
      withAlerts: withBudget.formalExceptionsByWeek,
      withoutAlerts: without.formalExceptionsByWeek,
    },
    savedBy: {
      nudge: endings.reduce((sum, e) => sum + e.nudge, 0),
      supervisor: endings.reduce((sum, e) => sum + e.supervisor, 0),
    },
    calibration: calibrationOf(without),
  };
}

function calibrationOf(arm: ArmResult): Calibration {
  const shape: EpisodeShape = arm.episodes;
  const shifts = arm.agentShifts;
  const long = Object.entries(arm.longDriftsByCause).filter(([, n]) => n > 0);
  const longTotal = long.reduce((sum, [, n]) => sum + n, 0);
  return {
    episodesPerAgentShift: round(shape.episodes / shifts, 2),
    shareUnderThreeMinutes: round(shape.underThreeMinutes / shape.episodes, 3),
    shareThreeToTenMinutes: round(shape.threeToTenMinutes / shape.episodes, 3),
    shareTenMinutesOrMore: round(shape.tenMinutesOrMore / shape.episodes, 3),
    shareFifteenOfTen: round(shape.fifteenMinutesOrMore / Math.max(1, shape.tenMinutesOrMore), 3),
    formalExceptionsPerAgentShift: round(arm.formalExceptions / shifts, 3),
    outOfAdherenceMinutesPerAgentShift: round(shape.outOfAdherenceMinutes / shifts, 1),
    longDriftCauses: Object.fromEntries(long.map(([cause, n]) => [cause, round(n / longTotal, 3)])),
  };
}

/** One row of the sweep: the reduction with the parameter at the low and the high end of its range. */
export interface SweepRow {
  readonly key: keyof OutcomeParameters;
  readonly assumption: string;
  readonly strength: ParameterSpec['strength'];
  readonly low: number;
  readonly high: number;
  readonly reductionAtLow: number;
  readonly reductionAtHigh: number;
  /** |high - low| in percentage points. */
  readonly swing: number;
}

/** What `--sweep` reports. */
export interface SweepResult {
  readonly seed: number;
  readonly weeks: number;
  readonly central: number;
  /** The central reduction for further seeds: the noise of the simulation itself. */
  readonly centralBySeed: readonly { readonly seed: number; readonly reductionPercent: number }[];
  /** One parameter at a time, largest swing first. */
  readonly rows: readonly SweepRow[];
  /** Every swept parameter at the end of its range that gave the lower (pessimistic) or higher (optimistic) reduction. */
  readonly pessimistic: number;
  readonly optimistic: number;
  /** Parameters left out because they cannot matter in this run (e.g. weekly fatigue in a one-week run). */
  readonly skipped: readonly (keyof OutcomeParameters)[];
}

/** Options of {@link runSweep}. */
export interface SweepOptions extends ExperimentOptions {
  /** Further seeds for the noise estimate (default 4). */
  readonly noiseSeeds?: number;
  /** Called after each run, for a progress bar. */
  readonly onRun?: (done: number, total: number) => void;
}

/**
 * Moves each swept parameter of the table to the low and the high end of its range (the others central) and reports
 * the reduction of formal exceptions (with the budget), then all of them at their pessimistic and optimistic ends
 * together, and the central result for a few more seeds. The arm without alerts is run again only when the parameter
 * shapes the episodes.
 */
export async function runSweep(options: SweepOptions): Promise<SweepResult> {
  const budgetPerHour = options.budgetPerHour ?? defaultBudgetPerHour();
  const specs = PARAMETER_TABLE.filter((spec) => spec.isSwept);
  const skipped = specs
    .filter((spec) => options.weeks === 1 && spec.key === 'weeklyFatigue')
    .map((s) => s.key);
  const swept = specs.filter((spec) => !skipped.includes(spec.key));
  const noiseSeeds = options.noiseSeeds ?? 4;
  const isEpisodeParameter = (key: keyof OutcomeParameters): boolean => EPISODE_PARAMETER_KEYS.includes(key);
  const total =
    2 + swept.reduce((sum, spec) => sum + (isEpisodeParameter(spec.key) ? 4 : 2), 0) + 4 + 2 * noiseSeeds;
  let done = 0;
  const arm = async (
    params: OutcomeParameters,
    alerts: 'on' | 'off',
    seed = options.seed,
  ): Promise<ArmResult> => {
    const result = await runArm({
      seed,
      weeks: options.weeks,
      params,
      alerts,
      budgetPerHour: alerts === 'on' ? budgetPerHour : undefined,
      centre: options.centre,
    });
    options.onRun?.(++done, total);
    return result;
  };
  const reductionWith = async (
    params: OutcomeParameters,
    baseline?: ArmResult,
    seed?: number,
  ): Promise<number> => {
    const without = baseline ?? (await arm(params, 'off', seed));
    const withAlerts = await arm(params, 'on', seed);
    return reductionPercent(without.formalExceptions, withAlerts.formalExceptions);
  };
  const centralWithout = await arm(options.params, 'off');
  const central = await reductionWith(options.params, centralWithout);
  const rows: SweepRow[] = [];
  for (const spec of swept) {
    const baseline = isEpisodeParameter(spec.key) ? undefined : centralWithout;
    const atLow = await reductionWith(withParameters(options.params, { [spec.key]: spec.low }), baseline);
    const atHigh = await reductionWith(withParameters(options.params, { [spec.key]: spec.high }), baseline);
    rows.push({
      key: spec.key,
      assumption: spec.assumption,
      strength: spec.strength,
      low: spec.low,
      high: spec.high,
      reductionAtLow: atLow,
      reductionAtHigh: atHigh,
      swing: round(Math.abs(atHigh - atLow), 1),
    });
  }
  rows.sort((a, b) => b.swing - a.swing);
  const extreme = (optimistic: boolean): OutcomeParameters =>
    withParameters(
      options.params,
      Object.fromEntries(
        rows.map((row) => [
          row.key,
          row.reductionAtHigh >= row.reductionAtLow === optimistic ? row.high : row.low,
        ]),
      ),
    );
  const pessimistic = await reductionWith(extreme(false));
  const optimistic = await reductionWith(extreme(true));
  const centralBySeed: { seed: number; reductionPercent: number }[] = [];
  for (let i = 1; i <= noiseSeeds; i++) {
    const seed = options.seed + i;
    centralBySeed.push({ seed, reductionPercent: await reductionWith(options.params, undefined, seed) });
  }
  return {
    seed: options.seed,
    weeks: options.weeks,
    central,
    centralBySeed,
    rows,
    pessimistic,
    optimistic,
    skipped,
  };
}

function round(value: number, digits: number): number {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}
