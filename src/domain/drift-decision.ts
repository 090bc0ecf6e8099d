import type { ClampReason, DriftCommand, IgnoredReason } from './drift-commands';
import type { AgentDriftState } from './drift-episode';

/** The result of one transition: the next state (undefined: delete the row), the commands, and why it was ignored. */
export interface DriftDecision {
  readonly state: AgentDriftState | undefined;
  readonly commands: readonly DriftCommand[];
  readonly ignored?: IgnoredReason;
  /** Set when the observation was applied with its change time clamped (see observation-judgement.ts). */
  readonly clamped?: ClampReason;
}

/** The shared empty command list (frozen): most transitions ask for nothing. */
export const NO_COMMANDS: readonly DriftCommand[] = Object.freeze([]);

/** Scheduler key of an agent's next check. */
export function agentCheckKey(agentId: string): string {
  return `agent:${agentId}`;
}

/**
 * The decision from `previous` to `next` with `commands`, the scheduler command first, so the pending check always
 * matches `state.nextDueAt` (scheduled when it changed, cancelled when it went); pure (it may prepend to `commands`).
 */
export function finish(
  previous: AgentDriftState | undefined,
  next: AgentDriftState | undefined,
  commands: DriftCommand[] | undefined,
): DriftDecision {
  const before = previous?.nextDueAt;
  const after = next?.nextDueAt;
  const agentId = next?.agentId ?? previous?.agentId;
  if (before !== after && agentId !== undefined) {
    const check: DriftCommand =
      after === undefined
        ? { type: 'cancelCheck', key: agentCheckKey(agentId) }
        : { type: 'scheduleCheck', key: agentCheckKey(agentId), dueAt: after };
    if (commands === undefined) return { state: next, commands: [check] };
    commands.unshift(check);
  }
  return { state: next, commands: commands === undefined || commands.length === 0 ? NO_COMMANDS : commands };
}
