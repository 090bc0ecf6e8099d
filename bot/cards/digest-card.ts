import type { EscalationFigures } from '../../src/analytics/drift-report';
import type { WeeklyDigest } from '../../src/analytics/weekly-digest';
import type { AdaptiveCard, CardElement } from './adaptive-card';
import { adaptiveCard, facts, text } from './adaptive-card';
import { describeCategory } from './episode-view';
import { escapeMarkdown } from './markdown';

/** What the weekly digest card shows besides the digest itself. */
export interface DigestCardOptions {
  /** What the channel watches, e.g. "all units" or "unit North, team Blue" (escaped here). */
  readonly watching: string;
  /** A line under the title, e.g. when the digest comes. */
  readonly note?: string;
  /** Link to the supervisor board (its default week is the digest's). */
  readonly boardUrl?: string;
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/**
 * The weekly drift digest of a channel: last week against the week before (episodes, nudges and how many ended the
 * drift before a supervisor was needed, supervisor alerts and how many ended it before the formal exception, formal
 * exceptions, each with its change in percent), then the activities and hours where drift started most. It names no
 * agent: per-agent figures are only shown on request (`report agents`).
 */
export function buildDigestCard(digest: WeeklyDigest, options: DigestCardOptions): AdaptiveCard {
  const { figures: now, figuresBefore: before, changePercent: change } = digest;
  const body: CardElement[] = [
    text('Weekly drift digest', { weight: 'Bolder', size: 'Medium' }),
    text(
      `Watching: ${escapeMarkdown(options.watching)}. Last week (${weekLabel(digest.week.weekStart)}) against the week before (${weekLabel(digest.weekBefore.weekStart)}), ${digest.timeZone} time.`,
      { isSubtle: true, size: 'Small' },
    ),
  ];
  if (options.note) body.push(text(options.note, { isSubtle: true, size: 'Small', spacing: 'None' }));
  if (now.episodes === 0 && before.episodes === 0) {
    body.push(text('No drift was recorded in either week.'));
    return finish(body, options);
  }
  body.push(
    row(['', 'Last week', 'Week before', 'Change'], { isHeader: true }),
    row(['Drift episodes', String(now.episodes), String(before.episodes), changeText(change.episodes)], {
      changeColor: colorOf(change.episodes),
    }),
    row(['Nudges sent', String(now.nudges.sent), String(before.nudges.sent), changeText(change.nudges)]),
    row(['Resolved before a supervisor was needed', resolved(now.nudges), resolved(before.nudges), ''], {
      isDetail: true,
    }),
    row([
      'Supervisor alerts',
      String(now.supervisorAlerts.sent),
      String(before.supervisorAlerts.sent),
      changeText(change.supervisorAlerts),
    ]),
    row(
      [
        'Resolved before the formal exception',
        resolved(now.supervisorAlerts),
        resolved(before.supervisorAlerts),
        '',
      ],
      { isDetail: true },
    ),
    row(
      [
        'Formal exceptions',
        String(now.formalExceptions),
        String(before.formalExceptions),
        changeText(change.formalExceptions),
      ],
      { isBold: true, changeColor: colorOf(change.formalExceptions) },
    ),
  );
  if (digest.topActivities.length > 0) {
    body.push(
      text('Where drift happened last week', { weight: 'Bolder', spacing: 'Medium' }),
      facts(
        digest.topActivities.map((row) => [
          describeCategory(row.activity),
          `${plural(row.episodes, 'episode')}, ${row.minutes} min`,
        ]),
      ),
    );
  }
  if (digest.peakHours.length > 0) {
    body.push(
      text(`When it started most (${digest.timeZone})`, { weight: 'Bolder', spacing: 'Medium' }),
      facts(
        digest.peakHours.map((row) => [
          `${hourText(row.hour)}–${hourText((row.hour + 1) % 24)}`,
          plural(row.episodes, 'episode'),
        ]),
      ),
    );
  }
  return finish(body, options);
}

function finish(body: CardElement[], options: DigestCardOptions): AdaptiveCard {
  body.push(
    text(
      'No figures per person here: mention me with "report agents" in this channel to see them. Use these numbers for coaching conversations, not discipline.',
      { isSubtle: true, size: 'Small', spacing: 'Medium' },
    ),
  );
  const actions =
    options.boardUrl === undefined
      ? undefined
      : [{ type: 'Action.OpenUrl', title: 'Open the drift board', url: options.boardUrl }];
  return adaptiveCard(body, actions);
}

/** One line of the comparison: a label and three values in columns. */
function row(
  cells: readonly [string, string, string, string],
  options: {
    readonly isHeader?: boolean;
    readonly isDetail?: boolean;
    readonly isBold?: boolean;
    readonly changeColor?: string;
  } = {},
): CardElement {
  const style = {
    ...(options.isHeader || options.isDetail ? { isSubtle: true, size: 'Small' } : {}),
    ...(options.isHeader || options.isBold ? { weight: 'Bolder' } : {}),
  };
  const [label, ...values] = cells;
  return {
    type: 'ColumnSet',
    spacing: options.isHeader ? 'Medium' : 'Small',
    columns: [
      { type: 'Column', width: 3, items: [text(label, style)] },
      ...values.map((value, index) => ({
        type: 'Column',
        width: 1,
        items: [
          text(value, {
            ...style,
            horizontalAlignment: 'Right',
            ...(index === 2 && options.changeColor ? { color: options.changeColor } : {}),
          }),
        ],
      })),
    ],
  };
}

/** "+25%", "−40%", "0%"; "–" when the week before had none (no percentage of nothing). */
function changeText(percent: number | null): string {
  if (percent === null) return '–';
  if (percent > 0) return `+${percent}%`;
  return percent < 0 ? `−${-percent}%` : '0%';
}

/** Fewer episodes and formal exceptions are good news. */
function colorOf(percent: number | null): string | undefined {
  if (percent === null || percent === 0) return undefined;
  return percent < 0 ? 'Good' : 'Attention';
}

function resolved(figures: EscalationFigures): string {
  if (figures.resolutionRate === null) return '–';
  return `${figures.resolvedAfter} (${Math.round(figures.resolutionRate * 100)}%)`;
}

/** A week, Monday to Sunday, as people write it: "17–23 Aug 2026", "31 Aug–6 Sep 2026", "28 Dec 2026–3 Jan 2027". */
function weekLabel(monday: string): string {
  const first = new Date(`${monday}T00:00:00Z`);
  const last = new Date(first.getTime() + 6 * 86_400_000);
  const day = (date: Date): string => String(date.getUTCDate());
  const month = (date: Date): string => MONTHS[date.getUTCMonth()];
  const year = (date: Date): string => String(date.getUTCFullYear());
  const end = `${day(last)} ${month(last)} ${year(last)}`;
  if (year(first) !== year(last)) return `${day(first)} ${month(first)} ${year(first)}–${end}`;
  if (month(first) !== month(last)) return `${day(first)} ${month(first)}–${end}`;
  return `${day(first)}–${end}`;
}

function hourText(hour: number): string {
  return `${String(hour).padStart(2, '0')}:00`;
}

function plural(count: number, word: string): string {
  return `${count} ${word}${count === 1 ? '' : 's'}`;
}
