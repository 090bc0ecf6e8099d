import type { ActionResult, DriftAction } from '../../domain/drift-commands';
import type { DriftEpisode } from '../../domain/drift-episode';

/** Takes card actions and answers whether they applied. */
export interface ActionSink {
  act(managementUnitId: string, agentId: string, action: DriftAction): Promise<ActionOutcome>;
}

/** What an action did, with the episode as it stands after it (undefined when the action was stale). */
export interface ActionOutcome {
  readonly result: ActionResult;
  readonly episode?: DriftEpisode;
}
