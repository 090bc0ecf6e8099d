/** Genesys adherence states we know; anything else is kept as `Unknown` (with the raw value alongside). */
export const ADHERENCE_STATES = [
  'InAdherence',
  'OutOfAdherence',
  'Unscheduled',
  'Unknown',
  'Ignored',
  'Explained',
] as const;

/** An agent's adherence state as Genesys reports it. */
export type AdherenceState = (typeof ADHERENCE_STATES)[number];

/** Status of an adherence explanation (Genesys `adherenceExplanation.status`). */
export type ExplanationStatus = 'Pending' | 'Approved' | 'Denied' | 'Unknown';

/**
 * Genesys's `impact` of the current adherence state: `Positive` when the agent does more than scheduled (taking calls
 * into a scheduled break or meeting), `Negative` when less; `Unknown` also stands for a value we do not know.
 */
export type AdherenceImpact = 'Positive' | 'Negative' | 'Neutral' | 'Unknown';

/**
 * One normalized adherence observation of one agent, free of any wire format.
 * Instants are epoch milliseconds. `adherenceChangedAt` is Genesys's `adherenceChangeTime`
 * (REST: `timeOfAdherenceChange`): when the current adherence state began. Drift is timed from it.
 */
export interface AdherenceObservation {
  readonly agentId: string;
  readonly managementUnitId: string;
  readonly teamId?: string;
  readonly adherenceState: AdherenceState;
  /** The value Genesys sent when it was not one we know (then `adherenceState` is `Unknown`). */
  readonly rawAdherenceState?: string;
  readonly scheduledActivityCategory?: string;
  readonly scheduledActivityCodeId?: string;
  readonly actualActivityCategory?: string;
  readonly systemPresence?: string;
  readonly routingStatus?: string;
  /** When the current adherence state began (epoch ms), from Genesys; clamped by the core when it lies in the future. */
  readonly adherenceChangedAt: number;
  /** When we received or fetched the observation (epoch ms). */
  readonly observedAt: number;
  /**
   * The `adherenceChangeTime` Genesys reported, when the core clamped it to `observedAt` because it lay more than the
   * clock skew allowance after arrival (see drift-judgement.ts); absent otherwise.
   */
  readonly reportedChangedAt?: number;
  /** True when Genesys sent no usable `adherenceChangeTime` and `adherenceChangedAt` is the arrival instant instead. */
  readonly isChangeTimeEstimated?: boolean;
  readonly explanationStatus?: ExplanationStatus;
  readonly impact?: AdherenceImpact;
  /** Genesys `isOutOfOffice`: the agent is marked out of office, so being away from the schedule is expected. */
  readonly isOutOfOffice?: boolean;
  readonly removedFromUnit: boolean;
  /** `event` from the notification stream, `restore` from the REST snapshot after (re)connecting. */
  readonly source: 'event' | 'restore';
}

/** Maps any string to a known adherence state; unknown values become `Unknown`, never an error. */
export function normalizeAdherenceState(value: unknown): AdherenceState {
  return typeof value === 'string' && (ADHERENCE_STATES as readonly string[]).includes(value)
    ? (value as AdherenceState)
    : 'Unknown';
}
