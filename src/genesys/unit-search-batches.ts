import type { Clock } from '../platform/clock';
import { RateLimiter } from '../platform/rate-limiter';

/** Agents of one unit waiting for the next search of their unit, and what it will find for each. */
interface SearchBatch<T> {
  readonly agentIds: Set<string>;
  readonly found: Promise<ReadonlyMap<string, T> | undefined>;
  /** Someone waits for this batch (a nudge is due): it goes out without waiting for the pace. */
  isUrgent: boolean;
  /** Called when the batch became urgent while waiting for its paced turn. */
  hurry?: () => void;
}

/**
 * Searches that fetch schedules ahead of need start at least this far apart: at most 120 a minute, under half of the
 * 300 requests a minute Genesys allows a token (https://developer.genesys.cloud/platform/api/rate-limits), so the
 * restores, lookups and searches a nudge waits for always find room.
 */
const AHEAD_SEARCH_SPACING_MS = 500;

/**
 * Turns at least `spacingInMs` apart (a {@link RateLimiter} of one take per spacing): each call resolves at the next free
 * turn, or without taking one as soon as `isCancelled()` says so (checked whenever it wakes), so a waiter that went
 * another way holds no turn back from the others.
 */
export function spacedTurns(
  clock: Clock,
  sleep: (delayInMs: number) => Promise<void>,
  spacingInMs = AHEAD_SEARCH_SPACING_MS,
): (isCancelled: () => boolean) => Promise<void> {
  const turns = new RateLimiter({ clock, windows: [{ limit: 1, windowMs: spacingInMs }] });
  return async (isCancelled) => {
    while (!isCancelled()) {
      const waitMs = turns.tryTake();
      if (waitMs === 0) return;
      await sleep(waitMs);
    }
  };
}

/** Most agents one search asks for (the unit adherence reads take 100 user ids a request too). */
const MAX_AGENTS_PER_SEARCH = 100;

/** Options of {@link UnitSearchBatches}. */
export interface UnitSearchBatchesOptions {
  /**
   * Resolves when a search that nobody waits for yet (a schedule fetched ahead of a nudge) may start: spaces them so
   * they take a bounded share of the token's Genesys rate limit. Default: at once.
   */
  readonly pace?: (isCancelled: () => boolean) => Promise<void>;
}

/**
 * Group commit of per-agent searches by unit: a search goes out at once when the unit has none in flight; agents asked
 * for meanwhile wait for it and then go together in the next (up to 100 per search), so a burst of first nudges costs a
 * few searches per unit instead of one per agent and stays within the Genesys rate limit. Searches asked for ahead of
 * need (`isUrgent` false) also wait for their paced turn, gathering more agents meanwhile; an urgent agent joining such
 * a batch sends it at once.
 */
export class UnitSearchBatches<T> {
  /** Per unit: the batch still taking agents (it goes out when the unit's search in flight is done). */
  private readonly nextBatch = new Map<string, SearchBatch<T>>();
  /** Per unit: the batches not gone out yet (full ones wait behind the unit's search in flight too), oldest first. */
  private readonly notSent = new Map<string, Array<SearchBatch<T>>>();
  /** Per unit: the search in flight (settled), so one unit has one search at a time. */
  private readonly inFlight = new Map<string, Promise<unknown>>();

  constructor(private readonly options: UnitSearchBatchesOptions = {}) {}

  /** What `search` (called with the batch's agent ids) finds for the agent; rejects when that search fails. */
  find(
    managementUnitId: string,
    agentId: string,
    search: (agentIds: readonly string[]) => Promise<ReadonlyMap<string, T> | undefined>,
    isUrgent = true,
  ): Promise<T | undefined> {
    // Someone waits: every batch of the unit not gone yet goes as soon as the unit's search before it is done.
    if (isUrgent) for (const waiting of this.notSent.get(managementUnitId) ?? []) this.hurry(waiting);
    let batch = this.nextBatch.get(managementUnitId);
    if (batch === undefined || batch.agentIds.size >= MAX_AGENTS_PER_SEARCH) {
      const agentIds = new Set<string>();
      const before = this.inFlight.get(managementUnitId) ?? Promise.resolve();
      const next: SearchBatch<T> = {
        agentIds,
        isUrgent,
        found: before
          .then(() => this.turnOf(next))
          .then(() => {
            if (this.nextBatch.get(managementUnitId) === next) this.nextBatch.delete(managementUnitId);
            this.dropNotSent(managementUnitId, next);
            return search([...agentIds]);
          }),
      };
      batch = next;
      this.nextBatch.set(managementUnitId, batch);
      this.notSent.set(managementUnitId, [...(this.notSent.get(managementUnitId) ?? []), batch]);
      const settled = batch.found.then(
        () => undefined,
        () => undefined,
      );
      this.inFlight.set(managementUnitId, settled);
      void settled.then(() => {
        if (this.inFlight.get(managementUnitId) === settled) this.inFlight.delete(managementUnitId);
      });
    }
    batch.agentIds.add(agentId);
    return batch.found.then((results) => results?.get(agentId));
  }

  /** Resolves when the batch may go: at once when urgent, else at its paced turn or when it becomes urgent. */
  private turnOf(batch: SearchBatch<T>): Promise<void> {
    const pace = this.options.pace;
    if (batch.isUrgent || pace === undefined) return Promise.resolve();
    return new Promise<void>((resolve) => {
      batch.hurry = resolve;
      void pace(() => batch.isUrgent).then(resolve, resolve);
    });
  }

  private hurry(batch: SearchBatch<T>): void {
    if (batch.isUrgent) return;
    batch.isUrgent = true;
    batch.hurry?.();
  }

  private dropNotSent(managementUnitId: string, batch: SearchBatch<T>): void {
    const rest = (this.notSent.get(managementUnitId) ?? []).filter((other) => other !== batch);
    if (rest.length === 0) this.notSent.delete(managementUnitId);
    else this.notSent.set(managementUnitId, rest);
  }
}
