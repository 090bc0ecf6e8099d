import type { AdherenceObservation } from '../domain/adherence-observation';
import type { DriftPolicy } from '../domain/drift-policy';
import {
  hasHeldObservation,
  isUnitHeld,
  observeUnit,
  releaseUnit,
  signalUnitScheduleChange,
  unitReleaseKey,
  type DampeningDecision,
  type DampeningHold,
  type UnitDampeningState,
} from '../domain/unit-dampener';
import type { ObservationTally } from './observation-tally';
import type { Clock, Scheduler } from '../platform/clock';
import type { Logger } from '../platform/logger';

/** Ports of a {@link DampeningRunner}, and the per-agent work it hands back to the monitor. */
export interface DampeningRunnerOptions {
  readonly clock: Clock;
  readonly scheduler: Scheduler;
  readonly policy: DriftPolicy;
  readonly logger: Logger;
  readonly tally: ObservationTally;
  /** Applies an observation to its agent now (queued per agent); a drift clock starts at `clockStartsAt` if given. */
  readonly apply: (observation: AdherenceObservation, clockStartsAt?: number) => Promise<void>;
  /** Re-bases an agent at the start of a hold (queued per agent). */
  readonly rebase: (managementUnitId: string, agentId: string, hold: DampeningHold) => Promise<void>;
  /** Runs timer work in the background (the monitor tracks it and drops it once stopped). */
  readonly fire: (work: () => Promise<unknown>) => void;
}

/**
 * Runs the pure unit dampener (src/domain/unit-dampener.ts) for every management unit: observations of a unit in a
 * mass schedule change are held for the window, agents whose drift began with the burst are re-based, and at the
 * release the newest held observation per agent is applied (drift begun in the burst timed from the release).
 */
export class DampeningRunner {
  private readonly units = new Map<string, UnitDampeningState>();

  constructor(private readonly options: DampeningRunnerOptions) {}

  /** Observations held right now, waiting for their unit's release (not counted as anything yet). */
  get heldObservations(): number {
    let held = 0;
    for (const unitId of this.units.keys()) held += this.heldOf(unitId);
    return held;
  }

  /** Takes a (judged) observation: applied now, held, or the start of a hold. */
  observe(observation: AdherenceObservation): Promise<void> {
    const unitId = observation.managementUnitId;
    const { policy, clock } = this.options;
    const step = observeUnit(this.units.get(unitId), observation, policy.dampening, clock.now());
    this.units.set(unitId, step.state);
    if (step.decision.kind === 'held') return Promise.resolve();
    if (step.decision.kind === 'holdStarted') return this.startHold(unitId, step.decision);
    // Failures are logged by the agent's queue; the stream goes on (the next restore reconciles the agent).
    return this.options.apply(observation).catch(() => undefined);
  }

  /** Genesys signalled a schedule change for the unit: hold its observations for the window. */
  signal(managementUnitId: string): Promise<void> {
    const { policy, clock } = this.options;
    const step = signalUnitScheduleChange(
      this.units.get(managementUnitId),
      managementUnitId,
      policy.dampening,
      clock.now(),
    );
    this.units.set(managementUnitId, step.state);
    return step.decision.kind === 'holdStarted'
      ? this.startHold(managementUnitId, step.decision)
      : Promise.resolve();
  }

  /** True while the unit is held and holds an observation of the agent (the release decides for that agent). */
  isAgentHeld(managementUnitId: string, agentId: string): boolean {
    const unit = this.units.get(managementUnitId);
    return isUnitHeld(unit) && hasHeldObservation(unit, agentId);
  }

  /** Forgets the unit (it is no longer processed here): cancels its release; returns how many held observations went. */
  dropUnit(managementUnitId: string): number {
    const dropped = this.heldOf(managementUnitId);
    this.options.scheduler.cancel(unitReleaseKey(managementUnitId));
    this.units.delete(managementUnitId);
    return dropped;
  }

  private async startHold(
    unitId: string,
    decision: Extract<DampeningDecision, { kind: 'holdStarted' }>,
  ): Promise<void> {
    const { hold } = decision;
    this.options.logger.info(
      { managementUnitId: unitId, releaseAt: hold.releaseAt, rebased: decision.rebaseAgentIds.length },
      'mass change: holding unit observations',
    );
    for (const command of decision.commands) {
      if (command.type === 'scheduleCheck')
        this.options.scheduler.schedule(command.key, command.dueAt, () =>
          this.options.fire(() => this.release(unitId)),
        );
    }
    await Promise.all(decision.rebaseAgentIds.map((agentId) => this.options.rebase(unitId, agentId, hold)));
  }

  /** The window closed: apply the newest held observation per agent, clocks of drift begun in the burst start now. */
  private async release(unitId: string): Promise<void> {
    const held: AdherenceObservation[] = [];
    for (let node = this.units.get(unitId)?.held; node; node = node.next) held.push(node.observation);
    const released = releaseUnit(this.units.get(unitId), unitId);
    this.units.set(unitId, released.state);
    const hold = released.hold;
    if (hold === undefined) return;
    // Only the newest held observation per agent is applied; the older ones were overtaken while held.
    const applied = new Set(released.observations);
    for (const observation of held) if (!applied.has(observation)) this.options.tally.superseded(observation);
    this.options.logger.info(
      { managementUnitId: unitId, agents: released.observations.length },
      'mass change: releasing unit observations',
    );
    await Promise.all(
      released.observations.map((observation) =>
        this.options.apply(
          observation,
          observation.adherenceChangedAt >= hold.burstStartedAt ? hold.releaseAt : undefined,
        ),
      ),
    );
  }

  private heldOf(unitId: string): number {
    let held = 0;
    for (let node = this.units.get(unitId)?.held; node; node = node.next)
      if (!this.options.tally.isCounted(node.observation)) held += 1;
    return held;
  }
}
