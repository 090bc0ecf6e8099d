import type { AdherenceObservation } from '../domain/adherence-observation';
import type { DriftAction } from '../domain/drift-commands';
import type { DriftPolicy } from '../domain/drift-policy';
import { isChangeTimeBelievable, judgeChangeTime } from '../domain/observation-judgement';
import { AgentCheckArming } from './agent-check-arming';
import { AgentTransitions } from './agent-transitions';
import { AgentWorkQueue } from './agent-work-queue';
import { CardUpdateQueue } from './card-update-queue';
import { DampeningRunner } from './dampening-runner';
import { DriftCommandRunner } from './drift-command-runner';
import { DueCheckRunner } from './due-check-runner';
import { ObservationTally } from './observation-tally';
import { OutboxDispatcher, type OutboxDispatcherOptions } from './outbox-dispatcher';
import type { Clock, Scheduler } from '../platform/clock';
import type { Logger } from '../platform/logger';
import type { ActionOutcome, ActionSink } from './ports/action-sink';
import type { AgentDirectory } from './ports/agent-directory';
import type { AlertNotifier } from './ports/alert-notifier';
import type { AlertOutbox } from './ports/alert-outbox';
import type { DriftHistoryStore } from './ports/drift-history-store';
import type { AgentKey, DriftStateStore } from './ports/drift-state-store';
import type { ObservationCounters, ObservationSink } from './ports/observation-sink';
import type { ScheduleCoverageChecker } from './ports/schedule-coverage-checker';
import type { UnitProcessor } from './unit-ownership';
import { EveryUnitGate, type UnitGate } from './unit-gate';
import { describeError } from '../platform/describe-error';

/** Ports and settings of a {@link DriftMonitor}. */
export interface DriftMonitorOptions {
  readonly clock: Clock;
  readonly scheduler: Scheduler;
  readonly stateStore: DriftStateStore;
  readonly outbox: AlertOutbox;
  readonly notifier: AlertNotifier;
  readonly history: DriftHistoryStore;
  readonly logger: Logger;
  readonly policy: DriftPolicy;
  /** Asked before the first nudge of an episode; an exception counts as `unavailable`. */
  readonly coverageChecker?: ScheduleCoverageChecker;
  /** Agent and team names for history rows; agents it does not know are looked up before their first nudge. */
  readonly directory?: AgentDirectory;
  /** Supervisor alerts also go to the Slack webhook. */
  readonly slackEnabled?: boolean;
  /**
   * Where the drift core's refusals (`stale`, `duplicate`, `changeTimeTooOld`, `superseded`) and clamps are counted by
   * reason; pass the Genesys client's metrics so they show in /metrics. Default: counters of the monitor's own.
   */
  readonly observationCounters?: ObservationCounters;
  /** Retry settings of the outbox dispatcher (jitter source, attempts, backoff). */
  readonly delivery?: Pick<
    OutboxDispatcherOptions,
    'maxAttempts' | 'maxThrottledAttempts' | 'baseBackoffInMs' | 'maxBackoffInMs' | 'random'
  >;
  /**
   * Which units this instance processes: the unit leases (UnitOwnership) with several instances; default every unit.
   * Work of a unit not processed here is dropped: observations are counted, due checks and retries do nothing.
   */
  readonly units?: UnitGate;
}

/** What {@link DriftMonitor.adoptUnit} found: agents whose check was re-armed and outbox rows it had to restore. */
export interface UnitAdoption {
  readonly managementUnitId: string;
  readonly agents: number;
  readonly rowsRestored: number;
}

/**
 * The drift monitor use case: feeds observations, due checks and card actions through the pure drift core and
 * runs the commands it returns through the ports. Work for one agent is serialized; the state is written first
 * (it is the source of truth) and commands run after the write; proactive messages go through the durable outbox.
 * Units are processed once the unit gate says so and {@link adoptUnit} re-read them; nothing is listed at start.
 */
export class DriftMonitor implements ObservationSink, ActionSink, UnitProcessor {
  private readonly log: Logger;
  private readonly units: UnitGate;
  private readonly queue: AgentWorkQueue;
  private readonly tally: ObservationTally;
  private readonly dispatcher: OutboxDispatcher;
  private readonly checks: AgentCheckArming;
  private readonly commands: DriftCommandRunner;
  private readonly transitions: AgentTransitions;
  private readonly dampening: DampeningRunner;
  private readonly dueChecks: DueCheckRunner;
  private isStopped = false;

  constructor(private readonly options: DriftMonitorOptions) {
    const { clock, scheduler, policy } = options;
    this.log = options.logger.child({ component: 'drift-monitor' });
    this.units = options.units ?? new EveryUnitGate();
    this.queue = new AgentWorkQueue(this.log);
    this.tally = new ObservationTally(this.log, options.observationCounters);
    this.dispatcher = new OutboxDispatcher({
      clock,
      scheduler,
      outbox: options.outbox,
      notifier: options.notifier,
      logger: options.logger,
      ...options.delivery,
      track: (work) => this.queue.track(work),
      ownsUnit: (unitId) => this.units.ownsUnit(unitId),
    });
    this.checks = new AgentCheckArming({
      scheduler,
      gate: this.units,
      onDue: (unitId, agentId) =>
        this.fire(() =>
          this.runOwned(unitId, agentId, async () => {
            // A held observation may change everything (e.g. the agent is back): the release applies it, then re-arms.
            if (!this.dampening.isAgentHeld(unitId, agentId)) await this.dueChecks.run(unitId, agentId);
          }),
        ),
    });
    this.commands = new DriftCommandRunner({
      ...options,
      dispatcher: this.dispatcher,
      checks: this.checks,
      cardUpdates: new CardUpdateQueue({
        outbox: options.outbox,
        notifier: options.notifier,
        logger: this.log,
        track: (work) => this.queue.track(work),
      }),
      logger: this.log,
    });
    this.dampening = new DampeningRunner({
      clock,
      scheduler,
      policy,
      logger: this.log,
      tally: this.tally,
      apply: (observation, clockStartsAt) =>
        this.runOwned(observation.managementUnitId, observation.agentId, () =>
          this.transitions.observe(observation, clockStartsAt),
        ),
      rebase: (managementUnitId, agentId, hold) =>
        this.runOwned(managementUnitId, agentId, () =>
          this.transitions.rebase({ managementUnitId, agentId }, hold),
        ),
      fire: (work) => this.fire(work),
    });
    this.transitions = new AgentTransitions({
      ...options,
      commands: this.commands,
      checks: this.checks,
      tally: this.tally,
    });
    this.dueChecks = new DueCheckRunner({ ...options, commands: this.commands, logger: this.log });
  }

  /** Where refusals and clamps are counted, by reason. */
  get observationCounters(): ObservationCounters {
    return this.tally.counters;
  }

  /** Observations dropped because their unit is not processed by this instance. */
  get droppedObservations(): number {
    return this.tally.dropped;
  }

  /** Observations the drift core applied (the rest were dropped, held, or refused and counted by reason). */
  get appliedObservations(): number {
    return this.tally.applied;
  }

  /** Observations held by a unit's dampening right now, waiting for the release (not counted as anything yet). */
  get heldObservations(): number {
    return this.dampening.heldObservations;
  }

  /**
   * Starts processing a unit this instance now owns (a lease was taken over): runs `catchUp` first (the Genesys
   * restore of the unit, whose observations are applied from now on), then loads the unit's drift states, re-arms each
   * check at its absolute instant inside the agent's queue (so it cannot overwrite a newer check; a past one fires at
   * once, so a restart never resets a drift clock), restores missing outbox rows of raised alerts, and delivers the
   * unit's pending rows. Idempotent.
   */
  async adoptUnit(managementUnitId: string, catchUp?: () => Promise<unknown>): Promise<UnitAdoption> {
    // The unit's rows first, in pages: a store that keeps copies (Table) then applies the catch-up without a read per
    // agent, and the re-arming below reads none either.
    for await (const state of this.options.stateStore.list(managementUnitId)) void state;
    // Before re-arming: a check that fell due while nobody owned the unit must not nudge an agent who is back already.
    if (catchUp !== undefined && !this.isStopped) await catchUp();
    // The lease may have been lost during the catch-up: then this is no adoption (the gate decides, as everywhere).
    if (this.isStopped || !this.units.ownsUnit(managementUnitId))
      return { managementUnitId, agents: 0, rowsRestored: 0 };
    // The agents the store knows after the catch-up; one that keeps no copies (or lost track of a row) is listed again.
    const keys: AgentKey[] = [];
    const known = this.options.stateStore.knownAgentIds?.(managementUnitId);
    if (known !== undefined) for (const agentId of known) keys.push({ managementUnitId, agentId });
    else
      for await (const state of this.options.stateStore.list(managementUnitId))
        keys.push({ managementUnitId, agentId: state.agentId });
    const counts = await Promise.all(
      keys.map((key) => this.runOwned(managementUnitId, key.agentId, () => this.transitions.rearm(key))),
    );
    // The unit's pending rows go out on their own: a supervisor channel takes 60 messages in 30 s, and the adoption
    // (which a restart waits for) must not wait for a unit's backlog to trickle out.
    this.fire(() => this.dispatcher.dispatchPending(managementUnitId));
    const adoption = {
      managementUnitId,
      agents: keys.length,
      rowsRestored: counts.reduce<number>((sum, n) => sum + (n ?? 0), 0),
    };
    this.log.info(adoption, 'management unit adopted');
    return adoption;
  }

  /**
   * Stops processing a unit at once (its lease was lost; the gate already says so): cancels its agents' checks, its
   * dampening release and its delivery retries. Work already running finishes; queued work of the unit is dropped.
   */
  releaseUnit(managementUnitId: string): void {
    const checks = this.forgetUnit(managementUnitId);
    this.log.warn({ managementUnitId, checksCancelled: checks }, 'management unit released');
  }

  /**
   * Ends the drift of a unit that vanished from Genesys (its agents' open episodes close as `removedFromUnit`, cards
   * say so, history keeps them, states are deleted), then hands the unit back to the gate, so it is processed no more.
   * Only the unit's owner writes anything.
   */
  async retireUnit(managementUnitId: string): Promise<number> {
    let retired = 0;
    const agentIds: string[] = [];
    for await (const state of this.options.stateStore.list(managementUnitId)) agentIds.push(state.agentId);
    await Promise.all(
      agentIds.map((agentId) =>
        this.runOwned(managementUnitId, agentId, async () => {
          await this.transitions.removeFromUnit({ managementUnitId, agentId });
          retired += 1;
        }),
      ),
    );
    await this.units.handBack(managementUnitId);
    this.forgetUnit(managementUnitId);
    this.log.warn({ managementUnitId, agentsRetired: retired }, 'management unit vanished from Genesys');
    return retired;
  }

  /** Outbox rows of this instance's units still to be sent (the outbox depth in /metrics); no store read. */
  outboxPending(): number {
    return this.dispatcher.pendingCount();
  }

  /** Stops taking work and waits for what is in flight; the owner disposes the scheduler. */
  async stop(): Promise<void> {
    this.isStopped = true;
    this.dispatcher.stop();
    await this.idle();
  }

  /** Resolves when no work is queued or running (tests and graceful shutdown). */
  async idle(): Promise<void> {
    await this.queue.idle();
  }

  /**
   * Takes one observation: the drift core first judges its change time (a future one is clamped to arrival, one over
   * 24 h old is refused, both counted), then the unit's dampening decides whether it is applied now or held.
   */
  ingest(input: AdherenceObservation): Promise<void> {
    if (this.isStopped) return Promise.resolve();
    if (!this.units.ownsUnit(input.managementUnitId)) {
      this.tally.dropped += 1;
      return Promise.resolve();
    }
    // Before dampening: its burst window runs on Genesys's clock, which one mis-dated frame must not move.
    let observation = input;
    if (!isChangeTimeBelievable(input, this.options.policy)) {
      const judged = judgeChangeTime(input, this.options.policy);
      if (judged.ignored !== undefined) {
        this.tally.ignored(judged.ignored, input);
        return Promise.resolve();
      }
      if (judged.clamped !== undefined) this.tally.clamped(judged.clamped, input);
      observation = judged.observation;
    }
    return this.dampening.observe(observation);
  }

  /**
   * Takes a card action (or the schedule pre-check) for the agent's episode: answers whether it applied, with the
   * episode as it stands afterwards (undefined when the action was stale), so the caller renders from it.
   */
  act(managementUnitId: string, agentId: string, action: DriftAction): Promise<ActionOutcome> {
    if (this.isStopped) return Promise.resolve({ result: 'stale' });
    // Teams may deliver a click to any replica. The action is applied here all the same: the state write is
    // ETag-guarded, and only the unit's owner schedules checks or sends, reading the new state at its next check.
    return this.queue.run(agentId, () => this.transitions.act({ managementUnitId, agentId }, action));
  }

  /** Genesys signalled a schedule change for the unit (schedule topics): hold its observations for the window. */
  signalScheduleChange(managementUnitId: string): Promise<void> {
    if (this.isStopped || !this.units.ownsUnit(managementUnitId)) return Promise.resolve();
    return this.dampening.signal(managementUnitId);
  }

  /**
   * Runs work of one agent of a unit in the agent's queue, if the unit is still processed here when its turn comes:
   * work queued before a unit was released is dropped (the new owner restores the unit from Genesys). The one place
   * queued work asks the gate.
   */
  private runOwned<T>(unitId: string, agentId: string, work: () => Promise<T>): Promise<T | undefined> {
    return this.queue.run(agentId, () =>
      this.isStopped || !this.units.ownsUnit(unitId) ? Promise.resolve(undefined) : work(),
    );
  }

  private forgetUnit(managementUnitId: string): number {
    const checks = this.checks.cancelUnit(managementUnitId);
    this.options.stateStore.forgetUnit?.(managementUnitId);
    // Held observations are dropped with the hold: the next owner restores the unit's adherence from Genesys.
    this.tally.dropped += this.dampening.dropUnit(managementUnitId);
    this.dispatcher.cancelUnit(managementUnitId);
    return checks;
  }

  private fire(work: () => Promise<unknown>): void {
    if (this.isStopped) return;
    this.queue.track(
      work().catch((error) => this.log.error({ err: describeError(error) }, 'scheduled drift work failed')),
    );
  }
}
