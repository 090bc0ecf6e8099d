import type { DriftEpisode, SuppressionReason } from '../../src/domain/drift-episode';
import type { AdaptiveCard, CardElement } from './adaptive-card';
import { actionSet, adaptiveCard, executeAction, facts, formatMinutes, text, timeOf } from './adaptive-card';
import { CARD_INPUTS, CARD_VERBS, describeReplyReason, SNOOZE_MINUTES } from './card-actions';
import type { EpisodeView } from './episode-view';
import { driftMinutes } from './episode-view';
import { escapeMarkdown } from './markdown';

/** What the supervisor card says besides the episode itself. */
export interface SupervisorAlertExtras {
  /** Why the agent's nudge could not be delivered, when it could not. */
  readonly nudgeUndeliverableReason?: string;
  /** Link to Genesys Cloud WFM (an Action.OpenUrl). */
  readonly wfmUrl?: string;
  /** This is the reminder sent after a snooze ran out. */
  readonly isReAlert?: boolean;
}

const SUPPRESSION_WORDS: Readonly<Record<SuppressionReason, string>> = {
  excludedActivity: 'the scheduled activity is excluded from alerts',
  approvedOvertime: 'overtime was approved',
  overtimeActivity: 'the schedule shows overtime',
  approvedExplanation: 'Genesys has an approved explanation',
  timeOff: 'the schedule shows time off',
  snoozed: 'snoozed',
  dampened: 'a mass schedule change is settling',
  positiveImpact: 'the agent is taking calls during scheduled non-queue time (positive impact)',
  outOfOffice: 'Genesys shows the agent out of office',
};

/** Genesys's `impact` of the drift, as a supervisor reads it. */
const IMPACT_WORDS: Readonly<Record<string, string>> = {
  Positive: 'Positive (working more than scheduled)',
  Negative: 'Negative',
  Neutral: 'Neutral',
};

/** The state line(s) of an episode as a supervisor reads them; pure. */
export function describeSupervisorState(episode: DriftEpisode, view: EpisodeView): string[] {
  const lines: string[] = [];
  if (episode.endedAt !== undefined) {
    if (episode.outcome === 'becameFormalException')
      lines.push(
        `Became a formal adherence exception at ${timeOf(episode.formalExceptionAt ?? episode.endedAt)}.`,
      );
    else if (episode.outcome === 'removedFromUnit')
      lines.push('The agent left the management unit; this alert is closed.');
    else if (episode.outcome === 'suppressed')
      lines.push(
        `Closed without an alert being needed${episode.suppression ? ` (${SUPPRESSION_WORDS[episode.suppression]})` : ''}.`,
      );
    else lines.push(`Back in adherence after ${formatMinutes(driftMinutes(view))}.`);
  } else if (episode.formalExceptionAt !== undefined) {
    lines.push(`Became a formal adherence exception at ${timeOf(episode.formalExceptionAt)}.`);
  }
  if (episode.approvedOvertime)
    lines.push(
      `Approved overtime by ${nameOf(episode.approvedOvertime.by)} at ${timeOf(episode.approvedOvertime.at)}.`,
    );
  if (episode.snoozed && episode.endedAt === undefined)
    lines.push(`Snoozed by ${nameOf(episode.snoozed.by)} until ${timeOf(episode.snoozed.until)}.`);
  if (episode.acknowledged)
    lines.push(`Acknowledged by ${nameOf(episode.acknowledged.by)} at ${timeOf(episode.acknowledged.at)}.`);
  if (
    episode.endedAt === undefined &&
    episode.suppression &&
    episode.suppression !== 'approvedOvertime' &&
    episode.suppression !== 'snoozed'
  ) {
    lines.push(`Alerts held: ${SUPPRESSION_WORDS[episode.suppression]}.`);
  }
  return lines;
}

/**
 * The supervisor channel's alert card: who, where, scheduled vs actual, since when and for how long, the agent's
 * reply, whether the schedule pre-check or the nudge failed, the current state, and the actions while it is open.
 */
export function buildSupervisorAlertCard(
  view: EpisodeView,
  extras: SupervisorAlertExtras = {},
): AdaptiveCard {
  const { episode } = view;
  const isOpen = episode.endedAt === undefined;
  const reply = episode.agentReply;
  const body: CardElement[] = [
    text(`${extras.isReAlert ? 'Reminder: ' : ''}Adherence drift: ${view.agentName}`, {
      weight: 'Bolder',
      size: 'Medium',
      color: isOpen ? 'Warning' : 'Default',
    }),
    facts([
      ['Agent', view.agentName],
      ['Unit', view.unitName],
      ['Team', view.teamName],
      ['Scheduled', view.scheduledLabel],
      ['Actual', view.actualLabel],
      ['Impact', episode.impact === undefined ? undefined : (IMPACT_WORDS[episode.impact] ?? episode.impact)],
      ['Drifting since', timeOf(episode.driftStartedAt)],
      [isOpen ? 'Minutes so far' : 'Minutes', `${driftMinutes(view)}`],
      [
        'Agent says',
        // The agent's own words are escaped: they must not format, link or run card functions on the supervisor's card.
        reply
          ? `${describeReplyReason(reply.reason)}${reply.text ? `: ${escapeMarkdown(reply.text)}` : ''}`
          : undefined,
      ],
    ]),
  ];
  if (episode.scheduleCoverage === 'unavailable') {
    body.push(
      text(
        'The schedule pre-check could not be made (Genesys did not answer); approved overtime or time off may not be reflected.',
        { isSubtle: true, size: 'Small' },
      ),
    );
  }
  if (extras.nudgeUndeliverableReason !== undefined) {
    body.push(
      text(`The agent's private nudge could not be delivered: ${extras.nudgeUndeliverableReason}.`, {
        color: 'Attention',
        size: 'Small',
      }),
    );
  }
  for (const line of describeSupervisorState(episode, view)) body.push(text(line, { spacing: 'Small' }));
  if (isOpen) {
    const data = { episodeId: episode.id };
    const buttons: CardElement[] = [];
    if (!episode.acknowledged)
      buttons.push(executeAction('Acknowledge', CARD_VERBS.acknowledge, data, 'positive'));
    buttons.push({
      type: 'Action.ShowCard',
      title: 'Snooze',
      card: {
        type: 'AdaptiveCard',
        body: [
          {
            type: 'Input.ChoiceSet',
            id: CARD_INPUTS.snoozeMinutes,
            label: 'Snooze for',
            value: String(SNOOZE_MINUTES[0]),
            choices: SNOOZE_MINUTES.map((minutes) => ({
              title: `${minutes} minutes`,
              value: String(minutes),
            })),
          },
        ],
        actions: [executeAction('Snooze', CARD_VERBS.snooze, data)],
      },
    });
    if (!episode.approvedOvertime)
      buttons.push(executeAction('Approved overtime', CARD_VERBS.approveOvertime, data));
    body.push(actionSet(buttons));
  }
  const links = extras.wfmUrl
    ? [{ type: 'Action.OpenUrl', title: 'Open Genesys Cloud WFM', url: extras.wfmUrl }]
    : [];
  return adaptiveCard(body, links);
}

function nameOf(actor: { readonly id: string; readonly name?: string }): string {
  return actor.name ?? actor.id;
}
