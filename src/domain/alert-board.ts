/**
 * The durable side of the supervisor alert budget, pure: per supervisor channel, a ledger of the single cards it got in
 * the last hour and the recent alerts, and one row per agent on its live drift board. The decision itself is
 * {@link decideAlertPresentation} (./alert-budget.ts); this module records it so that it holds across restarts and
 * replicas, and is the same when a delivery is retried (decided once per outbox alert id).
 */
import {
  ALERT_BUDGET_WINDOW_MS,
  decideAlertPresentation,
  type AlertBudgetReason,
  type AlertPresentation,
} from './alert-budget';
import type { DriftEpisode } from './drift-episode';

/** A single card counted against the budget: the outbox alert it carries and when it was decided, then sent (epoch ms). */
export interface BudgetedCard {
  readonly alertId: string;
  readonly at: number;
}

/** Where a channel's live board card is (the thread Teams answered the post with) and when it was posted. */
export interface BoardCardLocation {
  readonly conversationId: string;
  readonly activityId: string;
  readonly postedAt: number;
}

/** One supervisor channel's budget ledger and the state of its live drift board card. */
export interface ChannelAlertLedger {
  /** The channel's ConversationStore key (`channel:<id>`). */
  readonly channelKey: string;
  /** Counts changes of the board's rows: a board card rendered from version v is current while the ledger is at v. */
  readonly version: number;
  /** Single cards of the last hour (pruned as they age out). */
  readonly cards: readonly BudgetedCard[];
  /** The newest instants (at most the budget) at which an alert of the channel was decided, cards and board rows alike. */
  readonly recentAlertsAt: readonly number[];
  /** Rows on the board now. */
  readonly rowCount: number;
  /** The live board card, once posted. */
  readonly boardCard?: BoardCardLocation;
  /** Set while an instance posts the board card (epoch ms), so two replicas never post two boards. */
  readonly postingSince?: number;
  /** Row version from the store (ETag). */
  readonly etag?: string;
}

/** One agent on a channel's live board, with their episode as last known. */
export interface BoardRow {
  readonly agentId: string;
  readonly managementUnitId: string;
  readonly episode: DriftEpisode;
  readonly joinedAt: number;
  /** The outbox alerts (first alert, re-alerts) that joined the board through this row. */
  readonly alertIds: readonly string[];
}

/** Why an alert went where it went: the budget's reason, `onBoard` (the agent's episode is on the board already), or `decided` (a retry of a decided alert). */
export type PlacementReason = AlertBudgetReason | 'onBoard' | 'decided';

/** The decision for one alert and what to write: the next ledger and row changes (none when nothing changes). */
export interface AlertPlacement {
  readonly presentation: AlertPresentation;
  readonly reason: PlacementReason;
  readonly ledger?: ChannelAlertLedger;
  readonly upsert?: BoardRow;
  /** Agent id whose row leaves the board. */
  readonly remove?: string;
}

/** What an episode change does to the agent's row on a board. */
export type RowChange =
  | { readonly kind: 'none' }
  | { readonly kind: 'update'; readonly row: BoardRow }
  | { readonly kind: 'remove' };

/** The ledger of a channel that never had an alert; pure. */
export function emptyLedger(channelKey: string): ChannelAlertLedger {
  return { channelKey, version: 0, cards: [], recentAlertsAt: [], rowCount: 0 };
}

/**
 * Whether an episode keeps its row on a board: while it is open and still wants a supervisor's attention (snoozed and
 * held rows stay; ended, approved overtime and other suppressed episodes leave); pure.
 */
export function isBoardRowLive(episode: DriftEpisode): boolean {
  if (episode.endedAt !== undefined) return false;
  return (
    episode.suppression === undefined ||
    episode.suppression === 'snoozed' ||
    episode.suppression === 'dampened'
  );
}

/**
 * Decides how the supervisor alert `alertId` of `episode` reaches the channel at `now`, given the channel's ledger
 * ({@link emptyLedger} for a new channel) and the agent's row on its board (if any), and returns what to write; pure. The same alert id is decided once: a
 * retry finds its card or its row. An agent whose episode is on the board already stays there (a re-alert after a
 * snooze marks the row); otherwise {@link decideAlertPresentation} decides, counting this alert. An episode that no
 * longer needs a supervisor (it ended meanwhile) never joins the board.
 */
export function placeAlert(
  ledger: ChannelAlertLedger,
  row: BoardRow | undefined,
  alertId: string,
  episode: DriftEpisode,
  now: number,
  perHour: number,
): AlertPlacement {
  const ownRow = row !== undefined && row.episode.id === episode.id ? row : undefined;
  const isLive = isBoardRowLive(episode);
  if (ledger.cards.some((card) => card.alertId === alertId))
    return { presentation: 'card', reason: 'decided' };
  if (ownRow?.alertIds.includes(alertId)) {
    const change = rowAfter(ownRow, episode);
    if (change.kind === 'none') return { presentation: 'board', reason: 'decided' };
    return {
      presentation: 'board',
      reason: 'decided',
      ...rowWrite(ledger, change, episode.agentId),
    };
  }
  // Instants after `now` count too: another instance decided (or sent) them after this alert's `now` was taken.
  const cards = ledger.cards.filter((card) => isRecent(card.at, now));
  const recent = ledger.recentAlertsAt.filter((at) => isRecent(at, now));
  // A row of an older episode of this agent should have left with it; it goes now, whatever is decided.
  const staleRow = row !== undefined && ownRow === undefined;
  const rowsBefore = ledger.rowCount - (staleRow ? 1 : 0);
  const decided =
    ownRow !== undefined
      ? { presentation: 'board' as const, reason: 'onBoard' as const }
      : decideAlertPresentation(
          {
            cardsSentAt: cards.map((card) => Math.min(card.at, now)),
            alertsRaisedAt: recent.map((at) => Math.min(at, now)),
            boardRows: rowsBefore,
          },
          now,
          perHour,
        );
  const recentAlertsAt = [...recent, now].sort((a, b) => a - b).slice(-Math.max(1, perHour));
  if (decided.presentation === 'card') {
    return {
      presentation: 'card',
      reason: decided.reason,
      ledger: {
        ...ledger,
        version: ledger.version + (staleRow ? 1 : 0),
        cards: [...cards, { alertId, at: now }],
        recentAlertsAt,
        rowCount: rowsBefore,
      },
      ...(staleRow ? { remove: episode.agentId } : {}),
    };
  }
  const joinsBoard = isLive;
  const next: ChannelAlertLedger = {
    ...ledger,
    version: ledger.version + (joinsBoard || staleRow || ownRow !== undefined ? 1 : 0),
    cards,
    recentAlertsAt,
    rowCount: rowsBefore + (ownRow !== undefined ? -1 : 0) + (joinsBoard ? 1 : 0),
  };
  if (!joinsBoard)
    return {
      presentation: 'board',
      reason: decided.reason,
      ledger: next,
      ...(row !== undefined ? { remove: episode.agentId } : {}),
    };
  return {
    presentation: 'board',
    reason: decided.reason,
    ledger: next,
    upsert: {
      agentId: episode.agentId,
      managementUnitId: episode.managementUnitId,
      episode,
      joinedAt: ownRow?.joinedAt ?? now,
      alertIds: [...(ownRow?.alertIds ?? []), alertId],
    },
  };
}

/**
 * What `episode` does to the agent's row on a board: nothing (another episode's row, or nothing new), an update, or
 * the row leaves (the episode ended or no longer needs a supervisor); pure.
 */
export function rowAfter(row: BoardRow, episode: DriftEpisode): RowChange {
  if (row.episode.id !== episode.id) return { kind: 'none' };
  if (!isBoardRowLive(episode)) return { kind: 'remove' };
  if (isSameValue(row.episode, episode)) return { kind: 'none' };
  return { kind: 'update', row: { ...row, episode } };
}

/** The ledger after an episode change of an agent on its board, with the row write; undefined when nothing changes; pure. */
export function applyRowChange(
  ledger: ChannelAlertLedger,
  row: BoardRow,
  episode: DriftEpisode,
): Pick<AlertPlacement, 'ledger' | 'upsert' | 'remove'> | undefined {
  const change = rowAfter(row, episode);
  return change.kind === 'none' ? undefined : rowWrite(ledger, change, row.agentId);
}

/** The ledger with a single card's instant moved to when it was actually sent (the window counts sends); pure. */
export function withCardSentAt(
  ledger: ChannelAlertLedger,
  alertId: string,
  sentAt: number,
): ChannelAlertLedger {
  return {
    ...ledger,
    cards: ledger.cards.map((card) =>
      card.alertId === alertId && card.at < sentAt ? { alertId, at: sentAt } : card,
    ),
  };
}

function rowWrite(
  ledger: ChannelAlertLedger,
  change: Exclude<RowChange, { kind: 'none' }>,
  agentId: string,
): Pick<AlertPlacement, 'ledger' | 'upsert' | 'remove'> {
  if (change.kind === 'remove')
    return {
      ledger: { ...ledger, version: ledger.version + 1, rowCount: Math.max(0, ledger.rowCount - 1) },
      remove: agentId,
    };
  return { ledger: { ...ledger, version: ledger.version + 1 }, upsert: change.row };
}

/** Not yet out of the rolling hour that ends at `now` (later instants included). */
function isRecent(at: number, now: number): boolean {
  return at > now - ALERT_BUDGET_WINDOW_MS;
}

/** Structural equality of JSON-like values (key order ignored), so a stored episode equals the same episode read back. */
function isSameValue(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const aKeys = Object.keys(a).filter((key) => (a as Record<string, unknown>)[key] !== undefined);
  const bKeys = Object.keys(b).filter((key) => (b as Record<string, unknown>)[key] !== undefined);
  if (aKeys.length !== bKeys.length) return false;
  return aKeys.every((key) =>
    isSameValue((a as Record<string, unknown>)[key], (b as Record<string, unknown>)[key]),
  );
}
