import type { AdherenceObservation } from '../../domain/adherence-observation';

/**
 * Counters of what became of observations, incremented in place by reason. The Genesys client's metrics have the same
 * fields, so passing them makes the drift core's judgements show in /metrics beside the client's own refusals.
 */
export interface ObservationCounters {
  /** Observations not applied, by reason (`stale`, `duplicate`, `changeTimeTooOld`, `superseded`). */
  eventsIgnoredTotal: Record<string, number>;
  /** Observations applied with a corrected value, by reason (`changeTimeInFuture`). */
  eventsClampedTotal: Record<string, number>;
}

/** Receives observations from the Genesys stream (and its restores). */
export interface ObservationSink {
  ingest(observation: AdherenceObservation): Promise<void>;
}
