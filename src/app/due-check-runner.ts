import type { DriftCommand } from '../domain/drift-commands';
import { applyAction, applyDue, needsScheduleCheck } from '../domain/drift-engine';
import type { AgentDriftState, DriftEpisode, ScheduleCoverage } from '../domain/drift-episode';
import type { DriftPolicy } from '../domain/drift-policy';
import type { DriftCommandRunner } from './drift-command-runner';
import type { Clock } from '../platform/clock';
import type { Logger } from '../platform/logger';
import type { AgentDirectory } from './ports/agent-directory';
import type { DriftStateStore } from './ports/drift-state-store';
import type { ScheduleCoverageChecker } from './ports/schedule-coverage-checker';
import { writeDecision } from './write-decision';
import { describeError } from '../platform/describe-error';

/** Ports of a {@link DueCheckRunner}. */
export interface DueCheckRunnerOptions {
  readonly clock: Clock;
  readonly stateStore: DriftStateStore;
  readonly policy: DriftPolicy;
  readonly commands: DriftCommandRunner;
  readonly logger: Logger;
  /** Asked before the first nudge of an episode; an exception counts as `unavailable`. */
  readonly coverageChecker?: ScheduleCoverageChecker;
  /** Agents it does not know are looked up before their first nudge. */
  readonly directory?: AgentDirectory;
}

/**
 * Runs an agent's due check (in the agent's queue): before a first nudge, the schedule pre-check (with the
 * policy's overtime activity codes) and the lookup of an agent the directory does not know; then what is due.
 */
export class DueCheckRunner {
  constructor(private readonly options: DueCheckRunnerOptions) {}

  async run(managementUnitId: string, agentId: string): Promise<void> {
    const key = { managementUnitId, agentId };
    const { policy, coverageChecker, clock, stateStore } = this.options;
    // The copy this instance last read or wrote, when the store keeps one: the write below is guarded by the row's
    // version all the same (a stale copy costs a re-read there), and thousands of checks due at once need no reads.
    const before = await (stateStore.current?.(key) ?? stateStore.get(key));
    if (before?.nextDueAt === undefined) return;
    let coverage: ScheduleCoverage | undefined;
    const episode = before.episode;
    if (episode !== undefined && needsScheduleCheck(before, policy, clock.now())) {
      // The first nudge is due: an agent unknown to the directory (hired or moved after start) is looked up first, so
      // the nudge finds their Teams chat by email and the cards name them.
      const lookUp = this.lookUpIfUnknown(agentId, managementUnitId);
      const checkedFrom = clock.now();
      if (coverageChecker !== undefined) coverage = await this.checkCoverage(coverageChecker, episode);
      await lookUp;
      const waitedMs = clock.now() - checkedFrom;
      if (waitedMs > 5_000)
        this.options.logger
          .child({ agentId, episodeId: episode.id })
          .warn({ waitedMs, coverage }, 'the nudge waited for its schedule pre-check');
    }
    const now = clock.now();
    const decision = await writeDecision(stateStore, key, (current) => {
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
    await this.options.commands.run(decision, managementUnitId, agentId);
  }

  private async lookUpIfUnknown(agentId: string, managementUnitId: string): Promise<void> {
    const directory = this.options.directory;
    if (directory?.lookUpAgent === undefined || directory.getAgent(agentId) !== undefined) return;
    try {
      await directory.lookUpAgent(agentId, managementUnitId);
    } catch (error) {
      this.options.logger
        .child({ agentId })
        .warn({ err: describeError(error) }, 'agent lookup failed; nudging anyway');
    }
  }

  private async checkCoverage(
    checker: ScheduleCoverageChecker,
    episode: DriftEpisode,
  ): Promise<ScheduleCoverage> {
    const { clock, policy } = this.options;
    try {
      return await checker.check(
        episode.agentId,
        episode.managementUnitId,
        clock.now(),
        policy.overtimeActivityCodeIds,
      );
    } catch (error) {
      this.options.logger
        .child({ agentId: episode.agentId, episodeId: episode.id })
        .warn({ err: describeError(error) }, 'schedule pre-check failed; alerting anyway');
      return 'unavailable';
    }
  }
}
