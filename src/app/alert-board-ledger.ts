import type { AlertPresentation } from '../domain/alert-budget';
import {
  applyRowChange,
  emptyLedger,
  placeAlert,
  withCardSentAt,
  type BoardCardLocation,
  type BoardRow,
  type ChannelAlertLedger,
  type PlacementReason,
} from '../domain/alert-board';
import type { DriftEpisode } from '../domain/drift-episode';
import { computeBackoffInMs } from '../platform/backoff';
import { applyInOrder, takeInto, type ChangeOutcome, type QueuedChange } from './alert-board-rounds';
import type { AlertBoardStore } from './ports/alert-board-store';

/** Settings and ports of an {@link AlertBoardLedger}. */
export interface AlertBoardLedgerOptions {
  readonly store: AlertBoardStore;
  /** SUPERVISOR_ALERT_BUDGET_PER_HOUR: most single cards per channel in any rolling hour. */
  readonly perHour: number;
  /** Waits between read-modify-write rounds (a real sleep in the service; tests move a manual clock). */
  readonly sleep: (delayInMs: number) => Promise<void>;
  /** Read-modify-write rounds before a commit gives up (other replicas keep changing the channel); default 12. */
  readonly maxAttempts?: number;
  /** Backoff between rounds after a conflict: ceiling doubling from `baseInMs` to `maxInMs`, full jitter; 20 ms to 1 s. */
  readonly backoff?: { readonly baseInMs: number; readonly maxInMs: number };
  /** Random source in [0, 1) for the backoff's jitter. */
  readonly random?: () => number;
}

/** How an alert reaches its channel, and the board's version after the decision. */
export interface AlertPlacementResult {
  readonly presentation: AlertPresentation;
  readonly reason: PlacementReason;
  readonly version: number;
}

/** What claiming the board card's post found. */
export type BoardPostClaim =
  | { readonly kind: 'claimed'; readonly ledger: ChannelAlertLedger }
  /** Another instance claimed it less than `claimInMs` ago. */
  | { readonly kind: 'busy'; readonly since: number }
  /** The card exists (posted meanwhile) or the board has no row: nothing to post. */
  | { readonly kind: 'notNeeded'; readonly ledger?: ChannelAlertLedger };

/** Thrown when a channel's ledger kept changing under every attempt; the caller's retry (the outbox) tries later. */
export class AlertBoardConflictError extends Error {
  constructor(channelKey: string, attempts: number) {
    super(`the alert board of ${channelKey} changed under ${attempts} attempts`);
    this.name = 'AlertBoardConflictError';
  }
}

/**
 * The supervisor alert budget and live drift boards, durable and replica-safe: every decision and row change is a
 * read-modify-write of the channel's ledger guarded by its ETag (AlertBoardStore), so the count of single cards per
 * channel in the last hour, the board's rows and where its card is survive restarts and hold when several replicas,
 * each owning some of the units a channel watches, alert into the same channel. The rules are the pure
 * src/domain/alert-board.ts; this runs them against the store.
 *
 * Within this process the changes to one channel wait in one queue and are written together: while a commit is in
 * flight, every change that arrives waits, and the next round applies all of them in order to the ledger as read and
 * commits them in one transaction. So a burst of alerts into one channel never contends with itself and costs a few
 * writes, not one (or many) per alert. Only another replica's commit can still change the ledger under a round; that
 * round is read and applied again after a jittered exponential backoff.
 */
export class AlertBoardLedger {
  private readonly maxAttempts: number;
  /** Per channel key: the changes waiting for the next round (the key is present while its queue is being worked). */
  private readonly queues = new Map<string, QueuedChange[]>();

  constructor(private readonly options: AlertBoardLedgerOptions) {
    this.maxAttempts = options.maxAttempts ?? 12;
  }

  /** The budget this ledger applies (cards per channel and rolling hour). */
  get perHour(): number {
    return this.options.perHour;
  }

  /**
   * Decides (once per alert id: a retry gets the same answer) whether the supervisor alert goes to the channel as a
   * single card or a row of its live board, and records it: a card counts against the budget; a row joins the board
   * with the episode as it is now.
   */
  place(
    channelKey: string,
    alertId: string,
    episode: DriftEpisode,
    now: number,
  ): Promise<AlertPlacementResult> {
    return this.modify(channelKey, episode.agentId, (ledger, row) => {
      const placement = placeAlert(ledger, row, alertId, episode, now, this.options.perHour);
      const result = (version: number): AlertPlacementResult => ({
        presentation: placement.presentation,
        reason: placement.reason,
        version,
      });
      if (placement.ledger === undefined) return { result: result(ledger.version) };
      return {
        write: placement.ledger,
        upsert: placement.upsert,
        remove: placement.remove,
        result: result(placement.ledger.version),
      };
    });
  }

  /**
   * Brings the agent's row on the channel's board in line with the episode (an update, or the row leaves when the
   * episode ended or no longer needs a supervisor); resolves whether the board changed.
   */
  updateRow(channelKey: string, episode: DriftEpisode): Promise<boolean> {
    return this.modify(channelKey, episode.agentId, (ledger, row) => {
      if (row === undefined) return { result: false };
      const change = applyRowChange(ledger, row, episode);
      if (change?.ledger === undefined) return { result: false };
      return { write: change.ledger, upsert: change.upsert, remove: change.remove, result: true };
    });
  }

  /** Counts a single card from when it was actually sent (it was counted from its decision until now). */
  async recordCardSent(channelKey: string, alertId: string, sentAt: number): Promise<void> {
    await this.modify(channelKey, undefined, (ledger) =>
      ledger.cards.some((card) => card.alertId === alertId && card.at < sentAt)
        ? { write: withCardSentAt(ledger, alertId, sentAt), result: undefined }
        : { result: undefined },
    );
  }

  /** The ledger and rows of the channel's board, as they are now. */
  read(channelKey: string): Promise<{ readonly ledger?: ChannelAlertLedger; readonly rows: BoardRow[] }> {
    return this.options.store.read(channelKey);
  }

  /** The ledger's current version (undefined: no ledger), to learn whether the board changed since a render. */
  async versionOf(channelKey: string): Promise<number | undefined> {
    return (await this.options.store.get(channelKey))?.version;
  }

  /**
   * Takes the right to post the channel's board card, unless the card exists, the board has no row, or another
   * instance took it less than `claimInMs` ago (a claim older than that belongs to an instance that stopped).
   */
  claimBoardPost(channelKey: string, now: number, claimInMs: number): Promise<BoardPostClaim> {
    return this.modify<BoardPostClaim>(channelKey, undefined, (ledger) => {
      if (ledger.boardCard !== undefined || ledger.rowCount === 0)
        return { result: { kind: 'notNeeded', ledger } };
      if (ledger.postingSince !== undefined && now - ledger.postingSince < claimInMs)
        return { result: { kind: 'busy', since: ledger.postingSince } };
      const claimed = { ...ledger, postingSince: now };
      return { write: claimed, result: { kind: 'claimed', ledger: claimed } };
    });
  }

  /** Records where the board card was posted and ends the claim. */
  async recordBoardPosted(channelKey: string, location: BoardCardLocation): Promise<void> {
    await this.modify(channelKey, undefined, (ledger) => ({
      write: { ...withoutPostClaim(ledger), boardCard: location },
      result: undefined,
    }));
  }

  /** Ends a claim whose post did not go out (the next delivery claims again). */
  async releaseBoardPost(channelKey: string): Promise<void> {
    await this.modify(channelKey, undefined, (ledger) =>
      ledger.postingSince === undefined
        ? { result: undefined }
        : { write: withoutPostClaim(ledger), result: undefined },
    );
  }

  /**
   * Forgets the board card `activityId` (closed because its last row left, or deleted in Teams), if the board is still
   * at `version` when closing; resolves false when the board changed meanwhile (the caller shows it again).
   */
  forgetBoardCard(channelKey: string, activityId: string, version?: number): Promise<boolean> {
    return this.modify(channelKey, undefined, (ledger) => {
      if (ledger.boardCard?.activityId !== activityId) return { result: true };
      if (version !== undefined && ledger.version !== version) return { result: false };
      const { boardCard: _closed, ...rest } = ledger;
      return { write: { ...rest, version: ledger.version + 1 }, result: true };
    });
  }

  /** Queues `change` for the channel; resolves with its result once it is committed (or needed no write). */
  private modify<T>(
    channelKey: string,
    agentId: string | undefined,
    change: (ledger: ChannelAlertLedger, row: BoardRow | undefined) => ChangeOutcome<T>,
  ): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const queued: QueuedChange = {
        agentId,
        apply: change,
        resolve: (result) => resolve(result as T),
        reject,
      };
      const queue = this.queues.get(channelKey);
      if (queue !== undefined) {
        queue.push(queued);
        return;
      }
      this.queues.set(channelKey, [queued]);
      void this.drain(channelKey);
    });
  }

  /** Works the channel's queue round by round until it is empty. */
  private async drain(channelKey: string): Promise<void> {
    const queue = this.queues.get(channelKey)!;
    while (queue.length > 0) {
      const batch: QueuedChange[] = [];
      try {
        await this.commitBatch(channelKey, queue, batch);
      } catch (error) {
        for (const change of batch) change.reject(error);
      }
    }
    this.queues.delete(channelKey);
  }

  /**
   * Reads the ledger and the rows the changes touch, applies every change in order, and commits them in one
   * transaction guarded by the ledger's ETag; after a conflict (another replica wrote) waits a backoff and does it
   * again, with the changes that arrived meanwhile. Settles every change of `batch` (taken from `queue`) on success.
   */
  private async commitBatch(channelKey: string, queue: QueuedChange[], batch: QueuedChange[]): Promise<void> {
    const { store } = this.options;
    for (let attempt = 1; attempt <= this.maxAttempts; attempt += 1) {
      takeInto(batch, queue);
      // The ledger first: a row written after this read changes the ledger's ETag too, so the commit would fail.
      const stored = await store.get(channelKey);
      const agentIds = [
        ...new Set(batch.flatMap((change) => (change.agentId === undefined ? [] : [change.agentId]))),
      ];
      const rowsRead = await store.getRows(channelKey, agentIds);
      const round = applyInOrder(stored ?? emptyLedger(channelKey), rowsRead, batch);
      if (round.write === undefined || (await store.commit(round.write, round.rows))) {
        for (const settle of round.settlements) settle();
        batch.length = 0;
        return;
      }
      if (attempt < this.maxAttempts)
        await this.options.sleep(
          computeBackoffInMs(
            attempt,
            this.options.backoff ?? { baseInMs: 20, maxInMs: 1_000 },
            this.options.random,
          ),
        );
    }
    throw new AlertBoardConflictError(channelKey, this.maxAttempts);
  }
}

function withoutPostClaim(ledger: ChannelAlertLedger): ChannelAlertLedger {
  const { postingSince: _claim, ...rest } = ledger;
  return rest;
}
