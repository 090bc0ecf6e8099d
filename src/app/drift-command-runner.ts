import type { DriftCommand } from '../domain/drift-commands';
import {
  agentCheckKey,
  alertDueInstants,
  needsScheduleCheck,
  type DriftDecision,
} from '../domain/drift-engine';
import type { DriftPolicy } from '../domain/drift-policy';
import type { AgentDriftState, DriftEpisode } from '../domain/drift-episode';
import type { AgentCheckArming } from './agent-check-arming';
import type { CardUpdateQueue } from './card-update-queue';
import { newOutboxAlert } from './outbox-alert';
import type { OutboxDispatcher } from './outbox-dispatcher';
import type { Clock, Scheduler } from '../platform/clock';
import type { Logger } from '../platform/logger';
import type { AgentDirectory } from './ports/agent-directory';
import type { AlertKind, AlertOutbox, AlertRecipient, OutboxAlert } from './ports/alert-outbox';
import type { ScheduleCoverageChecker } from './ports/schedule-coverage-checker';
import type { DriftHistoryStore } from './ports/drift-history-store';
import { describeError } from '../platform/describe-error';

/** Ports of a {@link DriftCommandRunner}. */
export interface DriftCommandRunnerOptions {
  readonly clock: Clock;
  readonly scheduler: Scheduler;
  readonly outbox: AlertOutbox;
  readonly dispatcher: OutboxDispatcher;
  readonly history: DriftHistoryStore;
  readonly checks: AgentCheckArming;
  /** Where card updates go: they run outside the agent's work, in order per episode. */
  readonly cardUpdates: CardUpdateQueue;
  readonly logger: Logger;
  /** Thresholds of each episode, for the instant each message fell due (outbox `dueAt`: alert lateness). */
  readonly policy: DriftPolicy;
  /** Agent and team names for history rows. */
  readonly directory?: AgentDirectory;
  /** Supervisor alerts also go to the Slack webhook. */
  readonly slackEnabled?: boolean;
  /** Told when an episode's first nudge is scheduled, so the schedule pre-check has its answer ready when it is due. */
  readonly coverageChecker?: Pick<ScheduleCoverageChecker, 'prepare'>;
}

/**
 * Runs the commands of a written drift decision through the ports, in order: checks armed or cancelled, nudges and
 * alerts through the durable outbox, card updates (queued: they run outside the agent's work), history rows. A failing
 * command is logged and the next one runs.
 */
export class DriftCommandRunner {
  constructor(private readonly options: DriftCommandRunnerOptions) {}

  /**
   * Runs the decision's commands, then makes sure the agent's pending check matches the state. Card updates run on
   * their own; with `waitForCards` (a card action: its answer renders the board) this resolves once they are done.
   */
  async run(
    decision: DriftDecision,
    managementUnitId: string,
    agentId: string,
    options: { readonly waitForCards?: boolean } = {},
  ): Promise<void> {
    const cardUpdates: Array<Promise<void>> = [];
    for (const command of decision.commands) {
      try {
        await this.runCommand(command, managementUnitId, agentId, cardUpdates);
      } catch (error) {
        this.options.logger
          .child({ agentId })
          .error({ command: command.type, err: describeError(error) }, 'drift command failed');
      }
    }
    if (decision.state === undefined) this.options.checks.cancel(agentId);
    else this.options.checks.sync(decision.state);
    const dueAt = decision.state?.nextDueAt;
    if (dueAt !== undefined && needsScheduleCheck(decision.state, this.options.policy, dueAt))
      this.options.coverageChecker?.prepare?.(agentId, managementUnitId, dueAt);
    if (options.waitForCards === true) await Promise.all(cardUpdates);
  }

  /** Enqueues the outbox rows the state says were raised (idempotent); returns how many were missing. */
  async restoreRows(state: AgentDriftState): Promise<number> {
    const episode = state.episode;
    if (episode === undefined) return 0;
    const alerts: OutboxAlert[] = [];
    if (episode.nudgedAt !== undefined) alerts.push(...this.alertsOf(episode, 'nudge'));
    if (episode.supervisorAlertedAt !== undefined) alerts.push(...this.alertsOf(episode, 'supervisorAlert'));
    if (episode.reAlertedAt !== undefined) alerts.push(...this.alertsOf(episode, 'supervisorReAlert'));
    let rows = 0;
    for (const alert of alerts) {
      if ((await this.options.outbox.enqueue(alert)) === 'enqueued') rows += 1;
    }
    return rows;
  }

  /** Runs one command; a card update is queued and its completion added to `cardUpdates`. */
  private async runCommand(
    command: DriftCommand,
    managementUnitId: string,
    agentId: string,
    cardUpdates: Array<Promise<void>>,
  ): Promise<void> {
    switch (command.type) {
      case 'scheduleCheck':
        // The drift core schedules nothing but the agent's own check (`agent:<agentId>`).
        if (command.key === agentCheckKey(agentId))
          this.options.checks.arm(managementUnitId, agentId, command.dueAt);
        return;
      case 'cancelCheck':
        if (command.key === agentCheckKey(agentId)) this.options.checks.cancel(agentId);
        else this.options.scheduler.cancel(command.key);
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
      case 'updateCards':
        cardUpdates.push(this.options.cardUpdates.enqueue(command.episode, command.change));
        return;
      case 'writeHistory':
        await this.writeHistory(command.episode);
        if (command.episode.outcome !== undefined)
          this.episodeLog(command.episode).info({ outcome: command.episode.outcome }, 'drift episode ended');
        return;
    }
  }

  private async raise(episode: DriftEpisode, kind: AlertKind): Promise<void> {
    this.episodeLog(episode).info({ kind }, kind === 'nudge' ? 'nudging agent' : 'alerting supervisor');
    for (const alert of this.alertsOf(episode, kind)) await this.options.dispatcher.enqueueAndDispatch(alert);
  }

  private alertsOf(episode: DriftEpisode, kind: AlertKind): OutboxAlert[] {
    const recipients: AlertRecipient[] =
      kind === 'nudge'
        ? ['agent']
        : this.options.slackEnabled
          ? ['supervisorChannel', 'slack']
          : ['supervisorChannel'];
    const now = this.options.clock.now();
    const dueAt = alertDueInstants(episode, this.options.policy)[kind];
    return recipients.map((recipient) => newOutboxAlert(episode, kind, recipient, now, dueAt));
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

  private episodeLog(episode: DriftEpisode): Logger {
    return this.options.logger.child({ agentId: episode.agentId, episodeId: episode.id });
  }
}
