import type { DriftEpisode } from '../domain/drift-episode';
import type { DriftEnding, DriftRecord } from './agent-behaviour';
import { DRIFT_CAUSES, type DriftCause } from './shift-plan';

const MINUTE = 60_000;

/** Lengths of the drift core's episodes, for checking the model against the evidence. */
export interface EpisodeShape {
  readonly episodes: number;
  readonly underThreeMinutes: number;
  readonly threeToTenMinutes: number;
  readonly tenMinutesOrMore: number;
  readonly fifteenMinutesOrMore: number;
  readonly outOfAdherenceMinutes: number;
}

/** The lengths of `episodes` (an open one lasts until `endAt`). */
export function shapeOf(episodes: readonly DriftEpisode[], endAt: number): EpisodeShape {
  let under3 = 0;
  let from3to10 = 0;
  let over10 = 0;
  let over15 = 0;
  let minutes = 0;
  for (const episode of episodes) {
    const length = ((episode.endedAt ?? endAt) - episode.driftStartedAt) / MINUTE;
    minutes += length;
    if (length < 3) under3 += 1;
    else if (length < 10) from3to10 += 1;
    else over10 += 1;
    if (length >= 15) over15 += 1;
  }
  return {
    episodes: episodes.length,
    underThreeMinutes: under3,
    threeToTenMinutes: from3to10,
    tenMinutesOrMore: over10,
    fifteenMinutesOrMore: over15,
    outOfAdherenceMinutes: minutes,
  };
}

/** Drifts of 10 minutes or more, left alone, by cause. */
export function longDriftsByCause(records: readonly DriftRecord[]): Record<DriftCause, number> {
  const counts = Object.fromEntries(DRIFT_CAUSES.map((cause) => [cause, 0])) as Record<DriftCause, number>;
  for (const record of records) {
    if (record.naturalEndAt - record.startAt >= 10 * MINUTE) counts[record.cause] += 1;
  }
  return counts;
}

/** How drifts ended, by cause. */
export function endingsOf(records: readonly DriftRecord[]): Record<DriftCause, Record<DriftEnding, number>> {
  const endings = Object.fromEntries(
    DRIFT_CAUSES.map((cause) => [cause, { natural: 0, nudge: 0, supervisor: 0 }]),
  ) as Record<DriftCause, Record<DriftEnding, number>>;
  for (const record of records) endings[record.cause][record.endedBy] += 1;
  return endings;
}
