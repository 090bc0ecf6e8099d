import type { Logger } from '../platform/logger';
import { describeError } from '../platform/describe-error';

/**
 * Serializes work per agent (a keyed promise chain): observations, due checks and card actions of one agent never
 * interleave, while different agents run concurrently. It also tracks every piece of work it was given or told about,
 * so {@link idle} can wait for all of it (tests, graceful shutdown).
 */
export class AgentWorkQueue {
  private readonly chains = new Map<string, Promise<unknown>>();
  private readonly pending = new Set<Promise<unknown>>();

  constructor(private readonly logger: Logger) {}

  /**
   * Runs `work` once the agent's earlier work has settled and returns its result; a failure is logged with the agent
   * and also rejects the returned promise, but never breaks the chain for the agent's next work.
   */
  run<T>(agentId: string, work: () => Promise<T>): Promise<T> {
    const previous = this.chains.get(agentId) ?? Promise.resolve();
    const result = previous.then(work);
    const settled = result.catch((error: unknown) => {
      this.logger.child({ agentId }).error({ err: describeError(error) }, 'drift work failed');
    });
    this.chains.set(agentId, settled);
    void settled.then(() => {
      if (this.chains.get(agentId) === settled) this.chains.delete(agentId);
    });
    this.track(settled);
    return result;
  }

  /** Counts other asynchronous work (timer callbacks, delivery retries) as pending until it settles. */
  track(work: Promise<unknown>): void {
    this.pending.add(work);
    void work.finally(() => this.pending.delete(work));
  }

  /** Resolves when no work is queued, running or tracked. */
  async idle(): Promise<void> {
    while (this.pending.size > 0) await Promise.allSettled([...this.pending]);
  }
}
