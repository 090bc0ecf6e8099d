import { classifyHttpFailure } from '../../src/platform/http-failure';
import { retryAfterFromHeaders } from '../../src/platform/retry-after';
import type { TeamsFailure } from '../delivery/teams-messenger';

/** Retry-After when Teams sends none with a 429: a conservative second (learn.microsoft.com/microsoftteams/platform/bots/how-to/rate-limit: honour Retry-After, else back off). */
const DEFAULT_RETRY_AFTER_MS = 1_000;

const GONE_WORDS: Readonly<Record<string, string>> = {
  ConversationBlockedByUser: 'the user blocked the app',
  BotNotInConversationRoster: 'the app is no longer in the conversation',
  BotDisabledByAdmin: 'an admin disabled the app',
  ConversationNotFound: 'the conversation no longer exists',
  ActivityNotFoundInConversation: 'the message no longer exists',
  MessageWritesBlocked: 'writes to the conversation are blocked',
};

/**
 * Maps an error thrown by a Bot Connector call to a value, by the one HTTP rule (src/platform/http-failure.ts) and the
 * Teams status codes (https://learn.microsoft.com/microsoftteams/platform/bots/how-to/conversations/conversation-messages#status-code-responses):
 * 429 -> throttled honouring Retry-After (an HTTP date is read against `now`, epoch ms); 412/502/503/504 (and network
 * errors) -> retryable; 403 and 404 -> recipientGone with the Teams error code; anything else (bad input) -> not
 * retryable. Reads botbuilder's RestError shape (`statusCode`, `code`, `response.headers.get`) without importing it.
 */
export function mapTeamsError(error: unknown, now: number): TeamsFailure {
  const shape = (error ?? {}) as {
    statusCode?: number;
    code?: string;
    message?: string;
    response?: {
      status?: number;
      headers?: { get?(name: string): string | undefined | null } | Record<string, string>;
    };
  };
  const status = shape.statusCode ?? shape.response?.status;
  const code = typeof shape.code === 'string' ? shape.code : undefined;
  if (status === undefined) {
    return {
      status: 'failed',
      reason: `network error: ${code ?? shape.message ?? 'unknown'}`,
      isRetryable: true,
    };
  }
  const label = `${status}${code ? ` ${code}` : ''}`;
  switch (classifyHttpFailure(status)) {
    case 'throttled':
      return {
        status: 'throttled',
        retryAfterMs: retryAfterFromHeaders(shape.response?.headers, now) ?? DEFAULT_RETRY_AFTER_MS,
      };
    case 'forbidden':
    case 'notFound': {
      if (status !== 403 && status !== 404) break;
      const words =
        (code && GONE_WORDS[code]) ??
        (status === 404 ? 'the conversation no longer exists' : 'the app may not write to this conversation');
      // A 404 without a Teams code is reported as ConversationNotFound so the notifier recreates a deleted chat.
      return {
        status: 'recipientGone',
        reason: `${words} (${status === 404 && !code ? '404 ConversationNotFound' : label})`,
      };
    }
    case 'transient':
      return { status: 'failed', reason: `Teams answered ${label}`, isRetryable: true };
    default:
      break;
  }
  return { status: 'failed', reason: `Teams refused the request (${label})`, isRetryable: false };
}
