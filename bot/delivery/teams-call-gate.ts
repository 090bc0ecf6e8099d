import type { TeamsSendLimiter } from './teams-send-limiter';

/** Waits for a slot in the Teams budget before a call made inside a turn (a reply, a roster read). */
export interface TeamsCallGate {
  /** True once a slot of the conversation and tenant is taken; false when none came in time (skip the call). */
  take(conversationKey: string, tenantId?: string): Promise<boolean>;
}

/** Longest a call inside a turn waits for the Teams budget: Teams expects the turn's answer within 15 s. */
const TURN_CALL_MAX_WAIT_MS = 10_000;

/** A gate on the shared tenant limiter, so turn replies and reads count against the same budget as proactive sends. */
export function limiterGate(limiter: TeamsSendLimiter, maxWaitInMs = TURN_CALL_MAX_WAIT_MS): TeamsCallGate {
  return {
    take: (conversationKey, tenantId) => limiter.take(conversationKey, tenantId ?? '', { maxWaitInMs }),
  };
}
