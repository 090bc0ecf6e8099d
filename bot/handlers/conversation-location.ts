import type { ConversationLocation } from '../delivery/teams-messenger';
import type { TurnInfo } from './turn-info';

/** Where the turn's conversation lives, for calls back to Teams. */
export function locationOf(turn: TurnInfo): ConversationLocation {
  return {
    serviceUrl: turn.serviceUrl,
    conversationId: turn.conversationId,
    tenantId: turn.tenantId,
    reference: turn.reference,
  };
}

/** Whether the turn names a conversation and an http(s) service URL to store (never store empty fields). */
export function hasLocation(turn: TurnInfo): boolean {
  return turn.conversationId !== '' && /^https?:\/\/[^/]/i.test(turn.serviceUrl ?? '');
}
