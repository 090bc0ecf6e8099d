/**
 * Whether Genesys records a formal adherence exception for an episode, as the replay and the shift simulation count
 * them. Pure.
 *
 * Genesys raises the exception once an agent has been out of adherence for the unit's threshold, whatever the
 * `impact`. The core records it (`formalExceptionAt`) on every episode it escalates; an episode held back for Positive
 * impact (calls taken into a scheduled break or meeting, which the service does not alert on) is not escalated, so it
 * counts when it lasted the exception threshold: ended by `endedAt`, or still open at `at`.
 */
import type { DriftEpisode } from './drift-episode';
import type { DriftPolicy } from './drift-policy';
import { resolveThresholds } from './thresholds';

export function isFormalException(episode: DriftEpisode, policy: DriftPolicy, at: number): boolean {
  if (episode.formalExceptionAt !== undefined) return true;
  if (episode.suppression !== 'positiveImpact') return false;
  const { exceptionAfterMs } = resolveThresholds(
    policy,
    episode.managementUnitId,
    episode.scheduledActivityCategory,
  );
  return (episode.endedAt ?? at) - episode.driftStartedAt >= exceptionAfterMs;
}
