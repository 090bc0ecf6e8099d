import type { AdaptiveCard } from './adaptive-card';
import { adaptiveCard, facts, text } from './adaptive-card';

/** Where the help is shown: a supervisor channel or an agent's personal chat. */
export type HelpScope = 'channel' | 'personal';

/** The command list for the scope, with an optional first line (a welcome or "I did not understand"). */
export function buildHelpCard(scope: HelpScope, intro?: string): AdaptiveCard {
  const body = [text('Adherence drift assistant', { weight: 'Bolder', size: 'Medium' })];
  if (intro) body.push(text(intro));
  if (scope === 'channel') {
    body.push(
      text('Mention me in this channel with one of these:'),
      facts([
        ['watch all', 'Send every drift alert here.'],
        ['watch <unit or team>', 'Send alerts for one management unit or team (name or id).'],
        ['unwatch <unit or team | all>', 'Stop sending those alerts here.'],
        ['status', 'Who is drifting now in the units this channel watches.'],
        ['report', 'The last 7 days of drift in the watched units.'],
        ['report agents', 'The same, with the agents who drifted most (only on request).'],
        ['digest', 'The weekly digest now: last week against the week before.'],
        ['help', 'This list.'],
      ]),
    );
  } else {
    body.push(
      text(
        'I send you a private check-in when your status drifts from your schedule for a few minutes, so you can sort it out before it counts as an exception.',
      ),
      facts([
        ['my adherence', 'Your own drift window: today, right now, and the thresholds.'],
        ['help', 'This list.'],
      ]),
    );
  }
  return adaptiveCard(body);
}
