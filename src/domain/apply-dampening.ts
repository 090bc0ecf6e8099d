import { finish, NO_COMMANDS, type DriftDecision } from './drift-decision';
import type { AgentDriftState } from './drift-episode';
import type { DriftPolicy } from './drift-policy';
import { isApprovalSuppression } from './episode-lifecycle';
import { withPlan } from './next-due-plan';
import type { DampeningHold } from './unit-dampener';
import { withFields } from './with-fields';

/**
 * Re-bases an agent at the start of a unit's dampening hold: an open episode that began at or after the burst
 * (and has not escalated or been approved) is held (`dampened`) and its clock moved to the release; pure.
 */
export function applyDampening(
  current: AgentDriftState | undefined,
  hold: DampeningHold,
  policy: DriftPolicy,
): DriftDecision {
  const episode = current?.episode;
  if (
    current === undefined ||
    episode === undefined ||
    episode.driftStartedAt < hold.burstStartedAt ||
    episode.nudgedAt !== undefined ||
    episode.supervisorAlertedAt !== undefined ||
    isApprovalSuppression(episode.suppression) ||
    (episode.suppression === 'dampened' && episode.clockStartedAt === hold.releaseAt)
  ) {
    return { state: current, commands: NO_COMMANDS };
  }
  const next = withFields(current, {
    episode: withFields(episode, { suppression: 'dampened', clockStartedAt: hold.releaseAt }),
  });
  return finish(current, withPlan(next, policy), []);
}
