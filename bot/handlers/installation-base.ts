import type { AgentProfile } from '../../src/app/ports/agent-directory';
import type { ConversationStore } from '../../src/app/ports/conversation-store';
import type { RouteStore } from '../../src/app/ports/route-store';
import type { Clock } from '../../src/platform/clock';
import type { Logger } from '../../src/platform/logger';
import type { TeamAwareDirectory } from '../commands/watch-target-resolver';
import type { TeamsCallGate } from '../delivery/teams-call-gate';
import type { TeamsCallResult, TeamsMessenger } from '../delivery/teams-messenger';
import type { WelcomeSender } from '../delivery/welcome-sender';
import type { TurnInfo } from './turn-info';

/** Ports of the installation handlers. */
export interface InstallationHandlerDeps {
  readonly conversations: ConversationStore;
  readonly routes: RouteStore;
  readonly directory: TeamAwareDirectory;
  readonly messenger: TeamsMessenger;
  /** The one-welcome-per-scope ledger and its sender (bot/delivery/welcome-sender.ts). */
  readonly welcomes: WelcomeQueue;
  /** The Teams budget for reads made during an install; none = unlimited (unit tests). */
  readonly gate?: TeamsCallGate;
  readonly clock: Clock;
  readonly logger: Logger;
}

/** What the installation handler needs of the welcome sender. */
export type WelcomeQueue = Pick<WelcomeSender, 'offer' | 'recordedAt'>;

/** How an install event arrived: a first install (`add`) or an app upgrade (`add-upgrade`, no welcome). */
export interface InstallKind {
  readonly isUpgrade: boolean;
}

// Teams sends two events for one install (installationUpdate `add` and conversationUpdate with the bot added): the
// second, within this time of the first, reuses what the first stored instead of reading Teams again.
export const SAME_INSTALL_WITHIN_MS = 2 * 60_000;

/** What the personal and the team installation handlers share: their ports, budgeted Teams reads, agent matching. */
export abstract class InstallationBase {
  protected readonly log: Logger;

  constructor(protected readonly deps: InstallationHandlerDeps) {
    this.log = deps.logger.child({ component: 'installation' });
  }

  /** Runs a Teams read within the budget; a read the budget cannot fit in time is reported as throttled. */
  protected async read<T>(
    turn: TurnInfo,
    call: () => Promise<TeamsCallResult<T>>,
  ): Promise<TeamsCallResult<T>> {
    if (this.deps.gate && !(await this.deps.gate.take(turn.conversationId, turn.tenantId)))
      return { status: 'throttled', retryAfterMs: 1_000 };
    return call();
  }

  /** Email can differ from UPN (learn.microsoft.com/microsoftteams/platform/bots/how-to/get-teams-context): try both, case-insensitively (the directory lowercases). */
  protected findAgent(
    email: string | undefined,
    userPrincipalName: string | undefined,
  ): AgentProfile | undefined {
    for (const candidate of [email, userPrincipalName]) {
      if (candidate === undefined || candidate === '') continue;
      const agent =
        this.deps.directory.findAgentByEmail(candidate.trim().toLowerCase()) ??
        this.deps.directory.findAgentByEmail(candidate.trim());
      if (agent) return agent;
    }
    return undefined;
  }
}
