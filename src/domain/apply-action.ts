/**
 * The action transition of the drift core: a card action (acknowledge, snooze, approved overtime, the agent's reply)
 * or the schedule pre-check's answer applied to the agent's current episode. Pure.
 */
import type { ActionResult, DriftAction, DriftCommand, EpisodeChange } from './drift-commands';
import { finish, NO_COMMANDS, type DriftDecision } from './drift-decision';
import type { AgentDriftState, DriftEpisode, ScheduleCoverage, SuppressionReason } from './drift-episode';
import type { DriftPolicy } from './drift-policy';
import { hasCards, isApprovalSuppression } from './episode-lifecycle';
import { withPlan } from './next-due-plan';
import { withFields } from './with-fields';

/** Applies a card action or the schedule pre-check to the agent's current episode; pure. */
export function applyAction(
  current: AgentDriftState | undefined,
  action: DriftAction,
  policy: DriftPolicy,
  now: number,
): DriftDecision & { readonly result: ActionResult } {
  const episode = current?.episode;
  if (current === undefined || episode === undefined || episode.id !== action.episodeId) {
    return { state: current, commands: NO_COMMANDS, result: 'stale' };
  }
  const unchanged = { state: current, commands: NO_COMMANDS, result: 'unchanged' as const };
  let next: DriftEpisode;
  let snoozedUntil = current.snoozedUntil;
  let change: EpisodeChange | undefined;
  let shouldWriteHistory = false;
  switch (action.type) {
    case 'acknowledge':
      if (episode.acknowledged !== undefined) return unchanged;
      next = withFields(episode, { acknowledged: { by: action.by, at: action.at } });
      change = 'acknowledged';
      break;
    case 'snooze':
      if (action.until <= now || episode.snoozed?.until === action.until) return unchanged;
      next = withFields(episode, { snoozed: { by: action.by, at: action.at, until: action.until } });
      snoozedUntil = action.until;
      change = 'snoozed';
      break;
    case 'approveOvertime':
      if (episode.approvedOvertime?.until === action.until) return unchanged;
      // An episode already suppressed for another reason (excluded, explained...) keeps that reason: it has no end.
      next = withFields(episode, {
        approvedOvertime: { by: action.by, at: action.at, until: action.until },
        suppression: isApprovalSuppression(episode.suppression) ? episode.suppression : 'approvedOvertime',
      });
      change = 'approvedOvertime';
      shouldWriteHistory = true;
      break;
    case 'agentReply': {
      const reply = episode.agentReply;
      if (reply !== undefined && reply.reason === action.reason && reply.text === action.text)
        return unchanged;
      next = withFields(episode, {
        agentReply: { by: action.by, at: action.at, reason: action.reason, text: action.text },
      });
      // An agent's own word is not an approval unless the operator allows it (policy.allowSelfDeclaredOvertime).
      if (
        action.reason === 'approvedOvertime' &&
        policy.allowSelfDeclaredOvertime &&
        !isApprovalSuppression(episode.suppression)
      ) {
        next = withFields(next, { suppression: 'approvedOvertime' });
        shouldWriteHistory = true;
      }
      change = 'agentReplied';
      break;
    }
    case 'scheduleChecked': {
      if (episode.scheduleCoverage !== undefined) return unchanged;
      next = withFields(episode, { scheduleCoverage: action.coverage });
      const reason = suppressionOfCoverage(action.coverage);
      if (reason !== undefined && !isApprovalSuppression(episode.suppression)) {
        next = withFields(next, { suppression: reason });
        change = 'suppressed';
      }
      break;
    }
  }
  const commands: DriftCommand[] = [];
  if (change !== undefined && hasCards(next)) commands.push({ type: 'updateCards', episode: next, change });
  if (shouldWriteHistory) commands.push({ type: 'writeHistory', episode: next });
  const decision = finish(
    current,
    withPlan(withFields(current, { episode: next, snoozedUntil }), policy),
    commands,
  );
  return { state: decision.state, commands: decision.commands, result: 'applied' };
}

function suppressionOfCoverage(coverage: ScheduleCoverage): SuppressionReason | undefined {
  switch (coverage) {
    case 'overtime':
      return 'overtimeActivity';
    case 'timeOff':
      return 'timeOff';
    case 'explained':
      return 'approvedExplanation';
    default:
      return undefined;
  }
}
