import type { CloudAdapter } from 'botbuilder';
import type { Request, Response } from 'restify';
import type { TeamsBot } from './teams-bot';

/** The POST /api/messages handler: CloudAdapter checks the Bot Framework token (401 without one when BOT_ID is set) and runs the bot. */
export function createMessageEndpoint(
  adapter: CloudAdapter,
  bot: TeamsBot,
): (req: Request, res: Response) => Promise<void> {
  return async (req, res) => {
    // restify's request and response have what CloudAdapter.process reads and writes (body, headers, status, send, end).
    await adapter.process(req as never, res as never, (context) => bot.run(context));
  };
}
