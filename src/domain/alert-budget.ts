/**
 * The supervisor alert budget: per supervisor channel, at most `perHour` individual alert cards in any rolling hour.
 * Beyond it, new alerts join the channel's one live drift board card, so a burst of drift reaches the supervisor as one
 * place to look instead of a flood of cards that gets ignored; when the rate falls, alerts go back to single cards.
 * Nothing is dropped: every alert is either a card or a row on the board. Pure: instants are passed in (epoch ms).
 *
 * The decision for a new alert at `now`, with the window `(now - 1 h, now]`:
 * 1. `perHour` cards were sent in the window: the alert joins the board (`budgetSpent`). The cap holds in every
 *    rolling hour, because a card is only sent while fewer than `perHour` are in the window ending at its instant.
 * 2. The board has rows and at least `perHour` alerts (cards and board rows) were raised in the window: the alert joins
 *    the board (`boardLive`). While the burst lasts, a card slot freed by the oldest card ageing out does not split
 *    the flood between the board and new single cards.
 * 3. Otherwise a single card (`withinBudget`): the rate has fallen below the budget, or the board is empty.
 */

/** One hour in milliseconds: the rolling window of the budget. */
export const ALERT_BUDGET_WINDOW_MS = 3_600_000;

/** How a supervisor alert reaches its channel. */
export type AlertPresentation = 'card' | 'board';

/** Why {@link decideAlertPresentation} chose what it chose. */
export type AlertBudgetReason = 'withinBudget' | 'budgetSpent' | 'boardLive';

/** The channel's recent history, as the decision needs it. */
export interface AlertBudgetHistory {
  /** When the channel's individual alert cards were sent (epoch ms, any order; instants outside the window are ignored). */
  readonly cardsSentAt: readonly number[];
  /** When every alert of the channel was raised, cards and board rows alike (epoch ms, any order); defaults to `cardsSentAt`. */
  readonly alertsRaisedAt?: readonly number[];
  /** Rows on the channel's live board now (agents alerted there and not yet back or handled); default 0. */
  readonly boardRows?: number;
}

/** The decision for one new alert. */
export interface AlertBudgetDecision {
  readonly presentation: AlertPresentation;
  readonly reason: AlertBudgetReason;
  /** Individual cards in the window before this alert. */
  readonly cardsInWindow: number;
  /** Alerts (cards and board rows) in the window before this alert. */
  readonly alertsInWindow: number;
}

/** Decides whether a new supervisor alert at `now` goes out as a single card or joins the live board; pure. */
export function decideAlertPresentation(
  history: AlertBudgetHistory,
  now: number,
  perHour: number,
): AlertBudgetDecision {
  const cardsInWindow = countInWindow(history.cardsSentAt, now);
  const alertsInWindow =
    history.alertsRaisedAt === undefined ? cardsInWindow : countInWindow(history.alertsRaisedAt, now);
  const decide = (presentation: AlertPresentation, reason: AlertBudgetReason): AlertBudgetDecision => ({
    presentation,
    reason,
    cardsInWindow,
    alertsInWindow,
  });
  if (cardsInWindow >= perHour) return decide('board', 'budgetSpent');
  if ((history.boardRows ?? 0) > 0 && alertsInWindow >= perHour) return decide('board', 'boardLive');
  return decide('card', 'withinBudget');
}

/**
 * The earliest instant at or after `now` when a single card may be sent again under the cap (an earlier card ages out
 * of the window); `now` when a card may go at once; pure.
 */
export function nextCardAllowedAt(cardsSentAt: readonly number[], now: number, perHour: number): number {
  const inWindow = cardsSentAt.filter((at) => isInWindow(at, now)).sort((a, b) => a - b);
  if (inWindow.length < perHour) return now;
  // The card that must leave the window for the count to drop below the budget.
  return inWindow[inWindow.length - perHour] + ALERT_BUDGET_WINDOW_MS;
}

/** Keeps only the instants still inside the window ending at `now`, so a caller's history stays small; pure. */
export function pruneAlertHistory(instants: readonly number[], now: number): number[] {
  return instants.filter((at) => isInWindow(at, now));
}

function countInWindow(instants: readonly number[], now: number): number {
  let count = 0;
  for (const at of instants) if (isInWindow(at, now)) count += 1;
  return count;
}

function isInWindow(at: number, now: number): boolean {
  return at > now - ALERT_BUDGET_WINDOW_MS && at <= now;
}
