import type { WelcomeOffer } from '../delivery/welcome-sender';
import type { InstallationHandlerDeps, InstallKind } from './installation-base';
import { PersonalInstallationHandler } from './personal-installation-handler';
import { TeamInstallationHandler, type TeamInstallResult } from './team-installation-handler';
import type { TurnInfo } from './turn-info';

/**
 * Stores and forgets conversation references (SDK-free). A personal install stores the chat keyed by the user's
 * Entra object id and links the Genesys agent with the same email or UPN; a team install stores the team's
 * channels and links the agents on its roster (as personal records without a chat yet, so a first nudge can
 * create the chat). Each scope is welcomed once, ever (an app upgrade re-stores silently). Uninstalls and removals
 * delete only what belongs to the scope they came from; nothing is stored from an activity without a conversation,
 * a service URL or an Entra object id. Each event goes to the handler of its scope: personal or team.
 */
export class InstallationHandler {
  private readonly personal: PersonalInstallationHandler;
  private readonly team: TeamInstallationHandler;

  constructor(deps: InstallationHandlerDeps) {
    this.personal = new PersonalInstallationHandler(deps);
    this.team = new TeamInstallationHandler(deps);
  }

  /** The app was installed (or upgraded) in a personal scope: store, link, and queue the one welcome. */
  onPersonalInstalled(turn: TurnInfo, kind: InstallKind): Promise<WelcomeOffer | undefined> {
    return this.personal.onPersonalInstalled(turn, kind);
  }

  /** Stores the personal chat on a message when it is unknown, moved, dead or not linked yet. */
  ensurePersonal(turn: TurnInfo): Promise<void> {
    return this.personal.ensurePersonal(turn);
  }

  /** The user removed the app from their personal scope: deletes that person's reference only. */
  onPersonalUninstalled(turn: TurnInfo): Promise<void> {
    return this.personal.onPersonalUninstalled(turn);
  }

  /** The app was installed (or upgraded) in a team: store its channels, link its roster, queue the one welcome. */
  onTeamInstalled(turn: TurnInfo, kind: InstallKind): Promise<TeamInstallResult> {
    return this.team.onTeamInstalled(turn, kind);
  }

  /** Stores (or refreshes) the channel a channel activity came from, so commands and alerts can use it. */
  rememberChannel(turn: TurnInfo): Promise<void> {
    return this.team.rememberChannel(turn);
  }

  /** The app (bot) was removed from a team: forget its channels, their routes and the roster links. */
  onTeamUninstalled(turn: TurnInfo): Promise<number> {
    return this.team.onTeamUninstalled(turn);
  }

  /** Members left a team: forget their roster links (a personal chat they installed themselves stays). */
  onMembersRemoved(
    turn: TurnInfo,
    members: readonly { readonly id: string; readonly aadObjectId?: string }[],
  ): Promise<void> {
    return this.team.onMembersRemoved(turn, members);
  }
}
