import type { Logger } from '../../src/platform/logger';
import { buildHelpCard } from '../cards/help-card';
import { quoteTyped } from '../cards/markdown';
import type { BotReply, TurnInfo } from '../handlers/turn-info';
import { channelKey } from '../handlers/turn-info';
import { ChannelReportCommands, type ChannelReportCommandsDeps } from './channel-report-commands';
import { MyAdherenceCommand, type MyAdherenceCommandDeps } from './my-adherence-command';
import { parseCommand } from './parse-command';
import { RoutingCommands, type RoutingCommandsDeps } from './routing-commands';

/** Ports of a {@link CommandHandler}: those of its routing, report and agent commands, and its own. */
export interface CommandHandlerDeps
  extends RoutingCommandsDeps, ChannelReportCommandsDeps, MyAdherenceCommandDeps {
  readonly logger: Logger;
  /** The bot's own tenant (BOT_TENANT_ID, or the Playground's locally): channel commands answer only there. */
  readonly tenantId?: string;
  /** Refused commands by reason (`notEntitled`, `otherTenant`, `alertsGoElsewhere`), rendered by /metrics. */
  readonly refusals?: Record<string, number>;
}

/** Channel commands that show or change who gets adherence data: only in the bot's own tenant. */
const TENANT_BOUND_COMMANDS = new Set([
  'watch',
  'unwatch',
  'move',
  'status',
  'report',
  'reportAgents',
  'digest',
]);

/** Runs typed commands (SDK-free): watch/unwatch/status/report in a channel, my adherence/help in a personal chat. */
export class CommandHandler {
  private readonly log: Logger;
  private readonly routing: RoutingCommands;
  private readonly reports: ChannelReportCommands;
  private readonly myAdherence: MyAdherenceCommand;

  constructor(private readonly deps: CommandHandlerDeps) {
    this.log = deps.logger.child({ component: 'commands' });
    this.routing = new RoutingCommands(deps, this.log, (reason) => this.countRefusal(reason));
    this.reports = new ChannelReportCommands(deps);
    this.myAdherence = new MyAdherenceCommand(deps);
  }

  /** Answers one message text sent in `turn`'s conversation. */
  async handle(turn: TurnInfo, text: string): Promise<BotReply> {
    const command = parseCommand(text);
    const isChannel = turn.conversationType === 'channel' && turn.channelId !== undefined;
    const isPersonal = turn.conversationType === 'personal';
    this.log.debug({ command: command.type, conversationType: turn.conversationType }, 'command received');
    if (isChannel) {
      const key = channelKey(turn.channelId);
      if (TENANT_BOUND_COMMANDS.has(command.type) && !this.isOwnTenant(turn)) {
        this.log.warn({ command: command.type }, 'channel command from another tenant refused');
        this.countRefusal('otherTenant');
        return {
          kind: 'text',
          text: 'Sorry, I only answer watch, unwatch, move, status, report and digest in the organisation this app belongs to.',
        };
      }
      switch (command.type) {
        case 'watch':
          return this.routing.watch(key, command.target, turn);
        case 'move':
          return this.routing.move(key, command.target, turn);
        case 'unwatch':
          return this.routing.unwatch(key, command.target, turn);
        case 'status':
          return this.reports.status(key);
        case 'report':
          return this.reports.report(key);
        case 'reportAgents':
          return this.reports.report(key, { withAgents: true });
        case 'digest':
          return this.reports.digest(key);
        case 'myAdherence':
          return {
            kind: 'text',
            text: 'Your drift window is private: send me "my adherence" in a personal chat.',
          };
        case 'help':
          return { kind: 'card', card: buildHelpCard('channel') };
        case 'unknown':
          return {
            kind: 'card',
            card: buildHelpCard('channel', `I didn't understand "${quoteTyped(command.text)}".`),
          };
      }
    }
    if (isPersonal) {
      switch (command.type) {
        case 'myAdherence':
          return this.myAdherence.answer(turn);
        case 'help':
          return { kind: 'card', card: buildHelpCard('personal') };
        case 'unknown':
          return {
            kind: 'card',
            card: buildHelpCard('personal', `I didn't understand "${quoteTyped(command.text)}".`),
          };
        default:
          return {
            kind: 'card',
            card: buildHelpCard(
              'personal',
              'Watching units, status and reports work in a supervisor team channel.',
            ),
          };
      }
    }
    return {
      kind: 'card',
      card: buildHelpCard(
        'channel',
        'Add me to a team channel for supervisor alerts, or chat with me personally for your own drift window.',
      ),
    };
  }

  private countRefusal(reason: string): void {
    if (this.deps.refusals) this.deps.refusals[reason] = (this.deps.refusals[reason] ?? 0) + 1;
  }

  private isOwnTenant(turn: TurnInfo): boolean {
    const own = this.deps.tenantId;
    return own === undefined || turn.tenantId?.toLowerCase() === own.toLowerCase();
  }
}
