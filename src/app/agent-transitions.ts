import type { AdherenceObservation } from '../domain/adherence-observation';
import type { DriftAction } from '../domain/drift-commands';
import { applyAction, applyDampening, applyObservation } from '../domain/drift-engine';
import type { DriftPolicy } from '../domain/drift-policy';
import type { DampeningHold } from '../domain/unit-dampener';
import type { AgentCheckArming } from './agent-check-arming';
import type { DriftCommandRunner } from './drift-command-runner';
import type { ObservationTally } from './observation-tally';
import type { Clock } from '../platform/clock';
import type { ActionOutcome } from './ports/action-sink';
import type { AgentKey, DriftStateStore } from './ports/drift-state-store';
import { writeDecision } from './write-decision';

/** Ports of {@link AgentTransitions}. */
export interface AgentTransitionsOptions {
  readonly clock: Clock;
  readonly stateStore: DriftStateStore;
  readonly policy: DriftPolicy;
  readonly commands: DriftCommandRunner;
  readonly checks: AgentCheckArming;
  readonly tally: ObservationTally;
}

/**
 * One input for one agent through the pure drift core: the decision's state is written first (it is the source of
 * truth), then its commands run. The caller runs these in the agent's work queue, only for units processed here.
 */
export class AgentTransitions {
  constructor(private readonly options: AgentTransitionsOptions) {}

  /** Applies an observation (its drift clock starting at `clockStartsAt` after a dampening release) and counts its fate. */
  async observe(observation: AdherenceObservation, clockStartsAt?: number): Promise<void> {
    const { clock, policy, tally } = this.options;
    const now = clock.now();
    const options = clockStartsAt === undefined ? undefined : { clockStartsAt };
    const key = { managementUnitId: observation.managementUnitId, agentId: observation.agentId };
    const decision = await writeDecision(this.options.stateStore, key, (current) =>
      applyObservation(current, observation, policy, now, options),
    );
    if (!tally.isCounted(observation)) {
      if (policy.dampening.windowMs > 0 && observation.source === 'event') tally.markCounted(observation);
      if (decision.ignored !== undefined) tally.ignored(decision.ignored, observation);
      else tally.applied += 1;
      if (decision.clamped !== undefined) tally.clamped(decision.clamped, observation);
    }
    await this.options.commands.run(decision, key.managementUnitId, key.agentId);
  }

  /** Applies a card action (or the pre-check's answer) and answers with the episode it produced. */
  async act(key: AgentKey, action: DriftAction): Promise<ActionOutcome> {
    const now = this.options.clock.now();
    const decision = await writeDecision(this.options.stateStore, key, (current) =>
      applyAction(current, action, this.options.policy, now),
    );
    // The clicker's answer renders the cards (a board from its rows): they show the click once its updates are done.
    await this.options.commands.run(decision, key.managementUnitId, key.agentId, { waitForCards: true });
    const episode = decision.state?.episode;
    return decision.result === 'stale' || episode === undefined
      ? { result: 'stale' }
      : { result: decision.result, episode };
  }

  /** Re-bases the agent at the start of a unit's dampening hold. */
  async rebase(key: AgentKey, hold: DampeningHold): Promise<void> {
    const decision = await writeDecision(this.options.stateStore, key, (current) =>
      applyDampening(current, hold, this.options.policy),
    );
    await this.options.commands.run(decision, key.managementUnitId, key.agentId);
  }

  /** Ends the agent's drift because the unit vanished (`removedFromUnit`); the state is deleted. */
  async removeFromUnit(key: AgentKey): Promise<void> {
    const now = this.options.clock.now();
    const decision = await writeDecision(this.options.stateStore, key, (current) =>
      current === undefined
        ? { state: undefined, commands: [] }
        : applyObservation(
            current,
            {
              ...key,
              adherenceState: 'Unknown',
              adherenceChangedAt: current.lastAdherenceChangedAt,
              observedAt: Math.max(now, current.lastObservedAt + 1),
              removedFromUnit: true,
              source: 'restore',
            },
            this.options.policy,
            now,
          ),
    );
    await this.options.commands.run(decision, key.managementUnitId, key.agentId);
  }

  /** Re-arms the agent's check from its stored state and restores missing outbox rows; returns how many. */
  async rearm(key: AgentKey): Promise<number> {
    const store = this.options.stateStore;
    const state = await (store.current ? store.current(key) : store.get(key));
    if (state === undefined) return 0;
    this.options.checks.sync(state);
    return this.options.commands.restoreRows(state);
  }
}
