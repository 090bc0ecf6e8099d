import type { DriftStage } from '../../src/domain/drift-episode';
import type { AdaptiveCard, CardElement } from './adaptive-card';
import { adaptiveCard, facts, formatMinutes, text, timeOf } from './adaptive-card';

/** One agent drifting now. */
export interface StatusEntry {
  readonly agentName: string;
  readonly unitName: string;
  readonly stage: DriftStage;
  readonly minutes: number;
  readonly isHeld: boolean;
}

/** Most rows a status card lists (keeps it far below the size limit). */
const MAX_STATUS_ROWS = 40;

const STAGE_WORDS: Readonly<Record<DriftStage, string>> = {
  drifting: 'Drifting',
  nudged: 'Nudged',
  supervisorAlerted: 'Supervisor alerted',
  formalException: 'Formal exception',
};

/** Who is drifting now in the watched units, longest first. */
export function buildStatusCard(
  watching: string,
  entries: readonly StatusEntry[],
  now: number,
): AdaptiveCard {
  const sorted = [...entries].sort((a, b) => b.minutes - a.minutes);
  const body: CardElement[] = [
    text('Drifting now', { weight: 'Bolder', size: 'Medium' }),
    text(`Watching: ${watching}. As of ${timeOf(now)}.`, { isSubtle: true, size: 'Small' }),
  ];
  if (sorted.length === 0) body.push(text('Nobody is drifting right now.'));
  else {
    body.push(
      facts(
        sorted
          .slice(0, MAX_STATUS_ROWS)
          .map((entry) => [
            entry.agentName,
            `${STAGE_WORDS[entry.stage]} · ${formatMinutes(entry.minutes)} · ${entry.unitName}${entry.isHeld ? ' · alerts held' : ''}`,
          ]),
      ),
    );
    if (sorted.length > MAX_STATUS_ROWS)
      body.push(text(`…and ${sorted.length - MAX_STATUS_ROWS} more.`, { isSubtle: true }));
  }
  return adaptiveCard(body);
}
