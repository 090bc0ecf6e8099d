import type { DriftEpisode } from '../../domain/drift-episode';

/** One row of drift history: the episode with its outcome, actions and the agent's reply. */
export interface DriftHistoryRecord {
  readonly episode: DriftEpisode;
  readonly agentName?: string;
  readonly teamName?: string;
  readonly recordedAt: number;
}

/** Drift history, one row per episode. */
export interface DriftHistoryStore {
  upsert(record: DriftHistoryRecord): Promise<void>;
  get(episodeId: string, managementUnitId: string): Promise<DriftHistoryRecord | undefined>;
  /** Episodes that started in [from, to). */
  list(query: {
    readonly from: number;
    readonly to: number;
    readonly managementUnitIds?: readonly string[];
  }): AsyncIterable<DriftHistoryRecord>;
  /** Deletes episodes that started before `before`; returns how many. */
  deleteOlderThan(before: number): Promise<number>;
}
