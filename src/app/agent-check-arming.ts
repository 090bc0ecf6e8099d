import { agentCheckKey } from '../domain/drift-engine';
import type { AgentDriftState } from '../domain/drift-episode';
import type { Scheduler } from '../platform/clock';
import type { UnitGate } from './unit-gate';

/** Ports of an {@link AgentCheckArming}. */
export interface AgentCheckArmingOptions {
  readonly scheduler: Scheduler;
  readonly gate: UnitGate;
  /** Runs when an agent's check falls due (the monitor queues the due work for the agent). */
  readonly onDue: (managementUnitId: string, agentId: string) => void;
}

/**
 * Keeps each agent's pending check (scheduler key `agent:<agentId>`) at the absolute instant its state says, armed
 * only for units this instance processes, and remembers the unit of every armed check so a unit's checks can be
 * cancelled at once when it is released.
 */
export class AgentCheckArming {
  /** The unit of each agent with an armed check. */
  private readonly armed = new Map<string, string>();

  constructor(private readonly options: AgentCheckArmingOptions) {}

  /** Re-arms the agent's check when the scheduler does not hold the instant the state says (restart, deferred check). */
  sync(state: AgentDriftState): void {
    const key = agentCheckKey(state.agentId);
    const { scheduler } = this.options;
    if (state.nextDueAt === undefined) {
      if (scheduler.dueAt(key) !== undefined) this.cancel(state.agentId);
    } else if (scheduler.dueAt(key) !== state.nextDueAt) {
      this.arm(state.managementUnitId, state.agentId, state.nextDueAt);
    }
  }

  /** Arms the agent's check at an absolute instant, only while the unit is processed here (released work may finish). */
  arm(managementUnitId: string, agentId: string, dueAt: number): void {
    if (!this.options.gate.ownsUnit(managementUnitId)) return;
    this.armed.set(agentId, managementUnitId);
    this.options.scheduler.schedule(agentCheckKey(agentId), dueAt, () => {
      if (this.armed.get(agentId) === managementUnitId) this.armed.delete(agentId);
      this.options.onDue(managementUnitId, agentId);
    });
  }

  cancel(agentId: string): void {
    this.armed.delete(agentId);
    this.options.scheduler.cancel(agentCheckKey(agentId));
  }

  /** Cancels the checks of every agent of the unit; returns how many there were. */
  cancelUnit(managementUnitId: string): number {
    let cancelled = 0;
    for (const [agentId, unitId] of this.armed) {
      if (unitId !== managementUnitId) continue;
      this.cancel(agentId);
      cancelled += 1;
    }
    return cancelled;
  }
}
