import type { AdaptiveCard, CardElement } from './adaptive-card';
import { actionSet, adaptiveCard, executeAction, formatMinutes, text, timeOf } from './adaptive-card';
import { AGENT_REPLY_CHOICES, CARD_INPUTS, CARD_VERBS, describeReplyReason } from './card-actions';
import type { EpisodeView } from './episode-view';
import { driftMinutes } from './episode-view';
import { escapeMarkdown } from './markdown';

/**
 * The agent's private nudge. Supportive by design (seed guide, edge case 4: "supportive in tone (not accusatory)"):
 * it asks whether something came up and offers "Back on it" / "Something came up". Once the agent is back in
 * adherence it becomes a short thank-you; once the episode closes otherwise it simply says the check-in is closed.
 */
export function buildNudgeCard(view: EpisodeView): AdaptiveCard {
  const { episode } = view;
  const firstName = view.agentName.split(' ')[0];
  if (episode.endedAt !== undefined) {
    const isBack =
      episode.outcome === 'resolvedBeforeNudge' ||
      episode.outcome === 'resolvedAfterNudge' ||
      episode.outcome === 'resolvedAfterSupervisorAlert';
    return adaptiveCard([
      text(isBack ? `Thanks, ${firstName}!` : 'Check-in closed', { weight: 'Bolder', size: 'Medium' }),
      text(
        isBack
          ? "You're back on your schedule. Have a good rest of your shift."
          : 'Nothing more to do here. Thanks for your time.',
      ),
    ]);
  }
  const body: CardElement[] = [
    text('Quick check-in', { weight: 'Bolder', size: 'Medium' }),
    text(
      `Hi ${firstName}, your schedule shows **${view.scheduledLabel}** since ${timeOf(episode.driftStartedAt)}, and you're in **${view.actualLabel}** ` +
        `(${formatMinutes(driftMinutes(view))}). If something came up, just let us know.`,
    ),
    text('Only you can see this message.', { isSubtle: true, size: 'Small', spacing: 'Small' }),
  ];
  const reply = episode.agentReply;
  if (reply !== undefined) {
    body.push(
      text(
        `Thanks for letting us know: **${describeReplyReason(reply.reason)}**${reply.text ? ` (${escapeMarkdown(reply.text)})` : ''}. Your supervisor can see your note.`,
        { color: 'Good' },
      ),
    );
    return adaptiveCard(body);
  }
  const data = { episodeId: episode.id };
  body.push(
    actionSet([
      executeAction('Back on it', CARD_VERBS.agentBackOnIt, data, 'positive'),
      {
        type: 'Action.ShowCard',
        title: 'Something came up',
        card: {
          type: 'AdaptiveCard',
          body: [
            {
              type: 'Input.ChoiceSet',
              id: CARD_INPUTS.replyReason,
              label: 'What came up?',
              style: 'expanded',
              isRequired: true,
              errorMessage: 'Pick one, please.',
              value: AGENT_REPLY_CHOICES[0].reason,
              choices: AGENT_REPLY_CHOICES.map((choice) => ({ title: choice.title, value: choice.reason })),
            },
            {
              type: 'Input.Text',
              id: CARD_INPUTS.replyText,
              label: 'Anything to add? (optional)',
              isMultiline: true,
              maxLength: 500,
            },
          ],
          actions: [executeAction('Send', CARD_VERBS.agentReply, data)],
        },
      },
    ]),
  );
  return adaptiveCard(body);
}
