import type { AdherenceObservation } from '../domain/adherence-observation';
import type { ActionResult, DriftAction, DriftCommand } from '../domain/drift-commands';
import {
  agentCheckKey,
  applyAction,
  applyDampening,
  applyDue,
  applyObservation,
  needsScheduleCheck,
  type DriftDecision,
} from '../domain/drift-engine';
import type { AgentDriftState, DriftEpisode, ScheduleCoverage } from '../domain/drift-episode';
import type { DriftPolicy } from '../domain/drift-policy';
import { isChangeTimeBelievable, judgeChangeTime } from '../domain/observation-judgement';
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
import { newOutboxAlert } from './outbox-alert';
import { OutboxDispatcher } from './outbox-dispatcher';
import type {
  ActionSink,
  AgentDirectory,
  AgentKey,
  AlertKind,
  AlertNotifier,
  AlertOutbox,
  AlertRecipient,
  Clock,
  DriftHistoryStore,
  DriftStateStore,
  Logger,
  ObservationCounters,
  ObservationSink,
  OutboxAlert,
  ScheduleCoverageChecker,
  Scheduler,
} from './ports';
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
  /** Agent and team names for history rows. */
  readonly directory?: AgentDirectory;
  /** Supervisor alerts also go to the Slack webhook. */
  readonly slackEnabled?: boolean;
  /**
   * Where the drift core's refusals (`stale`, `duplicate`, `changeTimeTooOld`, `superseded`) and clamps are counted by
   * reason; pass the Genesys client's metrics so they show in /metrics. Default: counters of the monitor's own.
   */
  readonly observationCounters?: ObservationCounters;
  /** Retry settings of the outbox dispatcher (jitter source, attempts, backoff). */
  readonly delivery?: {
    readonly maxAttempts?: number;
    readonly maxThrottledAttempts?: number;
    readonly baseBackoffInMs?: number;
    readonly maxBackoffInMs?: number;
    readonly random?: () => number;
  };
  /**
   * Whether this instance processes the unit now (it holds the unit's lease); default every unit. Work of a unit not
   * owned is dropped: observations are counted, due checks and retries do nothing, card actions answer `stale`.
   */
  readonly ownsUnit?: (managementUnitId: string) => boolean;
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
 */
export class DriftMonitor implements ObservationSink, ActionSink {
  private readonly log: Logger;
  private readonly dispatcher: OutboxDispatcher;
  private readonly chains = new Map<string, Promise<unknown>>();
  private readonly pending = new Set<Promise<unknown>>();
  private readonly units = new Map<string, UnitDampeningState>();
  /** Units released by {@link releaseUnit} and not adopted since. */
  private readonly released = new Set<string>();
  /** The unit of each agent with an armed check, so a released unit's checks can be cancelled at once. */
  private readonly armed = new Map<string, string>();
  private droppedCount = 0;
  private appliedCount = 0;
  /**
   * Observations whose fate was counted already: a burst moves changes applied before it was recognised into the hold,
   * and the release applies them again; they are counted once.
   */
  private readonly counted = new WeakSet<AdherenceObservation>();
  /** Where refusals and clamps are counted, by reason. */
  readonly observationCounters: ObservationCounters;
  private isStarted = false;
  private isStopped = false;

  constructor(private readonly options: DriftMonitorOptions) {
    this.log = options.logger.child({ component: 'drift-monitor' });
    this.observationCounters = options.observationCounters ?? {
      eventsIgnoredTotal: {},
      eventsClampedTotal: {},
    };
    this.dispatcher = new OutboxDispatcher({
      clock: options.clock,
      scheduler: options.scheduler,
      outbox: options.outbox,
      notifier: options.notifier,
      logger: options.logger,
      ...options.delivery,
      track: (work) => this.track(work),
      ownsUnit: (unitId) => this.ownsUnit(unitId),
    });
  }

  /** Observations dropped because their unit is not processed by this instance. */
  get droppedObservations(): number {
    return this.droppedCount;
  }

  /** Observations the drift core applied (the rest were dropped, held, or refused and counted by reason). */
  get appliedObservations(): number {
    return this.appliedCount;
  }

  /** Observations held by a unit's dampening right now, waiting for the release (not counted as anything yet). */
  get heldObservations(): number {
    let held = 0;
    for (const unitId of this.units.keys()) held += this.heldObservationsOf(unitId);
    return held;
  }

  /** True while this instance processes the unit: the `ownsUnit` option says so and the unit is not released. */
  ownsUnit(managementUnitId: string): boolean {
    return !this.released.has(managementUnitId) && (this.options.ownsUnit?.(managementUnitId) ?? true);
  }

  /**
   * Loads the drift state of every owned unit, re-arms each pending check at its absolute instant (a past one fires
   * at once, so a restart never resets a drift clock), makes sure every nudge and alert the state says was raised has
   * its outbox row, and delivers every pending row of owned units.
   */
  async start(): Promise<void> {
    if (this.isStarted) return;
    this.isStarted = true;
    let agents = 0;
    let rows = 0;
    for await (const state of this.options.stateStore.list()) {
      if (!this.ownsUnit(state.managementUnitId)) continue;
      agents += 1;
      this.syncCheck(state);
      rows += await this.restoreRows(state);
    }
    await this.dispatcher.dispatchPending();
    this.log.info({ agents, rowsRestored: rows }, 'drift monitor started');
  }

  /**
   * Starts processing a unit this instance now owns (a lease was taken over): runs `catchUp` first (the Genesys
   * restore of the unit, whose observations are applied from now on), then loads the unit's drift states, re-arms each
   * check at its absolute instant inside the agent's queue (so it cannot overwrite a newer check), restores missing
   * outbox rows of raised alerts, and delivers the unit's pending rows. Idempotent.
   */
  async adoptUnit(managementUnitId: string, catchUp?: () => Promise<unknown>): Promise<UnitAdoption> {
    this.released.delete(managementUnitId);
    if (this.isStopped || !this.ownsUnit(managementUnitId))
      return { managementUnitId, agents: 0, rowsRestored: 0 };
    // Before re-arming: a check that fell due while nobody owned the unit must not nudge an agent who is back already.
    if (catchUp !== undefined) await catchUp();
    if (this.isStopped || !this.ownsUnit(managementUnitId))
      return { managementUnitId, agents: 0, rowsRestored: 0 };
    const keys: AgentKey[] = [];
    for await (const state of this.options.stateStore.list(managementUnitId))
      keys.push({ managementUnitId, agentId: state.agentId });
    const counts = await Promise.all(keys.map((key) => this.enqueue(key.agentId, () => this.rearm(key))));
    await this.dispatcher.dispatchPending(managementUnitId);
    const adoption = {
      managementUnitId,
      agents: keys.length,
      rowsRestored: counts.reduce((sum, n) => sum + n, 0),
    };
    this.log.info(adoption, 'management unit adopted');
    return adoption;
  }

  /**
   * Stops processing a unit at once (its lease was lost): cancels its agents' checks, its dampening release and its
   * delivery retries, and ignores its observations, actions and due checks from now on. Work already running finishes.
   */
  releaseUnit(managementUnitId: string): void {
    this.released.add(managementUnitId);
    let checks = 0;
    for (const [agentId, unitId] of this.armed) {
      if (unitId !== managementUnitId) continue;
      this.options.scheduler.cancel(agentCheckKey(agentId));
      this.armed.delete(agentId);
      checks += 1;
    }
    // Held observations are dropped with the hold: the next owner restores the unit's adherence from Genesys.
    this.droppedCount += this.heldObservationsOf(managementUnitId);
    this.options.scheduler.cancel(unitReleaseKey(managementUnitId));
    this.units.delete(managementUnitId);
    this.dispatcher.cancelUnit(managementUnitId);
    this.log.warn({ managementUnitId, checksCancelled: checks }, 'management unit released');
  }

  private async rearm(key: AgentKey): Promise<number> {
    if (!this.ownsUnit(key.managementUnitId)) return 0;
    const state = await this.options.stateStore.get(key);
    if (state === undefined) return 0;
    this.syncCheck(state);
    return this.restoreRows(state);
  }

  /** Enqueues the outbox rows the state says were raised (idempotent); returns how many were missing. */
  private async restoreRows(state: AgentDriftState): Promise<number> {
    if (state.episode === undefined) return 0;
    let rows = 0;
    for (const alert of this.alertsRaised(state.episode)) {
      if ((await this.options.outbox.enqueue(alert)) === 'enqueued') rows += 1;
    }
    return rows;
  }

  /** Stops taking work and waits for what is in flight; the owner disposes the scheduler. */
  async stop(): Promise<void> {
    this.isStopped = true;
    this.dispatcher.stop();
    await this.idle();
  }

  /** Resolves when no work is queued or running (tests and graceful shutdown). */
  async idle(): Promise<void> {
    while (this.pending.size > 0) await Promise.allSettled([...this.pending]);
  }

  /**
   * Takes one observation: the drift core first judges its change time (a future one is clamped to arrival, one over
   * 24 h old is refused, both counted), then the unit's dampening decides whether it is applied now or held.
   */
  ingest(input: AdherenceObservation): Promise<void> {
    if (this.isStopped) return Promise.resolve();
    const unitId = input.managementUnitId;
    if (!this.ownsUnit(unitId)) {
      this.droppedCount += 1;
      return Promise.resolve();
    }
    // Before dampening: its burst window runs on Genesys's clock, which one mis-dated frame must not move.
    let observation = input;
    if (!isChangeTimeBelievable(input, this.options.policy)) {
      const judged = judgeChangeTime(input, this.options.policy);
      if (judged.ignored !== undefined) {
        this.countIgnored(judged.ignored, input);
        return Promise.resolve();
      }
      if (judged.clamped !== undefined) this.countClamped(judged.clamped, input);
      observation = judged.observation;
    }
    const step = observeUnit(
      this.units.get(unitId),
      observation,
      this.options.policy.dampening,
      this.options.clock.now(),
    );
    this.units.set(unitId, step.state);
    if (step.decision.kind === 'held') return Promise.resolve();
    if (step.decision.kind === 'holdStarted') return this.startHold(unitId, step.decision);
    // Failures are logged by the chain; the stream goes on (the next restore reconciles the agent).
    return this.enqueue(observation.agentId, () => this.applyObservationNow(observation)).catch(
      () => undefined,
    );
  }

  /** Takes a card action (or the schedule pre-check) for the agent's episode and answers whether it applied. */
  act(managementUnitId: string, agentId: string, action: DriftAction): Promise<ActionResult> {
    if (this.isStopped) return Promise.resolve('stale');
    // Teams may deliver a click to any replica. The action is applied here all the same: the state write is
    // ETag-guarded, and only the unit's owner schedules checks or sends, reading the new state at its next check.
    return this.enqueue(agentId, async () => {
      const now = this.options.clock.now();
      const decision = await this.modify({ managementUnitId, agentId }, (current) =>
        applyAction(current, action, this.options.policy, now),
      );
      await this.run(decision, managementUnitId, agentId);
      return decision.result;
    });
  }

  /** Genesys signalled a schedule change for the unit (schedule topics): hold its observations for the window. */
  signalScheduleChange(managementUnitId: string): Promise<void> {
    if (this.isStopped || !this.ownsUnit(managementUnitId)) return Promise.resolve();
    const step = signalUnitScheduleChange(
      this.units.get(managementUnitId),
      managementUnitId,
      this.options.policy.dampening,
      this.options.clock.now(),
    );
    this.units.set(managementUnitId, step.state);
    return step.decision.kind === 'holdStarted'
      ? this.startHold(managementUnitId, step.decision)
      : Promise.resolve();
  }

  private async startHold(
    unitId: string,
    decision: Extract<DampeningDecision, { kind: 'holdStarted' }>,
  ): Promise<void> {
    const { hold } = decision;
    this.log.info(
      { managementUnitId: unitId, releaseAt: hold.releaseAt, rebased: decision.rebaseAgentIds.length },
      'mass change: holding unit observations',
    );
    for (const command of decision.commands) {
      if (command.type === 'scheduleCheck')
        this.options.scheduler.schedule(command.key, command.dueAt, () =>
          this.fire(() => this.release(unitId)),
        );
    }
    await Promise.all(
      decision.rebaseAgentIds.map((agentId) =>
        this.enqueue(agentId, () => this.rebase(unitId, agentId, hold)),
      ),
    );
  }

  private async rebase(unitId: string, agentId: string, hold: DampeningHold): Promise<void> {
    if (!this.ownsUnit(unitId)) return;
    const decision = await this.modify({ managementUnitId: unitId, agentId }, (current) =>
      applyDampening(current, hold, this.options.policy),
    );
    await this.run(decision, unitId, agentId);
  }

  /** The window closed: apply the newest held observation per agent, clocks of drift begun in the burst start now. */
  private async release(unitId: string): Promise<void> {
    if (!this.ownsUnit(unitId)) return;
    const held: AdherenceObservation[] = [];
    for (let node = this.units.get(unitId)?.held; node; node = node.next) held.push(node.observation);
    const released = releaseUnit(this.units.get(unitId), unitId);
    this.units.set(unitId, released.state);
    const hold = released.hold;
    if (hold === undefined) return;
    // Only the newest held observation per agent is applied; the older ones were overtaken while held.
    const applied = new Set(released.observations);
    for (const observation of held) {
      if (applied.has(observation) || this.counted.has(observation)) continue;
      this.counted.add(observation);
      this.count('eventsIgnoredTotal', 'superseded');
    }
    this.log.info(
      { managementUnitId: unitId, agents: released.observations.length },
      'mass change: releasing unit observations',
    );
    await Promise.all(
      released.observations.map((observation) =>
        this.enqueue(observation.agentId, () =>
          this.applyObservationNow(
            observation,
            observation.adherenceChangedAt >= hold.burstStartedAt ? hold.releaseAt : undefined,
          ),
        ),
      ),
    );
  }

  private async applyObservationNow(
    observation: AdherenceObservation,
    clockStartsAt?: number,
  ): Promise<void> {
    const now = this.options.clock.now();
    const options = clockStartsAt === undefined ? undefined : { clockStartsAt };
    const key = { managementUnitId: observation.managementUnitId, agentId: observation.agentId };
    // Queued before the unit was released: the new owner restores the unit from Genesys, so this one is dropped.
    if (!this.ownsUnit(key.managementUnitId)) return;
    const decision = await this.modify(key, (current) =>
      applyObservation(current, observation, this.options.policy, now, options),
    );
    if (!this.counted.has(observation)) {
      if (this.options.policy.dampening.windowMs > 0 && observation.source === 'event')
        this.counted.add(observation);
      if (decision.ignored !== undefined) this.countIgnored(decision.ignored, observation);
      else this.appliedCount += 1;
      if (decision.clamped !== undefined) this.countClamped(decision.clamped, observation);
    }
    await this.run(decision, key.managementUnitId, key.agentId);
  }

  /** The agent's check fired: ask for the schedule pre-check before a first nudge, then escalate what is due. */
  private async onDue(unitId: string, agentId: string): Promise<void> {
    if (!this.ownsUnit(unitId)) return;
    const unit = this.units.get(unitId);
    // A held observation may change everything (e.g. the agent is back): the release applies it, then re-arms.
    if (isUnitHeld(unit) && hasHeldObservation(unit, agentId)) return;
    const key = { managementUnitId: unitId, agentId };
    const { policy, coverageChecker } = this.options;
    const before = await this.options.stateStore.get(key);
    if (before?.nextDueAt === undefined) return;
    let coverage: ScheduleCoverage | undefined;
    const episode = before.episode;
    if (episode !== undefined && needsScheduleCheck(before, policy, this.options.clock.now())) {
      // The first nudge is due: an agent unknown to the directory (hired or moved after start) is looked up first, so
      // the nudge finds their Teams chat by email and the cards name them.
      const lookUp = this.lookUpIfUnknown(agentId, unitId);
      if (coverageChecker !== undefined) coverage = await this.checkCoverage(coverageChecker, episode);
      await lookUp;
    }
    const now = this.options.clock.now();
    const decision = await this.modify(key, (current) => {
      if (current === undefined) return { state: undefined, commands: [] };
      let state: AgentDriftState | undefined = current;
      const commands: DriftCommand[] = [];
      if (coverage !== undefined && episode !== undefined) {
        const checked = applyAction(
          state,
          { type: 'scheduleChecked', episodeId: episode.id, at: now, coverage },
          policy,
          now,
        );
        state = checked.state;
        commands.push(...checked.commands);
      }
      if (state === undefined || state.nextDueAt === undefined || state.nextDueAt > now)
        return { state, commands };
      const due = applyDue(state, policy, now);
      commands.push(...due.commands);
      return { state: due.state, commands };
    });
    await this.run(decision, unitId, agentId);
  }

  private async lookUpIfUnknown(agentId: string, unitId: string): Promise<void> {
    const directory = this.options.directory;
    if (directory?.lookUpAgent === undefined || directory.getAgent(agentId) !== undefined) return;
    try {
      await directory.lookUpAgent(agentId, unitId);
    } catch (error) {
      this.log.child({ agentId }).warn({ err: describeError(error) }, 'agent lookup failed; nudging anyway');
    }
  }

  /**
   * Ends the drift of a unit that vanished from Genesys (its agents' open episodes close as `removedFromUnit`, cards
   * say so, history keeps them, states are deleted), then releases the unit. Only the unit's owner writes anything.
   */
  async retireUnit(managementUnitId: string): Promise<number> {
    let retired = 0;
    if (!this.isStopped && this.ownsUnit(managementUnitId)) {
      const agentIds: string[] = [];
      for await (const state of this.options.stateStore.list(managementUnitId)) agentIds.push(state.agentId);
      await Promise.all(
        agentIds.map((agentId) =>
          this.enqueue(agentId, async () => {
            const now = this.options.clock.now();
            const decision = await this.modify({ managementUnitId, agentId }, (current) =>
              current === undefined
                ? { state: undefined, commands: [] }
                : applyObservation(
                    current,
                    {
                      agentId,
                      managementUnitId,
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
            await this.run(decision, managementUnitId, agentId);
            retired += 1;
          }),
        ),
      );
    }
    this.releaseUnit(managementUnitId);
    this.log.warn({ managementUnitId, agentsRetired: retired }, 'management unit vanished from Genesys');
    return retired;
  }

  private heldObservationsOf(unitId: string): number {
    let held = 0;
    for (let node = this.units.get(unitId)?.held; node; node = node.next)
      if (!this.counted.has(node.observation)) held += 1;
    return held;
  }

  private countIgnored(reason: string, observation: AdherenceObservation): void {
    this.count('eventsIgnoredTotal', reason);
    this.log.debug(
      { agentId: observation.agentId, reason, source: observation.source },
      'observation ignored',
    );
  }

  private countClamped(reason: string, observation: AdherenceObservation): void {
    this.count('eventsClampedTotal', reason);
    this.log.debug(
      { agentId: observation.agentId, reason, source: observation.source },
      'observation change time clamped',
    );
  }

  private count(family: keyof ObservationCounters, reason: string): void {
    const counts = this.observationCounters[family];
    counts[reason] = (counts[reason] ?? 0) + 1;
  }

  private async checkCoverage(
    checker: ScheduleCoverageChecker,
    episode: DriftEpisode,
  ): Promise<ScheduleCoverage> {
    try {
      return await checker.check(episode.agentId, episode.managementUnitId, this.options.clock.now());
    } catch (error) {
      this.log
        .child({ agentId: episode.agentId, episodeId: episode.id })
        .warn({ err: describeError(error) }, 'schedule pre-check failed; alerting anyway');
      return 'unavailable';
    }
  }

  /** Writes the decision's state with a pure mutate (the store may retry it) and hands the decision back. */
  private modify<T extends DriftDecision>(
    key: AgentKey,
    decide: (current: AgentDriftState | undefined) => T,
  ): Promise<T> {
    return this.options.stateStore.modify(key, (current) => {
      const decision = decide(current);
      return { next: decision.state, result: decision };
    });
  }

  /** Runs the commands of a written decision, in order, then makes sure the pending check matches the state. */
  private async run(decision: DriftDecision, unitId: string, agentId: string): Promise<void> {
    for (const command of decision.commands) {
      try {
        await this.runCommand(command, unitId, agentId);
      } catch (error) {
        this.log
          .child({ agentId })
          .error({ command: command.type, err: describeError(error) }, 'drift command failed');
      }
    }
    if (decision.state === undefined) this.cancelCheck(agentId);
    else this.syncCheck(decision.state);
  }

  private async runCommand(command: DriftCommand, unitId: string, agentId: string): Promise<void> {
    const { scheduler } = this.options;
    switch (command.type) {
      case 'scheduleCheck':
        if (command.key === agentCheckKey(agentId)) this.armCheck(unitId, agentId, command.dueAt);
        else if (this.ownsUnit(unitId))
          scheduler.schedule(command.key, command.dueAt, this.dueTask(unitId, agentId));
        return;
      case 'cancelCheck':
        if (command.key === agentCheckKey(agentId)) this.cancelCheck(agentId);
        else scheduler.cancel(command.key);
        return;
      case 'nudgeAgent':
        await this.raise(command.episode, 'nudge');
        return;
      case 'alertSupervisor':
        await this.raise(command.episode, command.isReAlert ? 'supervisorReAlert' : 'supervisorAlert');
        return;
      case 'recordFormalException':
        this.episodeLog(command.episode).warn(
          { formalExceptionAt: command.episode.formalExceptionAt },
          'drift became a formal adherence exception',
        );
        await this.writeHistory(command.episode);
        return;
      case 'updateCards': {
        const rows = await this.options.outbox.listByEpisode(command.episode.id);
        const sent = rows.filter((row) => row.status === 'sent');
        if (sent.length > 0) await this.options.notifier.updateCards(command.episode, command.change, sent);
        return;
      }
      case 'writeHistory':
        await this.writeHistory(command.episode);
        if (command.episode.outcome !== undefined)
          this.episodeLog(command.episode).info({ outcome: command.episode.outcome }, 'drift episode ended');
        return;
    }
  }

  private async raise(episode: DriftEpisode, kind: AlertKind): Promise<void> {
    this.episodeLog(episode).info({ kind }, kind === 'nudge' ? 'nudging agent' : 'alerting supervisor');
    for (const alert of this.alertsOf(episode, kind)) await this.dispatcher.enqueueAndDispatch(alert);
  }

  /** The outbox rows an episode's state says were raised (nudge, alert, re-alert), for start-up reconciliation. */
  private alertsRaised(episode: DriftEpisode): OutboxAlert[] {
    const alerts: OutboxAlert[] = [];
    if (episode.nudgedAt !== undefined) alerts.push(...this.alertsOf(episode, 'nudge'));
    if (episode.supervisorAlertedAt !== undefined) alerts.push(...this.alertsOf(episode, 'supervisorAlert'));
    if (episode.reAlertedAt !== undefined) alerts.push(...this.alertsOf(episode, 'supervisorReAlert'));
    return alerts;
  }

  private alertsOf(episode: DriftEpisode, kind: AlertKind): OutboxAlert[] {
    const recipients: AlertRecipient[] =
      kind === 'nudge'
        ? ['agent']
        : this.options.slackEnabled
          ? ['supervisorChannel', 'slack']
          : ['supervisorChannel'];
    const now = this.options.clock.now();
    return recipients.map((recipient) => newOutboxAlert(episode, kind, recipient, now));
  }

  private async writeHistory(episode: DriftEpisode): Promise<void> {
    const profile = this.options.directory?.getAgent(episode.agentId);
    await this.options.history.upsert({
      episode,
      agentName: profile?.name,
      teamName: profile?.teamName,
      recordedAt: this.options.clock.now(),
    });
  }

  /** Re-arms the agent's check when the scheduler does not hold the instant the state says (restart, deferred check). */
  private syncCheck(state: AgentDriftState): void {
    const key = agentCheckKey(state.agentId);
    const { scheduler } = this.options;
    if (state.nextDueAt === undefined) {
      if (scheduler.dueAt(key) !== undefined) this.cancelCheck(state.agentId);
    } else if (scheduler.dueAt(key) !== state.nextDueAt) {
      this.armCheck(state.managementUnitId, state.agentId, state.nextDueAt);
    }
  }

  /** Arms the agent's check at an absolute instant, only while the unit is ours (a released unit's work may still finish). */
  private armCheck(unitId: string, agentId: string, dueAt: number): void {
    if (!this.ownsUnit(unitId)) return;
    this.armed.set(agentId, unitId);
    this.options.scheduler.schedule(agentCheckKey(agentId), dueAt, this.dueTask(unitId, agentId));
  }

  private cancelCheck(agentId: string): void {
    this.armed.delete(agentId);
    this.options.scheduler.cancel(agentCheckKey(agentId));
  }

  private dueTask(unitId: string, agentId: string): () => void {
    return () => {
      if (this.armed.get(agentId) === unitId) this.armed.delete(agentId);
      if (this.ownsUnit(unitId)) this.fire(() => this.enqueue(agentId, () => this.onDue(unitId, agentId)));
    };
  }

  private fire(work: () => Promise<unknown>): void {
    if (this.isStopped) return;
    this.track(
      work().catch((error) => this.log.error({ err: describeError(error) }, 'scheduled drift work failed')),
    );
  }

  /** Serializes work per agent (a keyed promise chain), so events and card actions of one agent never interleave. */
  private enqueue<T>(agentId: string, work: () => Promise<T>): Promise<T> {
    const previous = this.chains.get(agentId) ?? Promise.resolve();
    const result = previous.then(work);
    const settled = result.catch((error) => {
      this.log.child({ agentId }).error({ err: describeError(error) }, 'drift work failed');
    });
    this.chains.set(agentId, settled);
    void settled.then(() => {
      if (this.chains.get(agentId) === settled) this.chains.delete(agentId);
    });
    this.track(settled);
    return result;
  }

  private track(work: Promise<unknown>): void {
    this.pending.add(work);
    void work.finally(() => this.pending.delete(work));
  }

  private episodeLog(episode: DriftEpisode): Logger {
    return this.log.child({ agentId: episode.agentId, episodeId: episode.id });
  }
}
