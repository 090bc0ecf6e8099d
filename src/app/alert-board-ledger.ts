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
import type { AlertBoardStore } from './ports/alert-board-store';

/** Settings and ports of an {@link AlertBoardLedger}. */
export interface AlertBoardLedgerOptions {
  readonly store: AlertBoardStore;
  /** SUPERVISOR_ALERT_BUDGET_PER_HOUR: most single cards per channel in any rolling hour. */
  readonly perHour: number;
  /** Read-modify-write rounds before a commit gives up (other replicas keep changing the channel); default 50. */
  readonly maxAttempts?: number;
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
 */
export class AlertBoardLedger {
  private readonly maxAttempts: number;

  constructor(private readonly options: AlertBoardLedgerOptions) {
    this.maxAttempts = options.maxAttempts ?? 50;
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
      if (row === undefined || ledger.etag === undefined) return { result: false };
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
      if (ledger.boardCard !== undefined || ledger.rowCount === 0 || ledger.etag === undefined)
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

  /** Reads the ledger (and the agent's row), applies `change`, commits guarded by the ETag; on a conflict again. */
  private async modify<T>(
    channelKey: string,
    agentId: string | undefined,
    change: (
      ledger: ChannelAlertLedger,
      row: BoardRow | undefined,
    ) => {
      readonly write?: ChannelAlertLedger;
      readonly upsert?: BoardRow;
      readonly remove?: string;
      readonly result: T;
    },
  ): Promise<T> {
    const { store } = this.options;
    for (let attempt = 0; attempt < this.maxAttempts; attempt += 1) {
      // The ledger first: a row written after this read changes the ledger's ETag too, so the commit would fail.
      const ledger = await store.get(channelKey);
      const row = agentId === undefined ? undefined : await store.getRow(channelKey, agentId);
      const outcome = change(ledger ?? emptyLedger(channelKey), row);
      if (outcome.write === undefined) return outcome.result;
      const committed = await store.commit(outcome.write, {
        ...(outcome.upsert === undefined ? {} : { upsert: [outcome.upsert] }),
        ...(outcome.remove === undefined ? {} : { remove: [outcome.remove] }),
      });
      if (committed) return outcome.result;
    }
    throw new AlertBoardConflictError(channelKey, this.maxAttempts);
  }
}

function withoutPostClaim(ledger: ChannelAlertLedger): ChannelAlertLedger {
  const { postingSince: _claim, ...rest } = ledger;
  return rest;
}
