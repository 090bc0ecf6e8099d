/**
 * Every assumption of the shift simulation (`npm run simulate`), with its central value, the range `--sweep` varies it
 * over, and where it comes from. Strength: S = survey, peer-reviewed study or official documentation; M = practitioner
 * or vendor article; W = weak (anecdote, or a number derived from other rows); G = a guess, no source found.
 * No public source measures the effect of real-time adherence nudges on adherence exceptions; the response rows are
 * guesses and analogies from other fields, and the result must be read as depending on them.
 *
 * The README carries the same table (`npm run simulate -- --table` prints it from here).
 */

/** The numbers the simulation runs on. Rates are per agent-shift unless named otherwise; durations in minutes. */
export interface OutcomeParameters {
  /** Agents whose alerts go to one supervisor channel. */
  readonly agentsPerSupervisor: number;
  /** Late back from a break or the meal (away from the desk), per agent-shift. */
  readonly lateBackPerShift: number;
  /** Late login at shift start (not there yet), per agent-shift. */
  readonly lateLoginPerShift: number;
  /** Early logout before shift end (gone), per agent-shift. */
  readonly earlyLogoutPerShift: number;
  /** Back at the desk after a break, meal or meeting but the status not changed, per agent-shift. */
  readonly statusNotChangedPerShift: number;
  /** Chance that a scheduled meeting overruns. */
  readonly meetingOverrunChance: number;
  /** Unscheduled coaching or meeting pulled out of on-queue time, per agent-shift. */
  readonly coachingPerShift: number;
  /** System issue (cannot log in, softphone down), per agent-shift. */
  readonly systemIssuePerShift: number;
  /** Median length of those drifts if nothing intervenes (lognormal), minutes. */
  readonly driftMedianMinutes: number;
  /** Spread (sigma of the log) of those drift lengths. */
  readonly driftSigma: number;
  /** Longest such drift, minutes. */
  readonly driftMaxMinutes: number;
  /** Chance of a short slip (switching a little late) at a schedule transition without another drift. */
  readonly slipChance: number;
  /** Brief unplanned time away (aux) during on-queue work, per agent-shift. */
  readonly briefAuxPerShift: number;
  /** Median length of a slip or brief aux, minutes (lognormal). */
  readonly slipMedianMinutes: number;
  readonly slipSigma: number;
  /** Share of on-queue time spent on calls: chance of being on a call when a break, meal or meeting starts. */
  readonly occupancy: number;
  /** Average handle time, minutes; handle times are lognormal. */
  readonly ahtMinutes: number;
  readonly handleTimeSigma: number;
  /** Chance the agent sees the Teams nudge within `seeWithinMinutes`. */
  readonly reach: number;
  readonly seeWithinMinutes: number;
  /** Chance an agent who saw the nudge acts on it, by cause. */
  readonly actStatusNotChanged: number;
  readonly actMeeting: number;
  /** Away from the desk: late back, late login, early logout, brief aux. */
  readonly actAway: number;
  /** Median time from seeing the nudge to changing status, minutes (lognormal, sigma 0.5). */
  readonly actMinutes: number;
  /** Chance a supervisor's contact after the alert ends the drift before the formal exception: at the desk (status, meeting). */
  readonly supervisorAtDesk: number;
  /** ... away from the desk. */
  readonly supervisorAway: number;
  /** Time from the alert to the agent's return after a supervisor's contact: uniform in [min, max] minutes. */
  readonly supervisorMinMinutes: number;
  readonly supervisorMaxMinutes: number;
  /** Response to each further nudge to the same agent within a shift is multiplied by this. */
  readonly nudgeFatigue: number;
  /** Drop of the responses per week of use, towards `fatigueFloor` of the first week's. */
  readonly weeklyFatigue: number;
  readonly fatigueFloor: number;
  /** Individual alert cards a supervisor can act on per hour; beyond it each card's response is diluted by capacity / cards in the last hour. */
  readonly supervisorCapacityPerHour: number;
  /** Response to an alert that joins the live drift board, relative to a card's. */
  readonly boardResponse: number;
  /** Delay between an adherence change and the frame reaching the service, seconds. */
  readonly notificationLatencySeconds: number;
}

/** How well a parameter is supported. */
export type Strength = 'S' | 'M' | 'W' | 'G';

/** One row of the parameter table. */
export interface ParameterSpec {
  readonly key: keyof OutcomeParameters;
  readonly assumption: string;
  readonly central: number;
  /** The range `--sweep` uses; equal to `central` when not swept. */
  readonly low: number;
  readonly high: number;
  readonly unit: string;
  readonly strength: Strength;
  /** Public references (papers, URLs), or the plain statement that it is a guess. */
  readonly source: string;
  readonly isSwept: boolean;
}

const A5 = 'thecallcenterschool.com/uncategorized/managing-schedule-exception-adjustments-2/';
const A9 = 'opsdog.com/products/occupancy-rate';
const A10 = 'icmi.com/resources/2012/staff-to-supervisor-ratio';
const A14 = 'turnella.com/real-time-adherence';
const B3 = 'Staats, Dai, Hofmann & Milkman, Management Science 63(5), 2017';
const B4 = 'Ancker et al., BMC Med Inform Decis Mak 2017 (PMC5387195)';
const B5 = 'Baysari et al. 2020 (scholars.latrobe.edu.au/display/publication1145439)';
const B7 = 'Koch, Mønster & Nafziger, PNAS, "Spillover effects of reminder nudges in complex environments"';
const B8 = 'Pielot, Church & de Oliveira 2014, "An In-Situ Study of Mobile Phone Notifications"';
const B9 = 'Avrahami & Hudson, CHI 2006';
const B12 = 'EEMUA 191 (alarm systems guide): about one alarm per 10 minutes per operator is manageable';
const D2 = 'Brown et al., JASA 2005';
const CALIBRATED =
  'Guess, calibrated: the centre then shows about 7 episodes, 0.4 formal exceptions and 30-50 out-of-adherence minutes per agent-shift (no public per-episode data)';
const CAUSE_SHARE =
  'Guess: ±10 points around its share of the drifts of 10 min or more (late back 35 %, login/logout 15 %, status 15 %, meeting 15 %, system 10 %; long calls follow from occupancy and handle time)';

/** The parameter table: the single place every number of the model comes from. */
export const PARAMETER_TABLE: readonly ParameterSpec[] = Object.freeze([
  {
    key: 'agentsPerSupervisor',
    assumption: 'Agents per supervisor channel',
    central: 12,
    low: 8,
    high: 20,
    unit: 'agents',
    strength: 'M',
    source: `ICMI: 8-12 typical, 5-20 seen (${A10})`,
    isSwept: true,
  },
  {
    key: 'lateBackPerShift',
    assumption: 'Late back from break or meal (away from desk)',
    central: 0.68,
    low: 0.48,
    high: 0.87,
    unit: 'per agent-shift',
    strength: 'G',
    source: `${CAUSE_SHARE}; lunch and break extensions: ${A5}`,
    isSwept: true,
  },
  {
    key: 'lateLoginPerShift',
    assumption: 'Late login (away)',
    central: 0.145,
    low: 0.05,
    high: 0.24,
    unit: 'per agent-shift',
    strength: 'G',
    source: `${CAUSE_SHARE}; late starts and outages 0.5-2 % of paid time (${A14}, vendor guide, W)`,
    isSwept: true,
  },
  {
    key: 'earlyLogoutPerShift',
    assumption: 'Early logout (away)',
    central: 0.145,
    low: 0.05,
    high: 0.24,
    unit: 'per agent-shift',
    strength: 'G',
    source: CAUSE_SHARE,
    isSwept: true,
  },
  {
    key: 'statusNotChangedPerShift',
    assumption: 'Back at the desk, status not changed',
    central: 0.29,
    low: 0.1,
    high: 0.48,
    unit: 'per agent-shift',
    strength: 'G',
    source: CAUSE_SHARE,
    isSwept: true,
  },
  {
    key: 'meetingOverrunChance',
    assumption: 'A scheduled meeting overruns',
    central: 0.35,
    low: 0.35,
    high: 0.35,
    unit: 'chance',
    strength: 'G',
    source: 'Guess (as in the simulator shift scenario); the coaching row carries the sweep of this cause',
    isSwept: false,
  },
  {
    key: 'coachingPerShift',
    assumption: 'Unscheduled coaching or meeting during on-queue time',
    central: 0.185,
    low: 0.03,
    high: 0.37,
    unit: 'per agent-shift',
    strength: 'G',
    source: `${CAUSE_SHARE}; with the meeting overruns about 0.29 per agent-shift`,
    isSwept: true,
  },
  {
    key: 'systemIssuePerShift',
    assumption: 'System issue (cannot take calls)',
    central: 0.19,
    low: 0,
    high: 0.39,
    unit: 'per agent-shift',
    strength: 'G',
    source: `${CAUSE_SHARE}; outages 0.5-2 % of paid time (${A14}, vendor guide, W)`,
    isSwept: true,
  },
  {
    key: 'driftMedianMinutes',
    assumption: 'Median length of those drifts, left alone (lognormal)',
    central: 7,
    low: 5,
    high: 10,
    unit: 'min',
    strength: 'G',
    source: CALIBRATED,
    isSwept: true,
  },
  {
    key: 'driftSigma',
    assumption: 'Spread (log sigma) of those drift lengths',
    central: 1,
    low: 0.8,
    high: 1.2,
    unit: '',
    strength: 'G',
    source: CALIBRATED,
    isSwept: true,
  },
  {
    key: 'driftMaxMinutes',
    assumption: 'Longest such drift',
    central: 120,
    low: 120,
    high: 120,
    unit: 'min',
    strength: 'G',
    source: 'Guess; affects minutes, not the count of formal exceptions',
    isSwept: false,
  },
  {
    key: 'slipChance',
    assumption: 'Short slip at a schedule transition',
    central: 0.5,
    low: 0.3,
    high: 0.7,
    unit: 'chance per transition',
    strength: 'G',
    source: `${CALIBRATED}; about 8 scheduled transitions a shift, each a chance to slip`,
    isSwept: true,
  },
  {
    key: 'briefAuxPerShift',
    assumption: 'Brief unplanned time away during on-queue work',
    central: 1,
    low: 0.5,
    high: 2,
    unit: 'per agent-shift',
    strength: 'G',
    source: CALIBRATED,
    isSwept: true,
  },
  {
    key: 'slipMedianMinutes',
    assumption: 'Median length of a slip or brief aux (lognormal)',
    central: 0.75,
    low: 0.75,
    high: 0.75,
    unit: 'min',
    strength: 'G',
    source: CALIBRATED,
    isSwept: false,
  },
  {
    key: 'slipSigma',
    assumption: 'Spread (log sigma) of slips',
    central: 0.8,
    low: 0.8,
    high: 0.8,
    unit: '',
    strength: 'G',
    source: CALIBRATED,
    isSwept: false,
  },
  {
    key: 'occupancy',
    assumption: 'Occupancy: chance of being on a call when a break, meal or meeting starts',
    central: 0.75,
    low: 0.48,
    high: 0.87,
    unit: 'share',
    strength: 'M',
    source: `Benchmark average 70.6 %, n=494 (${A9})`,
    isSwept: true,
  },
  {
    key: 'ahtMinutes',
    assumption: 'Average handle time (a call running into a break lasts its remaining handle time)',
    central: 6,
    low: 3,
    high: 15,
    unit: 'min',
    strength: 'W',
    source: `Typical voice AHT (derived: 7.5 calls/h at 75 % occupancy); lognormal handle times: ${D2}`,
    isSwept: true,
  },
  {
    key: 'handleTimeSigma',
    assumption: 'Spread (log sigma) of handle times',
    central: 0.6,
    low: 0.4,
    high: 1,
    unit: '',
    strength: 'G',
    source: `Guess; lognormal shape: ${D2}`,
    isSwept: true,
  },
  {
    key: 'reach',
    assumption: 'Agent sees the Teams nudge within 2 minutes',
    central: 0.7,
    low: 0.5,
    high: 0.9,
    unit: 'chance',
    strength: 'W',
    source: `Phone notifications mostly viewed within minutes, 20-50 % ignored (${B8}); IM replies over 30 s-10 min (${B9}); no contact-centre data`,
    isSwept: true,
  },
  {
    key: 'seeWithinMinutes',
    assumption: 'Time to see a nudge that is seen (uniform from 0)',
    central: 2,
    low: 2,
    high: 2,
    unit: 'min',
    strength: 'W',
    source: B8,
    isSwept: false,
  },
  {
    key: 'actStatusNotChanged',
    assumption: 'Acts on a seen nudge: status not changed (at the desk)',
    central: 0.9,
    low: 0.7,
    high: 1,
    unit: 'chance',
    strength: 'G',
    source: 'Guess: a status change is one click',
    isSwept: true,
  },
  {
    key: 'actMeeting',
    assumption: 'Acts on a seen nudge: meeting or coaching overrun',
    central: 0.4,
    low: 0.2,
    high: 0.6,
    unit: 'chance',
    strength: 'G',
    source: 'Guess',
    isSwept: true,
  },
  {
    key: 'actAway',
    assumption:
      'Acts on a seen nudge: away from the desk (late back, late login, early logout, brief aux); on a call or a system issue: 0',
    central: 0.1,
    low: 0,
    high: 0.3,
    unit: 'chance',
    strength: 'G',
    source:
      'Guess, the key structural assumption: a desktop Teams message cannot reach an agent away from the desk (higher if Teams is on the phone)',
    isSwept: true,
  },
  {
    key: 'actMinutes',
    assumption: 'Time from seeing the nudge to changing status (median, lognormal sigma 0.5)',
    central: 1,
    low: 0.2,
    high: 3,
    unit: 'min',
    strength: 'G',
    source: 'Guess',
    isSwept: true,
  },
  {
    key: 'supervisorAtDesk',
    assumption:
      'Supervisor contact after the alert ends the drift before the exception: at the desk (status, meeting)',
    central: 0.3,
    low: 0.1,
    high: 0.5,
    unit: 'chance',
    strength: 'G',
    source:
      'Guess; only the extra effect counts: Genesys already highlights severe drift at 5 min (help.mypurecloud.com/articles/configure-historical-adherence/)',
    isSwept: true,
  },
  {
    key: 'supervisorAway',
    assumption: '... away from the desk (on a call or a system issue: 0)',
    central: 0.15,
    low: 0.05,
    high: 0.25,
    unit: 'chance',
    strength: 'G',
    source: 'Guess (half the at-desk value)',
    isSwept: true,
  },
  {
    key: 'supervisorMinMinutes',
    assumption: 'Agent back after a supervisor contact: from (uniform)',
    central: 0.5,
    low: 0.5,
    high: 0.5,
    unit: 'min after the alert',
    strength: 'G',
    source: 'Guess',
    isSwept: false,
  },
  {
    key: 'supervisorMaxMinutes',
    assumption: '... to',
    central: 4.5,
    low: 4.5,
    high: 4.5,
    unit: 'min after the alert',
    strength: 'G',
    source: 'Guess (inside the 5 minutes between the alert and the exception)',
    isSwept: false,
  },
  {
    key: 'nudgeFatigue',
    assumption: 'Fatigue within a shift: response x this for each further nudge to the same agent',
    central: 0.7,
    low: 0.6,
    high: 0.9,
    unit: 'factor',
    strength: 'S',
    source: `By analogy: reminder acceptance fell 30 % for each extra reminder per encounter (${B4}); shorter dwell on alerts at higher alert rates (${B5})`,
    isSwept: true,
  },
  {
    key: 'weeklyFatigue',
    assumption: 'Fatigue over weeks: drop per week of the responses to nudges and supervisor contacts',
    central: 0.02,
    low: 0,
    high: 0.05,
    unit: 'per week',
    strength: 'S',
    source: `By analogy: monitoring effects rise then fade (${B3}); reminder effects show diminishing returns (${B7}). Only matters with --weeks above 1`,
    isSwept: true,
  },
  {
    key: 'fatigueFloor',
    assumption: 'Weekly fatigue levels off at this share of the first week',
    central: 0.7,
    low: 0.7,
    high: 0.7,
    unit: 'share',
    strength: 'S',
    source: `By analogy (${B3}, ${B7})`,
    isSwept: false,
  },
  {
    key: 'supervisorCapacityPerHour',
    assumption:
      'Alert cards a supervisor acts on per hour before responses dilute (capacity / cards in the last hour)',
    central: 6,
    low: 3,
    high: 12,
    unit: 'cards/h',
    strength: 'W',
    source: B12,
    isSwept: true,
  },
  {
    key: 'boardResponse',
    assumption: 'Response to an alert on the live drift board, relative to a single card',
    central: 0.7,
    low: 0.4,
    high: 1,
    unit: 'factor',
    strength: 'G',
    source: 'Guess',
    isSwept: true,
  },
  {
    key: 'notificationLatencySeconds',
    assumption: 'Delay from an adherence change to its notification reaching the service',
    central: 1,
    low: 1,
    high: 1,
    unit: 's',
    strength: 'G',
    source: 'Guess; it only breaks ties (a drift ending exactly at a threshold counts as reaching it)',
    isSwept: false,
  },
] satisfies ParameterSpec[]);

/** The central value of every parameter; pure. */
export function centralParameters(): OutcomeParameters {
  return Object.fromEntries(
    PARAMETER_TABLE.map((spec) => [spec.key, spec.central]),
  ) as unknown as OutcomeParameters;
}

/** The parameters with some replaced (validated against the table's keys); pure. */
export function withParameters(
  base: OutcomeParameters,
  changes: Partial<Record<keyof OutcomeParameters, number>>,
): OutcomeParameters {
  for (const key of Object.keys(changes)) {
    if (!PARAMETER_TABLE.some((spec) => spec.key === key)) throw new RangeError(`unknown parameter ${key}`);
  }
  return { ...base, ...changes };
}

/** The parameters that shape the episodes (cached across response sweeps: the arm without alerts depends on these only). */
export const EPISODE_PARAMETER_KEYS: readonly (keyof OutcomeParameters)[] = Object.freeze([
  'lateBackPerShift',
  'lateLoginPerShift',
  'earlyLogoutPerShift',
  'statusNotChangedPerShift',
  'meetingOverrunChance',
  'coachingPerShift',
  'systemIssuePerShift',
  'driftMedianMinutes',
  'driftSigma',
  'driftMaxMinutes',
  'slipChance',
  'briefAuxPerShift',
  'slipMedianMinutes',
  'slipSigma',
  'occupancy',
  'ahtMinutes',
  'handleTimeSigma',
  'notificationLatencySeconds',
]);

/** The parameter table as Markdown, exactly as the README carries it (a unit test keeps the two in step); pure. */
export function parameterTableMarkdown(): string {
  const lines = [
    '| parameter | assumption | central | range | unit | str. | source |',
    '|---|---|---|---|---|---|---|',
  ];
  for (const spec of PARAMETER_TABLE) {
    const range = spec.isSwept ? `${spec.low}–${spec.high}` : 'not swept';
    lines.push(
      `| \`${spec.key}\` | ${spec.assumption} | ${spec.central} | ${range} | ${spec.unit} | ${spec.strength} | ${spec.source} |`,
    );
  }
  return lines.join('\n');
}
