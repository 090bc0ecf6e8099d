import type { AgentDriftState } from '../../domain/drift-episode';

/** Identity of an agent's drift state row. */
export interface AgentKey {
  readonly managementUnitId: string;
  readonly agentId: string;
}

/**
 * What a read-modify-write returns: the next state (or `undefined` to delete the row) and a value for the caller.
 * `mutate` may run more than once (optimistic concurrency retries) and must be pure.
 */
export interface Modification<T> {
  readonly next: AgentDriftState | undefined;
  readonly result: T;
}

/** Per-agent drift state, one row per agent. */
export interface DriftStateStore {
  get(key: AgentKey): Promise<AgentDriftState | undefined>;
  /** Reads, applies `mutate`, writes guarded by the row's version; on a conflict re-reads and re-applies. */
  modify<T>(key: AgentKey, mutate: (current: AgentDriftState | undefined) => Modification<T>): Promise<T>;
  delete(key: AgentKey): Promise<void>;
  list(managementUnitId?: string): AsyncIterable<AgentDriftState>;
  /**
   * The state as this instance last read or wrote it, if the store keeps such copies (else read): what re-arming a
   * check needs, without a request per agent. Writes never trust it blindly (they stay guarded by the row's version).
   */
  current?(key: AgentKey): Promise<AgentDriftState | undefined>;
  /** Drops what the store keeps of a unit this instance no longer processes (its copies of the unit's rows). */
  forgetUnit?(managementUnitId: string): void;
  /**
   * The unit's agents as this instance knows them, when it knows the unit whole (listed to the end, every write since
   * kept): what an adoption re-arms after its catch-up without listing the unit again. Undefined: list it.
   */
  knownAgentIds?(managementUnitId: string): readonly string[] | undefined;
}
