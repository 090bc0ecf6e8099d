import type { DriftDecision } from '../domain/drift-engine';
import type { AgentDriftState } from '../domain/drift-episode';
import type { AgentKey, DriftStateStore } from './ports/drift-state-store';

/**
 * Writes the state of a drift decision with a pure `decide` (the store may call it again on a conflicting write) and
 * returns the decision that was written; the state is the source of truth, so commands run only after this.
 */
export function writeDecision<T extends DriftDecision>(
  store: DriftStateStore,
  key: AgentKey,
  decide: (current: AgentDriftState | undefined) => T,
): Promise<T> {
  return store.modify(key, (current) => {
    const decision = decide(current);
    return { next: decision.state, result: decision };
  });
}
