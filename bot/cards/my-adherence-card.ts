import type { DriftThresholds } from '../../src/domain/drift-policy';
import type { AdaptiveCard, CardElement } from './adaptive-card';
import { adaptiveCard, facts, formatMinutes, text, timeOf } from './adaptive-card';

/** One of the agent's episodes today. */
export interface OwnEpisode {
  readonly startedAt: number;
  readonly minutes: number;
  /** In plain words, e.g. "back on schedule", "still open". */
  readonly outcome: string;
}

/** What the agent sees about themselves. */
export interface MyAdherenceView {
  readonly agentName: string;
  /** The open drift, if any. */
  readonly current?: {
    readonly scheduledLabel: string;
    readonly actualLabel: string;
    readonly since: number;
    readonly minutes: number;
  };
  readonly today: readonly OwnEpisode[];
  readonly thresholds: DriftThresholds;
  /** The "My drift window" tab, linked from the card when known. */
  readonly windowUrl?: string;
}

/**
 * The agent's own drift window (seed guide, edge case 4: "transparency reduces the surveillance perception"):
 * the current state, today's episodes and the thresholds that apply.
 */
export function buildMyAdherenceCard(view: MyAdherenceView): AdaptiveCard {
  const body: CardElement[] = [
    text(`Your drift window, ${view.agentName.split(' ')[0]}`, { weight: 'Bolder', size: 'Medium' }),
  ];
  body.push(
    view.current
      ? text(
          `Right now your schedule shows **${view.current.scheduledLabel}** and you're in **${view.current.actualLabel}**, since ${timeOf(view.current.since)} (${formatMinutes(view.current.minutes)}).`,
        )
      : text("Right now you're on schedule."),
  );
  body.push(text('Today', { weight: 'Bolder', spacing: 'Medium' }));
  body.push(
    view.today.length === 0
      ? text('No drift today.')
      : facts(
          view.today
            .slice(0, 30)
            .map((episode) => [
              timeOf(episode.startedAt),
              `${formatMinutes(episode.minutes)} · ${episode.outcome}`,
            ]),
        ),
  );
  const minutes = (ms: number): string => formatMinutes(Math.round(ms / 60_000));
  body.push(
    text('How it works', { weight: 'Bolder', spacing: 'Medium' }),
    facts([
      ['Private check-in', `after ${minutes(view.thresholds.nudgeAfterMs)}`],
      ['Supervisor sees it', `after ${minutes(view.thresholds.supervisorAfterMs)}`],
      ['Formal exception', `after ${minutes(view.thresholds.exceptionAfterMs)}`],
    ]),
    text('The check-ins are there to help you sort things out early, not to count against you.', {
      isSubtle: true,
      size: 'Small',
    }),
  );
  if (view.windowUrl !== undefined)
    body.push({
      type: 'ActionSet',
      actions: [{ type: 'Action.OpenUrl', title: 'Open my drift window', url: view.windowUrl }],
    });
  return adaptiveCard(body);
}
