import type { DriftStage } from '../../src/domain/drift-episode';
import type { AdaptiveCard, CardElement } from './adaptive-card';
import { actionSet, adaptiveCard, executeAction, MAX_CARD_BYTES, text, timeOf } from './adaptive-card';
import { CARD_VERBS, describeReplyReason, SNOOZE_MINUTES } from './card-actions';
import type { EpisodeView } from './episode-view';
import { driftMinutes } from './episode-view';
import { escapeMarkdown } from './markdown';
import { describeSupervisorState } from './supervisor-alert-card';

/** `data.view` of the board's buttons: a click answers with the board (not a single card) for the one who clicked. */
const BOARD_ACTION_VIEW = 'board';

/** Most rows a board card shows; the rest are counted and the supervisor board tab lists every one. */
export const MAX_BOARD_ROWS_SHOWN = 20;

/** What the board card says besides its rows. */
export interface DriftBoardCardOptions {
  /** SUPERVISOR_ALERT_BUDGET_PER_HOUR, which the card explains. */
  readonly perHour: number;
  /** The render instant (epoch ms). */
  readonly now: number;
  /** The supervisor board tab (`/tabs/board`), linked when rows are left off. */
  readonly boardUrl?: string;
  /** Most rows shown; default {@link MAX_BOARD_ROWS_SHOWN}. */
  readonly maxRows?: number;
}

const STAGE_WORDS: Readonly<Record<DriftStage, string>> = {
  drifting: 'Drifting',
  nudged: 'Nudged',
  supervisorAlerted: 'Supervisor alert',
  formalException: 'Formal exception',
};

/** True when a card action came from a board row (its data carries {@link BOARD_ACTION_VIEW}). */
export function isBoardAction(data: unknown): boolean {
  return typeof data === 'object' && data !== null && (data as { view?: unknown }).view === BOARD_ACTION_VIEW;
}

/**
 * Orders board rows for a supervisor: those nobody handled yet first, longest drift first; then snoozed; then
 * acknowledged. Pure.
 */
function orderBoardRows(views: readonly EpisodeView[]): EpisodeView[] {
  const rank = (view: EpisodeView): number =>
    view.episode.acknowledged !== undefined ? 2 : view.episode.snoozed !== undefined ? 1 : 0;
  return [...views].sort(
    (a, b) =>
      rank(a) - rank(b) ||
      a.episode.driftStartedAt - b.episode.driftStartedAt ||
      a.agentName.localeCompare(b.agentName),
  );
}

/**
 * The channel's live drift board: one row per agent alerted here beyond the alert budget (name, unit, scheduled vs
 * actual, minutes, stage, the agent's reply, who handled it) with Acknowledge and Snooze per row. At most `maxRows`
 * rows are shown, fewer if the card would reach 80 KB; the rest are counted, with a link to the board tab.
 */
export function buildDriftBoardCard(
  views: readonly EpisodeView[],
  options: DriftBoardCardOptions,
): AdaptiveCard {
  const ordered = orderBoardRows(views);
  let shown = Math.min(ordered.length, options.maxRows ?? MAX_BOARD_ROWS_SHOWN);
  for (;;) {
    const card = boardCard(ordered, shown, options);
    // Stay well under the limit: Teams wraps the card in an activity of its own.
    if (shown <= 1 || cardBytes(card) <= MAX_CARD_BYTES - 4 * 1024) return card;
    shown -= Math.max(1, Math.floor(shown / 5));
  }
}

/** The board card once its last row has left: all clear, and alerts go back to single cards. */
export function buildClosedDriftBoardCard(
  options: Pick<DriftBoardCardOptions, 'perHour' | 'now'>,
): AdaptiveCard {
  return adaptiveCard([
    text('Live drift board: all clear', { weight: 'Bolder', size: 'Medium', color: 'Good' }),
    text(
      `Every agent on this board is back on schedule or was handled. New alerts come as single cards again while there are fewer than ${options.perHour} an hour.`,
    ),
    text(`Updated ${timeOf(options.now)}`, { isSubtle: true, size: 'Small' }),
  ]);
}

function boardCard(
  ordered: readonly EpisodeView[],
  shown: number,
  options: DriftBoardCardOptions,
): AdaptiveCard {
  const count = ordered.length;
  const body: CardElement[] = [
    text(`Live drift board: ${count} ${count === 1 ? 'agent' : 'agents'} drifting`, {
      weight: 'Bolder',
      size: 'Medium',
      color: 'Warning',
    }),
    text(
      `More than ${options.perHour} alerts an hour came to this channel, so new ones are collected here instead of separate cards. Rows leave as agents get back on schedule or are handled.`,
      { isSubtle: true, size: 'Small' },
    ),
    text(`Updated ${timeOf(options.now)}`, { isSubtle: true, size: 'Small', spacing: 'None' }),
  ];
  for (const view of ordered.slice(0, shown)) body.push(boardRow(view));
  const hidden = count - shown;
  if (hidden > 0)
    body.push(
      text(
        `…and ${hidden} more ${hidden === 1 ? 'agent' : 'agents'}${options.boardUrl ? ': the drift board lists everyone.' : '.'}`,
        { weight: 'Bolder', separator: true },
      ),
    );
  const links =
    hidden > 0 && options.boardUrl
      ? [{ type: 'Action.OpenUrl', title: 'Open the drift board', url: options.boardUrl }]
      : [];
  return adaptiveCard(body, links);
}

function boardRow(view: EpisodeView): CardElement {
  const { episode } = view;
  const reply = episode.agentReply;
  const items: CardElement[] = [
    text(`${view.agentName}${episode.reAlertedAt !== undefined ? ' · reminder' : ''}`, { weight: 'Bolder' }),
    text(`${view.unitName}${view.teamName ? ` · ${view.teamName}` : ''}`, {
      isSubtle: true,
      size: 'Small',
      spacing: 'None',
    }),
    text(
      `${STAGE_WORDS[episode.stage]} · ${driftMinutes(view)} min since ${timeOf(episode.driftStartedAt)} · scheduled ${view.scheduledLabel}, actual ${view.actualLabel}`,
      { size: 'Small', spacing: 'Small' },
    ),
  ];
  if (reply)
    // The agent's own words are escaped: they must not format, link or run card functions on the supervisor's card.
    items.push(
      text(
        `Agent says: ${describeReplyReason(reply.reason)}${reply.text ? `: ${escapeMarkdown(reply.text)}` : ''}`,
        { size: 'Small', spacing: 'None' },
      ),
    );
  for (const line of describeSupervisorState(episode, view))
    items.push(text(line, { size: 'Small', spacing: 'None', isSubtle: true }));
  const data = { episodeId: episode.id, view: BOARD_ACTION_VIEW };
  const buttons: CardElement[] = [];
  if (!episode.acknowledged)
    buttons.push(executeAction('Acknowledge', CARD_VERBS.acknowledge, data, 'positive'));
  buttons.push({
    type: 'Action.ShowCard',
    title: 'Snooze',
    card: {
      type: 'AdaptiveCard',
      body: [],
      // One button per length: board rows carry no inputs, so ids never repeat across rows.
      actions: SNOOZE_MINUTES.map((minutes) =>
        executeAction(`${minutes} minutes`, CARD_VERBS.snooze, { ...data, snoozeMinutes: String(minutes) }),
      ),
    },
  });
  items.push(actionSet(buttons));
  return { type: 'Container', separator: true, spacing: 'Medium', items };
}

function cardBytes(card: AdaptiveCard): number {
  return Buffer.byteLength(JSON.stringify(card), 'utf8');
}
