import type { Activity } from 'botbuilder';
import { AuthenticationError } from 'botframework-connector';
import type { Clock } from '../../src/platform/clock';
import type { Logger } from '../../src/platform/logger';
import type { ActivityRejectionReason } from '../server/check-activity';
import type { InboundMessage, MessageOutcome } from '../server/create-bot-server';
import { checkActivity } from '../server/check-activity';
import type { EdgeCloudAdapter } from './create-cloud-adapter';
import { runWithLibraryConsole } from './library-console';
import { RateLimitedLog } from './rate-limited-log';
import type { TeamsBot } from './teams-bot';
import { describeError } from '../../src/platform/describe-error';

/** Why a message was refused after its body was read; each is a label of the rejection counter. */
export type MessageRejectionReason = ActivityRejectionReason | 'unauthorized' | 'authenticationUnavailable';

/** Options of {@link createMessageEndpoint}. */
export interface MessageEndpointOptions {
  /** BOT_ID is empty: no token is checked (local runs only), and Agents Playground's mock ids are accepted. */
  readonly isAuthOff: boolean;
  readonly logger: Logger;
  readonly clock: Clock;
}

/** Fixed answers: the library's own messages (and stack traces) never reach the caller. */
const UNAUTHORIZED = { error: { code: 'unauthorized', message: 'A valid Bot Framework token is required.' } };
const AUTH_UNAVAILABLE = {
  error: {
    code: 'authenticationUnavailable',
    message: 'The bot cannot check Bot Framework tokens right now; try again later.',
  },
};

/**
 * The POST /api/messages logic: checks the activity's shape (400 with the reason), then lets CloudAdapter check the
 * Bot Framework token (401 without a valid one when BOT_ID is set) and run the bot. When botbuilder cannot check a
 * token (its signing keys cannot be fetched) the answer is 503 with fixed text. botbuilder's console output during a
 * turn goes to our log, rate-limited. `CloudAdapter.process` is not used: it answers 500 with the library's error
 * message and prints the stack to stderr (botbuilder lib/cloudAdapter.js).
 */
export function createMessageEndpoint(
  adapter: EdgeCloudAdapter,
  bot: TeamsBot,
  options: MessageEndpointOptions,
): (message: InboundMessage) => Promise<MessageOutcome & { readonly rejectedFor?: MessageRejectionReason }> {
  const log = new RateLimitedLog(options.logger.child({ component: 'message-endpoint' }), options.clock);
  const library = (level: 'error' | 'warn' | 'info', message: string): void =>
    log.warn(`library:${message.slice(0, 80)}`, { level, message }, 'botbuilder reported a problem');
  return async ({ activity, authorization }) => {
    const check = checkActivity(activity, { allowPlaygroundIds: options.isAuthOff });
    if (!check.ok)
      return {
        status: 400,
        body: { error: { code: check.reason, message: check.message } },
        rejectedFor: check.reason,
      };
    fixTimestamps(activity);
    try {
      const response = await runWithLibraryConsole(library, () =>
        adapter.processInbound(authorization, activity as unknown as Activity, (context) => bot.run(context)),
      );
      return { status: response?.status ?? 200, body: response?.body };
    } catch (error) {
      if (isRefusedToken(error)) {
        log.warn(
          'unauthorized',
          { err: describeError(error) },
          'request refused: no valid Bot Framework token',
        );
        return { status: 401, body: UNAUTHORIZED, rejectedFor: 'unauthorized' };
      }
      log.error(
        'authenticationUnavailable',
        { err: describeError(error) },
        'could not check the Bot Framework token (signing keys unreachable?); answered 503',
      );
      return { status: 503, body: AUTH_UNAVAILABLE, rejectedFor: 'authenticationUnavailable' };
    }
  };
}

/** A token botbuilder checked and refused (401), as opposed to one it could not check (keys unreachable: 5xx). */
function isRefusedToken(error: unknown): boolean {
  if (!(error instanceof AuthenticationError)) return false;
  const status = (error as { statusCode?: number }).statusCode;
  return status === undefined || status < 500;
}

/** As botbuilder's validateAndFixActivity: ISO timestamps become Dates, the raw text is kept. */
function fixTimestamps(activity: Record<string, unknown>): void {
  for (const [field, raw] of [
    ['timestamp', 'rawTimestamp'],
    ['localTimestamp', 'rawLocalTimestamp'],
    ['expiration', 'rawExpiration'],
  ] as const) {
    const value = activity[field];
    if (typeof value === 'string') {
      activity[raw] = value;
      activity[field] = new Date(value);
    }
  }
}
