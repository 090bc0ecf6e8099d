import type { AdaptiveCard } from './adaptive-card';
import { adaptiveCard, text } from './adaptive-card';
import { escapeMarkdown } from './markdown';

/** The notice a channel gets when alerts it received were moved to another channel; pure. */
export function buildRouteMovedCard(targetLabel: string, toChannel: string, movedBy: string): AdaptiveCard {
  return adaptiveCard([
    text('Drift alerts moved', { weight: 'Bolder' }),
    text(
      `Drift alerts for ${escapeMarkdown(targetLabel)} now go to ${escapeMarkdown(toChannel)} (moved there by ${escapeMarkdown(movedBy)}). This channel keeps any other alerts it watches.`,
    ),
  ]);
}
