import type { Arrival } from './connector-stand-in';

/** The `p`-th percentile (0-100, nearest rank) of `values`; undefined when there are none. */
export function percentile(values: readonly number[], p: number): number | undefined {
  if (values.length === 0) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1];
}

/** Most instants of `times` (epoch ms, any order) inside any window `[t, t + windowMs)`. */
export function maxInAnyWindow(times: readonly number[], windowMs: number): number {
  const sorted = [...times].sort((a, b) => a - b);
  let best = 0;
  let first = 0;
  for (let last = 0; last < sorted.length; last += 1) {
    while (sorted[last] - sorted[first] >= windowMs) first += 1;
    best = Math.max(best, last - first + 1);
  }
  return best;
}

/**
 * Most counted between two readings `[instant, running count]` (in reading order) at most `windowMs` apart: a peak rate
 * that a late reading cannot inflate (it only ever counts spans no longer than the window).
 */
export function mostWithinWindow(
  readings: ReadonlyArray<readonly [number, number]>,
  windowMs: number,
): number {
  let best = 0;
  let from = 0;
  for (let to = 0; to < readings.length; to += 1) {
    while (readings[to][0] - readings[from][0] > windowMs) from += 1;
    best = Math.max(best, readings[to][1] - readings[from][1]);
  }
  return best;
}

/** The agent and drift start of an episode id (`<agentId>:<driftStartedAt>`, src/domain/drift-engine.ts). */
export function parseEpisodeId(episodeId: string): { agentId: string; driftStartedAt: number } | undefined {
  const colon = episodeId.lastIndexOf(':');
  const driftStartedAt = Number(episodeId.slice(colon + 1));
  if (colon <= 0 || !Number.isFinite(driftStartedAt)) return undefined;
  return { agentId: episodeId.slice(0, colon), driftStartedAt };
}

/** The thresholds that apply to an agent (ms after the drift start). */
export interface AgentThresholds {
  readonly nudgeAfterMs: number;
  readonly supervisorAfterMs: number;
}

/** What the stand-in saw of nudges and supervisor alerts: lateness against each due instant, and correctness. */
export interface AlertAnalysis {
  readonly nudges: number;
  readonly alerts: number;
  /** Episodes that got more than one nudge (or more than one first supervisor alert). */
  readonly episodesNudgedTwice: number;
  readonly episodesAlertedTwice: number;
  /** Arrivals before their threshold (drift start + threshold). */
  readonly nudgesBeforeThreshold: number;
  readonly alertsBeforeThreshold: number;
  /** Arrival minus due instant of every nudge and alert inside the window, in ms. */
  readonly latenessMs: readonly number[];
}

/**
 * Judges nudge and alert arrivals: an episode's second nudge (or second first alert) counts as a repeat, an arrival
 * before drift start + threshold as early; lateness is counted for arrivals whose due instant lies in
 * `[dueFrom, dueTo)`. Arrivals without an episode id (or of agents without thresholds) are skipped.
 */
export function analyseAlerts(
  arrivals: readonly Arrival[],
  thresholdsOf: (agentId: string) => AgentThresholds | undefined,
  dueFrom = Number.NEGATIVE_INFINITY,
  dueTo = Number.POSITIVE_INFINITY,
): AlertAnalysis {
  const seen = { nudge: new Set<string>(), alert: new Set<string>() };
  const twice = { nudge: new Set<string>(), alert: new Set<string>() };
  let nudges = 0;
  let alerts = 0;
  let nudgesBeforeThreshold = 0;
  let alertsBeforeThreshold = 0;
  const latenessMs: number[] = [];
  for (const arrival of arrivals) {
    if ((arrival.kind !== 'nudge' && arrival.kind !== 'alert') || arrival.episodeId === undefined) continue;
    const episode = parseEpisodeId(arrival.episodeId);
    const thresholds = episode && thresholdsOf(episode.agentId);
    if (!episode || !thresholds) continue;
    const kind = arrival.kind;
    if (seen[kind].has(arrival.episodeId)) twice[kind].add(arrival.episodeId);
    seen[kind].add(arrival.episodeId);
    const dueAt =
      episode.driftStartedAt + (kind === 'nudge' ? thresholds.nudgeAfterMs : thresholds.supervisorAfterMs);
    if (kind === 'nudge') nudges += 1;
    else alerts += 1;
    if (arrival.at < dueAt) {
      if (kind === 'nudge') nudgesBeforeThreshold += 1;
      else alertsBeforeThreshold += 1;
    }
    if (dueAt >= dueFrom && dueAt < dueTo) latenessMs.push(arrival.at - dueAt);
  }
  return {
    nudges,
    alerts,
    episodesNudgedTwice: twice.nudge.size,
    episodesAlertedTwice: twice.alert.size,
    nudgesBeforeThreshold,
    alertsBeforeThreshold,
    latenessMs,
  };
}

/** A nudge the benchmark caused and expects: the agent, and the earliest instant it may be due. */
export interface ExpectedNudge {
  readonly agentId: string;
  readonly dueAt: number;
}

/**
 * Lateness of expected nudges that never arrived by `until` (`until - dueAt`, a lower bound), so a nudge stuck in a
 * backlog counts as late rather than vanishing from the percentiles. A nudge of the agent for an episode that began
 * at or after the expected drift start counts as arrived (a mass-change hold may start the clock later).
 */
export function missingNudgeLateness(
  expected: readonly ExpectedNudge[],
  arrivals: readonly Arrival[],
  nudgeAfterMs: number,
  until: number,
): number[] {
  const nudgedSince = new Map<string, number[]>();
  for (const arrival of arrivals) {
    if (arrival.kind !== 'nudge' || arrival.episodeId === undefined || arrival.at > until) continue;
    const episode = parseEpisodeId(arrival.episodeId);
    if (!episode) continue;
    const starts = nudgedSince.get(episode.agentId) ?? [];
    starts.push(episode.driftStartedAt);
    nudgedSince.set(episode.agentId, starts);
  }
  const missing: number[] = [];
  for (const nudge of expected) {
    if (nudge.dueAt >= until) continue;
    const startedAt = nudge.dueAt - nudgeAfterMs;
    const arrived = nudgedSince.get(nudge.agentId)?.some((start) => start >= startedAt) ?? false;
    if (!arrived) missing.push(until - nudge.dueAt);
  }
  return missing;
}
