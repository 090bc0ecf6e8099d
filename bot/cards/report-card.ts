import type { DriftReport, EscalationFigures } from '../../src/analytics/drift-report';
import type { AdaptiveCard, CardElement } from './adaptive-card';
import { adaptiveCard, dateTimeOf, facts, text } from './adaptive-card';
import { describeCategory } from './episode-view';

/** Most rows per list on the report card (activities); agents are already cut to `top` by the report. */
const MAX_ROWS = 8;

/**
 * Renders a drift report (src/analytics/drift-report.ts) for the watched units: totals, how each escalation step
 * worked, the scheduled activities with the most drift and the peak hours; the agents with the most drift only with
 * `withAgents` (`report agents`: per-person figures are shown on request, never by default).
 */
export function buildReportCard(
  watching: string,
  report: DriftReport,
  options: { readonly withAgents?: boolean } = {},
): AdaptiveCard {
  const body: CardElement[] = [
    text('Drift report', { weight: 'Bolder', size: 'Medium' }),
    text(`Watching: ${watching}. From ${dateTimeOf(report.from)} to ${dateTimeOf(report.to)}.`, {
      isSubtle: true,
      size: 'Small',
    }),
  ];
  if (report.episodes === 0) {
    body.push(text('No drift recorded in this period.'));
    return adaptiveCard(body);
  }
  body.push(
    facts([
      ['Drift episodes', String(report.episodes)],
      ['Nudges', escalation(report.nudges, 'ended after the nudge')],
      ['Supervisor alerts', escalation(report.supervisorAlerts, 'ended after the alert')],
      ['Formal exceptions', String(report.formalExceptions)],
      [
        'Median minutes to resolve',
        report.medianMinutesToResolve === null ? undefined : String(report.medianMinutesToResolve),
      ],
      ['Drift minutes', String(report.driftMinutes)],
    ]),
  );
  if (options.withAgents === true && report.topAgents.length > 0) {
    body.push(
      text('Most drift episodes', { weight: 'Bolder', spacing: 'Medium' }),
      facts(report.topAgents.map((row) => [row.name, `${row.episodes} (${row.minutes} min)`])),
    );
  }
  if (report.byActivity.length > 0) {
    body.push(
      text('By scheduled activity', { weight: 'Bolder', spacing: 'Medium' }),
      facts(
        report.byActivity
          .slice(0, MAX_ROWS)
          .map((row) => [describeCategory(row.activity), `${row.episodes} (${row.minutes} min)`]),
      ),
    );
  }
  const peaks = report.peakHours.filter((row) => row.episodes > 0);
  if (peaks.length > 0) {
    body.push(
      text(`Peak hours (${report.timeZone})`, { weight: 'Bolder', spacing: 'Medium' }),
      facts(peaks.map((row) => [`${String(row.hour).padStart(2, '0')}:00`, `${row.episodes} episodes`])),
    );
  }
  body.push(
    text(
      options.withAgents === true
        ? 'Use these numbers for coaching conversations, not discipline.'
        : 'No figures per person here: mention me with "report agents" to see them. Use these numbers for coaching conversations, not discipline.',
      { isSubtle: true, size: 'Small' },
    ),
  );
  return adaptiveCard(body);
}

function escalation(figures: EscalationFigures, resolvedWords: string): string {
  const rate = figures.resolutionRate === null ? '' : ` (${Math.round(figures.resolutionRate * 100)}%)`;
  return `${figures.sent} sent, ${figures.resolvedAfter} ${resolvedWords}${rate}`;
}
