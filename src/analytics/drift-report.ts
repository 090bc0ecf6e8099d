import type { DriftHistoryRecord } from '../app/ports/drift-history-store';
import type { DriftEpisode, DriftOutcome, SuppressionReason } from '../domain/drift-episode';

/** The period and shape of a report. Instants are epoch ms; the period is [from, to). */
export interface DriftReportOptions {
  readonly from: number;
  /** End of the period; open episodes count their drift up to here, so pass at most the current instant. */
  readonly to: number;
  /** How many agents to list; default 10. */
  readonly top?: number;
  /** IANA time zone of the unit, for the hour-of-day figures; default `UTC`. */
  readonly timeZone?: string;
}

/** How often one escalation step was taken and how often the drift ended at that step, before the next one. */
export interface EscalationFigures {
  readonly sent: number;
  readonly resolvedAfter: number;
  /** `resolvedAfter / sent`, from 0 to 1; null when nothing was sent. */
  readonly resolutionRate: number | null;
}

/** Drift of one agent in the period. */
export interface AgentDriftFigures {
  readonly agentId: string;
  /** The agent's name from the newest history row, else the agent id. */
  readonly name: string;
  readonly episodes: number;
  readonly minutes: number;
}

/** Drift during one scheduled activity category (`Unknown` when Genesys did not say). */
export interface ActivityDriftFigures {
  readonly activity: string;
  readonly episodes: number;
  readonly minutes: number;
}

/** Drift that started in one hour of the day (0-23, in the report's time zone). */
export interface HourDriftFigures {
  readonly hour: number;
  readonly episodes: number;
  readonly minutes: number;
}

/** Drift patterns of a period, built from drift history. Minutes are rounded to one decimal. */
export interface DriftReport {
  readonly from: number;
  readonly to: number;
  readonly timeZone: string;
  /** Episodes that started in the period, one per episode id. */
  readonly episodes: number;
  /** Episodes by how they ended; `open` for those still running at their last history row. */
  readonly byOutcome: Readonly<Record<DriftOutcome | 'open', number>>;
  readonly formalExceptions: number;
  /** Nudges sent, and episodes that ended after the nudge and before any supervisor alert. */
  readonly nudges: EscalationFigures;
  /** Supervisor alerts sent, and episodes that ended after the alert and before the formal exception. */
  readonly supervisorAlerts: EscalationFigures;
  /** Median drift duration of episodes that ended back in adherence; null when there were none. */
  readonly medianMinutesToResolve: number | null;
  /** Minutes of drift counted in the pattern figures below (excused episodes excluded). */
  readonly driftMinutes: number;
  /** Agents with the most episodes (then minutes), at most `top`. */
  readonly topAgents: readonly AgentDriftFigures[];
  /** Every scheduled activity with drift, most episodes first. */
  readonly byActivity: readonly ActivityDriftFigures[];
  /** All 24 hours of the day, 0 to 23. */
  readonly byHourOfDay: readonly HourDriftFigures[];
  /** The (at most) three hours with the most episodes, then minutes. */
  readonly peakHours: readonly HourDriftFigures[];
  /** Episodes by the suppression or hold they carried at their last history row. */
  readonly suppressed: Readonly<Record<SuppressionReason, number>>;
}

const OUTCOMES: readonly (DriftOutcome | 'open')[] = [
  'resolvedBeforeNudge',
  'resolvedAfterNudge',
  'resolvedAfterSupervisorAlert',
  'becameFormalException',
  'suppressed',
  'removedFromUnit',
  'open',
];
const SUPPRESSION_REASONS: readonly SuppressionReason[] = [
  'excludedActivity',
  'approvedOvertime',
  'overtimeActivity',
  'approvedExplanation',
  'timeOff',
  'snoozed',
  'dampened',
  'positiveImpact',
  'outOfOffice',
];
const RESOLVED: ReadonlySet<DriftOutcome | undefined> = new Set([
  'resolvedBeforeNudge',
  'resolvedAfterNudge',
  'resolvedAfterSupervisorAlert',
]);
/**
 * Suppressions that mean the agent was where they were allowed to be (excluded activity, overtime, an approved
 * explanation, time off, out of office) or working (Positive impact): not drift, so they stay out of the pattern figures. Held episodes (`snoozed`,
 * `dampened`) were real drift and stay in.
 */
const EXCUSED: ReadonlySet<SuppressionReason | undefined> = new Set([
  'excludedActivity',
  'approvedOvertime',
  'overtimeActivity',
  'approvedExplanation',
  'timeOff',
  'positiveImpact',
  'outOfOffice',
]);
const PEAK_HOURS = 3;
const MINUTE_IN_MS = 60_000;

interface Tally {
  episodes: number;
  durationInMs: number;
}

/**
 * Summarises the drift history of episodes that started in [from, to) (pure: reads no clock; records outside the
 * period are ignored and, for an episode seen twice, the newest row wins). Each episode's drift runs from
 * `driftStartedAt` to `endedAt`, or to `to` while open, and counts in the hour it started. Throws RangeError for an
 * empty period, a `top` that is not a positive integer, or an unknown time zone.
 */
export function buildDriftReport(
  records: Iterable<DriftHistoryRecord>,
  options: DriftReportOptions,
): DriftReport {
  const { from, to } = options;
  const top = options.top ?? 10;
  const timeZone = options.timeZone ?? 'UTC';
  if (!Number.isFinite(from) || !Number.isFinite(to) || from >= to)
    throw new RangeError(`drift report period [${from}, ${to}) is empty`);
  if (!Number.isInteger(top) || top < 1)
    throw new RangeError(`drift report top must be a positive integer, got ${top}`);
  const hourOf = hourInTimeZone(timeZone);

  const newest = new Map<string, DriftHistoryRecord>();
  for (const record of records) {
    const started = record.episode.driftStartedAt;
    if (started < from || started >= to) continue;
    const seen = newest.get(record.episode.id);
    if (seen === undefined || record.recordedAt >= seen.recordedAt) newest.set(record.episode.id, record);
  }

  const byOutcome = zeroes(OUTCOMES);
  const suppressed = zeroes(SUPPRESSION_REASONS);
  const agents = new Map<string, Tally & { name: string; recordedAt: number }>();
  const activities = new Map<string, Tally>();
  const hours = Array.from({ length: 24 }, (): Tally => ({ episodes: 0, durationInMs: 0 }));
  const resolveDurationsInMs: number[] = [];
  let formalExceptions = 0;
  let nudgesSent = 0;
  let supervisorAlertsSent = 0;
  let driftInMs = 0;

  for (const record of newest.values()) {
    const episode = record.episode;
    byOutcome[episode.outcome ?? 'open'] += 1;
    if (episode.suppression !== undefined) suppressed[episode.suppression] += 1;
    if (episode.formalExceptionAt !== undefined) formalExceptions += 1;
    if (episode.nudgedAt !== undefined) nudgesSent += 1;
    if (episode.supervisorAlertedAt !== undefined) supervisorAlertsSent += 1;
    const durationInMs = durationOf(episode, to);
    if (RESOLVED.has(episode.outcome)) resolveDurationsInMs.push(durationInMs);
    if (EXCUSED.has(episode.suppression)) continue;

    driftInMs += durationInMs;
    const agent = agents.get(episode.agentId) ?? {
      episodes: 0,
      durationInMs: 0,
      name: episode.agentId,
      recordedAt: -Infinity,
    };
    if (record.agentName !== undefined && record.recordedAt >= agent.recordedAt) {
      agent.name = record.agentName;
      agent.recordedAt = record.recordedAt;
    }
    addTo(agent, durationInMs);
    agents.set(episode.agentId, agent);
    const activity = episode.scheduledActivityCategory ?? 'Unknown';
    activities.set(
      activity,
      addTo(activities.get(activity) ?? { episodes: 0, durationInMs: 0 }, durationInMs),
    );
    addTo(hours[hourOf(episode.driftStartedAt)], durationInMs);
  }

  const byHourOfDay = hours.map((tally, hour) => ({
    hour,
    episodes: tally.episodes,
    minutes: minutesOf(tally.durationInMs),
  }));
  return {
    from,
    to,
    timeZone,
    episodes: newest.size,
    byOutcome,
    formalExceptions,
    nudges: escalation(nudgesSent, byOutcome.resolvedAfterNudge),
    supervisorAlerts: escalation(supervisorAlertsSent, byOutcome.resolvedAfterSupervisorAlert),
    medianMinutesToResolve:
      resolveDurationsInMs.length === 0 ? null : minutesOf(median(resolveDurationsInMs)),
    driftMinutes: minutesOf(driftInMs),
    topAgents: [...agents]
      .map(([agentId, tally]) => ({
        agentId,
        name: tally.name,
        episodes: tally.episodes,
        minutes: minutesOf(tally.durationInMs),
      }))
      .sort((a, b) => b.episodes - a.episodes || b.minutes - a.minutes || a.name.localeCompare(b.name))
      .slice(0, top),
    byActivity: [...activities]
      .map(([activity, tally]) => ({
        activity,
        episodes: tally.episodes,
        minutes: minutesOf(tally.durationInMs),
      }))
      .sort(
        (a, b) => b.episodes - a.episodes || b.minutes - a.minutes || a.activity.localeCompare(b.activity),
      ),
    byHourOfDay,
    peakHours: byHourOfDay
      .filter((h) => h.episodes > 0)
      .sort((a, b) => b.episodes - a.episodes || b.minutes - a.minutes || a.hour - b.hour)
      .slice(0, PEAK_HOURS),
    suppressed,
  };
}

function zeroes<K extends string>(keys: readonly K[]): Record<K, number> {
  return Object.fromEntries(keys.map((key) => [key, 0])) as Record<K, number>;
}

function durationOf(episode: DriftEpisode, to: number): number {
  return Math.max(0, (episode.endedAt ?? to) - episode.driftStartedAt);
}

function addTo<T extends Tally>(tally: T, durationInMs: number): T {
  tally.episodes += 1;
  tally.durationInMs += durationInMs;
  return tally;
}

function escalation(sent: number, resolvedAfter: number): EscalationFigures {
  return { sent, resolvedAfter, resolutionRate: sent === 0 ? null : resolvedAfter / sent };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

function minutesOf(durationInMs: number): number {
  return Math.round((durationInMs / MINUTE_IN_MS) * 10) / 10;
}

/** Hour of day (0-23) of an instant in `timeZone`; Intl throws RangeError for an unknown zone. */
function hourInTimeZone(timeZone: string): (at: number) => number {
  const format = new Intl.DateTimeFormat('en-US', { timeZone, hour: 'numeric', hourCycle: 'h23' });
  return (at) => Number(format.formatToParts(at).find((part) => part.type === 'hour')?.value ?? 0) % 24;
}
