import type { AdherenceObservation } from '../../src/domain/adherence-observation';
import type { DriftCommand } from '../../src/domain/drift-commands';
import { applyDue } from '../../src/domain/drift-engine';
import type { AgentDriftState } from '../../src/domain/drift-episode';
import { DEFAULT_THRESHOLDS, type DriftPolicy } from '../../src/domain/drift-policy';

/** Epoch ms of the examples' drift start: 2026-08-20T14:03:12.418Z, as in the reference event. */
export const T0 = Date.UTC(2026, 7, 20, 14, 3, 12, 418);
export const MINUTE = 60_000;

/** A policy with the product defaults and nothing excluded, with overrides. */
export function makePolicy(overrides: Partial<DriftPolicy> = {}): DriftPolicy {
  return {
    defaults: DEFAULT_THRESHOLDS,
    byManagementUnit: {},
    byActivityCategory: {},
    unitExceptionThresholdMs: {},
    excludedCategories: [],
    excludedActivityCodeIds: [],
    overtimeActivityCodeIds: [],
    dampening: { windowMs: 60_000, massChangeAgents: 5, massChangeWithinMs: 10_000 },
    allowSelfDeclaredOvertime: false,
    ...overrides,
  };
}

/** An adherence observation of agent `a1` in unit `mu1`, observed one second after the change, with overrides. */
export function observation(overrides: Partial<AdherenceObservation> = {}): AdherenceObservation {
  const adherenceChangedAt = overrides.adherenceChangedAt ?? T0;
  return {
    agentId: 'a1',
    managementUnitId: 'mu1',
    teamId: 't1',
    adherenceState: 'OutOfAdherence',
    scheduledActivityCategory: 'OnQueueWork',
    scheduledActivityCodeId: 'code-onqueue',
    actualActivityCategory: 'Break',
    adherenceChangedAt,
    observedAt: adherenceChangedAt + 1_000,
    removedFromUnit: false,
    source: 'event',
    ...overrides,
  };
}

/** Runs the agent's checks as a scheduler would, up to and including `until`; returns the state and every command. */
export function runChecksUntil(
  state: AgentDriftState | undefined,
  policy: DriftPolicy,
  until: number,
): { state: AgentDriftState | undefined; commands: DriftCommand[] } {
  const commands: DriftCommand[] = [];
  let current = state;
  for (let guard = 0; current?.nextDueAt !== undefined && current.nextDueAt <= until; guard += 1) {
    if (guard > 100) throw new Error('runChecksUntil: the engine keeps asking for checks');
    const decision = applyDue(current, policy, current.nextDueAt);
    commands.push(...decision.commands);
    current = decision.state;
  }
  return { state: current, commands };
}

/** The command types, in order, for compact assertions. */
export function typesOf(commands: readonly DriftCommand[]): string[] {
  return commands.map((command) =>
    command.type === 'alertSupervisor' && command.isReAlert ? 'reAlertSupervisor' : command.type,
  );
}
