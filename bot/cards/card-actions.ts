import type { AgentReplyReason } from '../../src/domain/drift-episode';

/** Verbs of our card buttons (Action.Execute `verb`, and `data.verb` of the Action.Submit fallback). */
export const CARD_VERBS = {
  acknowledge: 'drift.acknowledge',
  snooze: 'drift.snooze',
  approveOvertime: 'drift.approveOvertime',
  agentBackOnIt: 'drift.agentBackOnIt',
  agentReply: 'drift.agentReply',
  refreshStatus: 'drift.refreshStatus',
} as const;

/** Snooze lengths offered on the supervisor card, in minutes. */
export const SNOOZE_MINUTES = [15, 30, 60] as const;

/** Reasons an agent can pick under "Something came up", in card order. */
export const AGENT_REPLY_CHOICES: ReadonlyArray<{
  readonly reason: AgentReplyReason;
  readonly title: string;
}> = [
  { reason: 'longCustomerInteraction', title: 'Long customer interaction' },
  { reason: 'systemIssue', title: 'System issue' },
  { reason: 'approvedOvertime', title: 'Approved overtime' },
  { reason: 'other', title: 'Other' },
];

/** Input ids on our cards (their values arrive merged into the action data). */
export const CARD_INPUTS = {
  snoozeMinutes: 'snoozeMinutes',
  replyReason: 'replyReason',
  replyText: 'replyText',
} as const;

/** A card action as the bot understands it; ids in it only say which episode, never who may act. */
export type CardActionRequest =
  | { readonly kind: 'acknowledge'; readonly episodeId: string }
  | { readonly kind: 'snooze'; readonly episodeId: string; readonly minutes: number }
  | { readonly kind: 'approveOvertime'; readonly episodeId: string }
  | {
      readonly kind: 'agentReply';
      readonly episodeId: string;
      readonly reason: AgentReplyReason;
      readonly text?: string;
    };

/** Longest free text we keep from the "Other" reason. */
const MAX_REPLY_TEXT_LENGTH = 500;

/**
 * Reads a card action from its verb and data (Action.Execute) or from the data alone (Action.Submit fallback);
 * anything malformed or unknown is `undefined`. Pure.
 */
export function parseCardAction(verb: string | undefined, data: unknown): CardActionRequest | undefined {
  if (data === null || typeof data !== 'object') return undefined;
  const fields = data as Record<string, unknown>;
  const effectiveVerb = verb ?? (typeof fields.verb === 'string' ? fields.verb : undefined);
  const episodeId =
    typeof fields.episodeId === 'string' && fields.episodeId.length > 0 && fields.episodeId.length <= 256
      ? fields.episodeId
      : undefined;
  if (episodeId === undefined) return undefined;
  switch (effectiveVerb) {
    case CARD_VERBS.acknowledge:
      return { kind: 'acknowledge', episodeId };
    case CARD_VERBS.approveOvertime:
      return { kind: 'approveOvertime', episodeId };
    case CARD_VERBS.snooze: {
      const minutes = Number(fields[CARD_INPUTS.snoozeMinutes] ?? SNOOZE_MINUTES[0]);
      return (SNOOZE_MINUTES as readonly number[]).includes(minutes)
        ? { kind: 'snooze', episodeId, minutes }
        : undefined;
    }
    case CARD_VERBS.agentBackOnIt:
      return { kind: 'agentReply', episodeId, reason: 'backOnIt' };
    case CARD_VERBS.agentReply: {
      const reason = AGENT_REPLY_CHOICES.find(
        (choice) => choice.reason === fields[CARD_INPUTS.replyReason],
      )?.reason;
      if (reason === undefined) return undefined;
      const raw =
        typeof fields[CARD_INPUTS.replyText] === 'string'
          ? (fields[CARD_INPUTS.replyText] as string).trim()
          : '';
      const text = raw.length > 0 ? raw.slice(0, MAX_REPLY_TEXT_LENGTH) : undefined;
      return { kind: 'agentReply', episodeId, reason, ...(text !== undefined ? { text } : {}) };
    }
    default:
      return undefined;
  }
}

/** Human words for an agent's reply reason. */
export function describeReplyReason(reason: AgentReplyReason): string {
  if (reason === 'backOnIt') return 'Back on it';
  return AGENT_REPLY_CHOICES.find((choice) => choice.reason === reason)?.title ?? reason;
}
