import type { ActivityCategory, Shift, SystemPresence } from '../simulator/contact-centre';
import type { SeededRandom } from '../simulator/seeded-random';
import type { OutcomeParameters } from './outcome-parameters';

/** Why an agent drifts out of adherence; each cause has its own length and its own response to a nudge. */
export type DriftCause =
  | 'lateBack'
  | 'lateLogin'
  | 'earlyLogout'
  | 'statusNotChanged'
  | 'meetingOverrun'
  | 'longCall'
  | 'systemIssue'
  | 'slip'
  | 'briefAux';

/** Every cause, in report order. */
export const DRIFT_CAUSES: readonly DriftCause[] = Object.freeze([
  'lateBack',
  'lateLogin',
  'earlyLogout',
  'statusNotChanged',
  'meetingOverrun',
  'longCall',
  'systemIssue',
  'slip',
  'briefAux',
]);

/** Uniform numbers in [0, 1) drawn for every planned drift whether or not anything responds, so that both arms of an experiment (and every sweep point) see the same chances. */
export interface ResponseDraws {
  readonly seen: number;
  readonly seeDelay: number;
  readonly acts: number;
  /** A standard normal draw for the time to act. */
  readonly actZ: number;
  readonly supervisor: number;
  readonly supervisorDelay: number;
}

/**
 * One drift an agent will have if nothing intervenes. `keepPrevious`: at the schedule transition at `startAt` the
 * agent keeps doing what it did before (late back, status not changed, overrun, long call, slip, late login).
 * `switch`: at `startAt` the agent switches to `presence` (coaching, system issue, brief aux, early logout).
 */
export interface PlannedDrift {
  readonly cause: DriftCause;
  readonly kind: 'keepPrevious' | 'switch';
  readonly startAt: number;
  /** When the agent comes back on its own (epoch ms). */
  readonly naturalEndAt: number;
  readonly presence?: SystemPresence;
  /** On a call at the transition: the agent shows INTERACTING before it. */
  readonly isOnCall?: boolean;
  readonly draws: ResponseDraws;
}

const MINUTE = 60_000;
/** Mid-activity drifts start at least this far from a transition. */
const EDGE_MS = 2 * MINUTE;

interface Boundary {
  readonly at: number;
  readonly from?: ActivityCategory;
  readonly to?: ActivityCategory;
}

/**
 * Plans one agent-shift's drifts from the shift's schedule and the parameters: pure but for `random`, which is read a
 * fixed number of times per transition and per kind of mid-activity drift whatever the parameters, so two runs with
 * the same seed and other parameters differ only where those parameters decide. Drifts never overlap: a drift that
 * would start before the previous one ends (left alone) is dropped.
 */
export function planShiftDrifts(
  shift: Shift,
  params: OutcomeParameters,
  random: SeededRandom,
): PlannedDrift[] {
  const boundaries = boundariesOf(shift);
  const returns = boundaries.filter((b) => isReturn(b)).length;
  const breakReturns = boundaries.filter(
    (b) => isReturn(b) && (b.from === 'Break' || b.from === 'Meal'),
  ).length;
  const candidates: PlannedDrift[] = [];
  for (const boundary of boundaries) {
    const u = {
      cause: random.next(),
      slip: random.next(),
      length: normal(random),
      slipLength: normal(random),
      callShare: random.next(),
    };
    const draws = responseDraws(random);
    const drift = (cause: DriftCause, minutes: number, extra: Partial<PlannedDrift> = {}): PlannedDrift => ({
      cause,
      kind: 'keepPrevious',
      startAt: boundary.at,
      naturalEndAt: boundary.at + Math.max(1_000, Math.round(minutes * MINUTE)),
      draws,
      ...extra,
    });
    const driftMinutes = lognormal(
      params.driftMedianMinutes,
      params.driftSigma,
      u.length,
      params.driftMaxMinutes,
    );
    const slipMinutes = lognormal(
      params.slipMedianMinutes,
      params.slipSigma,
      u.slipLength,
      params.driftMaxMinutes,
    );
    let planned: PlannedDrift | undefined;
    if (boundary.to === undefined) {
      // Staying logged in after the shift is Unscheduled in Genesys, not out of adherence: nothing to plan.
    } else if (boundary.from === undefined) {
      if (u.cause < params.lateLoginPerShift) planned = drift('lateLogin', driftMinutes);
    } else if (boundary.from === 'OnQueueWork') {
      // On a call when the break starts: the agent goes when the call ends, after its remaining handle time.
      if (u.cause < params.occupancy)
        planned = drift('longCall', remainingHandleMinutes(params, u.length, u.callShare), {
          isOnCall: true,
        });
    } else if (isReturn(boundary)) {
      const lateBack =
        boundary.from === 'Meeting'
          ? params.meetingOverrunChance
          : breakReturns > 0
            ? params.lateBackPerShift / breakReturns
            : 0;
      const statusNotChanged = returns > 0 ? params.statusNotChangedPerShift / returns : 0;
      if (u.cause < lateBack)
        planned = drift(boundary.from === 'Meeting' ? 'meetingOverrun' : 'lateBack', driftMinutes);
      else if (u.cause < lateBack + statusNotChanged) planned = drift('statusNotChanged', driftMinutes);
    }
    if (planned === undefined && boundary.to !== undefined && u.slip < params.slipChance)
      planned = drift('slip', slipMinutes);
    if (planned !== undefined) candidates.push(planned);
  }
  const onQueue = onQueueSpans(shift);
  const midShift = (
    cause: DriftCause,
    presence: SystemPresence,
    rate: number,
    median: number,
    sigma: number,
  ) => {
    const occurs = random.next();
    const when = random.next();
    const length = normal(random);
    const draws = responseDraws(random);
    if (occurs >= rate) return;
    const startAt = pointIn(onQueue, when);
    if (startAt === undefined) return;
    const minutes = lognormal(median, sigma, length, params.driftMaxMinutes);
    candidates.push({
      cause,
      kind: 'switch',
      presence,
      startAt,
      naturalEndAt: startAt + Math.max(1_000, Math.round(minutes * MINUTE)),
      draws,
    });
  };
  midShift(
    'meetingOverrun',
    'Meeting',
    params.coachingPerShift,
    params.driftMedianMinutes,
    params.driftSigma,
  );
  midShift(
    'systemIssue',
    'Offline',
    params.systemIssuePerShift,
    params.driftMedianMinutes,
    params.driftSigma,
  );
  midShift('briefAux', 'Away', params.briefAuxPerShift, params.slipMedianMinutes, params.slipSigma);
  {
    const occurs = random.next();
    const length = normal(random);
    const draws = responseDraws(random);
    const endAt = shift.startAt + shift.lengthMinutes * MINUTE;
    if (occurs < params.earlyLogoutPerShift) {
      const minutes = lognormal(params.driftMedianMinutes, params.driftSigma, length, params.driftMaxMinutes);
      const startAt = Math.max(shift.startAt + EDGE_MS, endAt - Math.round(minutes * MINUTE));
      // Gone: the schedule ending puts the agent back in adherence (offline with nothing scheduled).
      candidates.push({
        cause: 'earlyLogout',
        kind: 'switch',
        presence: 'Offline',
        startAt,
        naturalEndAt: endAt,
        draws,
      });
    }
  }
  candidates.sort((a, b) => a.startAt - b.startAt || a.naturalEndAt - b.naturalEndAt);
  const plan: PlannedDrift[] = [];
  for (const candidate of candidates) {
    const last = plan[plan.length - 1];
    if (last === undefined || candidate.startAt >= last.naturalEndAt + 1_000) plan.push(candidate);
  }
  return plan;
}

/** The schedule transitions of a shift, from its start to its end. */
function boundariesOf(shift: Shift): Boundary[] {
  const activities = [...shift.activities].sort((a, b) => a.startAt - b.startAt);
  const boundaries: Boundary[] = [];
  let previous: ActivityCategory | undefined;
  for (const activity of activities) {
    if (activity.category !== previous)
      boundaries.push({ at: activity.startAt, from: previous, to: activity.category });
    previous = activity.category;
  }
  boundaries.push({ at: shift.startAt + shift.lengthMinutes * MINUTE, from: previous, to: undefined });
  return boundaries;
}

function isReturn(boundary: Boundary): boolean {
  return (
    boundary.to === 'OnQueueWork' &&
    (boundary.from === 'Break' || boundary.from === 'Meal' || boundary.from === 'Meeting')
  );
}

/** On-queue stretches of the shift, trimmed by a couple of minutes at each end. */
function onQueueSpans(shift: Shift): { from: number; to: number }[] {
  return shift.activities
    .filter((activity) => activity.category === 'OnQueueWork')
    .map((activity) => ({
      from: activity.startAt + EDGE_MS,
      to: activity.startAt + activity.lengthMinutes * MINUTE - EDGE_MS,
    }))
    .filter((span) => span.to > span.from);
}

/** The instant at fraction `u` of the spans' total length. */
function pointIn(spans: readonly { from: number; to: number }[], u: number): number | undefined {
  const total = spans.reduce((sum, span) => sum + (span.to - span.from), 0);
  if (total <= 0) return undefined;
  let offset = u * total;
  for (const span of spans) {
    const length = span.to - span.from;
    if (offset < length) return Math.round(span.from + offset);
    offset -= length;
  }
  return spans[spans.length - 1].to;
}

/**
 * Remaining handle time of the call an agent is on at a random instant: with lognormal handle times (median m, sigma s)
 * the call in progress is length-biased, lognormal with median m·e^(s²), and a uniform share of it remains. Minutes.
 */
function remainingHandleMinutes(params: OutcomeParameters, z: number, share: number): number {
  const sigma = params.handleTimeSigma;
  const median = params.ahtMinutes / Math.exp((sigma * sigma) / 2);
  const inProgress = median * Math.exp(sigma * sigma) * Math.exp(sigma * z);
  return Math.min(params.driftMaxMinutes, share * inProgress);
}

function responseDraws(random: SeededRandom): ResponseDraws {
  return {
    seen: random.next(),
    seeDelay: random.next(),
    acts: random.next(),
    actZ: normal(random),
    supervisor: random.next(),
    supervisorDelay: random.next(),
  };
}

/** A lognormal value with the given median from a standard normal draw, capped. */
function lognormal(median: number, sigma: number, z: number, max: number): number {
  return Math.min(max, median * Math.exp(sigma * z));
}

/** A standard normal draw (Box-Muller), always two uniforms. */
function normal(random: SeededRandom): number {
  const u1 = Math.max(random.next(), 1e-12);
  const u2 = random.next();
  return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
}
