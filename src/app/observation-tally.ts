import type { AdherenceObservation } from '../domain/adherence-observation';
import type { Logger } from '../platform/logger';
import type { ObservationCounters } from './ports/observation-sink';

/**
 * What became of each observation the monitor was given, counted once: applied, dropped (unit not processed here),
 * or refused and clamped by reason (`stale`, `duplicate`, `changeTimeTooOld`, `superseded`, `changeTimeInFuture`).
 * A burst moves changes applied before it was recognised into the hold, and the release applies them again; those
 * are counted once ({@link markCounted}).
 */
export class ObservationTally {
  /** Where refusals and clamps are counted, by reason (the Genesys client's metrics, so they show in /metrics). */
  readonly counters: ObservationCounters;
  applied = 0;
  dropped = 0;
  private readonly counted = new WeakSet<AdherenceObservation>();

  constructor(
    private readonly logger: Logger,
    counters?: ObservationCounters,
  ) {
    this.counters = counters ?? { eventsIgnoredTotal: {}, eventsClampedTotal: {} };
  }

  /** True when the observation's fate was counted already. */
  isCounted(observation: AdherenceObservation): boolean {
    return this.counted.has(observation);
  }

  /** Remembers that the observation's fate is counted (it may be applied again by a dampening release). */
  markCounted(observation: AdherenceObservation): void {
    this.counted.add(observation);
  }

  ignored(reason: string, observation: AdherenceObservation): void {
    this.count('eventsIgnoredTotal', reason);
    this.logger.debug(
      { agentId: observation.agentId, reason, source: observation.source },
      'observation ignored',
    );
  }

  clamped(reason: string, observation: AdherenceObservation): void {
    this.count('eventsClampedTotal', reason);
    this.logger.debug(
      { agentId: observation.agentId, reason, source: observation.source },
      'observation change time clamped',
    );
  }

  /** A held observation that a newer one of the same agent overtook during a dampening hold. */
  superseded(observation: AdherenceObservation): void {
    if (this.counted.has(observation)) return;
    this.counted.add(observation);
    this.count('eventsIgnoredTotal', 'superseded');
  }

  private count(family: keyof ObservationCounters, reason: string): void {
    const counts = this.counters[family];
    counts[reason] = (counts[reason] ?? 0) + 1;
  }
}
