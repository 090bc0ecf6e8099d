import type {
  AgentProfile,
  Clock,
  ConversationRecord,
  ConversationStore,
  Logger,
  RouteStore,
} from '../../src/app/ports';
import { buildHelpCard } from '../cards/help-card';
import type { TeamAwareDirectory } from '../commands/watch-target-resolver';
import type { TeamsCallGate } from '../delivery/teams-call-gate';
import type {
  ConversationLocation,
  TeamsCallResult,
  TeamsMember,
  TeamsMessenger,
} from '../delivery/teams-messenger';
import type { WelcomeOffer, WelcomeSender } from '../delivery/welcome-sender';
import type { TurnInfo } from './turn-info';
import { baseConversationId, channelKey, isPersonalKey } from './turn-info';

/** Ports of an {@link InstallationHandler}. */
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

/** What a team install stored. */
export interface TeamInstallResult {
  readonly channels: number;
  readonly membersRead: number;
  readonly agentsLinked: number;
  readonly welcome?: WelcomeOffer;
}

/** How an install event arrived: a first install (`add`) or an app upgrade (`add-upgrade`, no welcome). */
export interface InstallKind {
  readonly isUpgrade: boolean;
}

// Teams sends two events for one install (installationUpdate `add` and conversationUpdate with the bot added): the
// second, within this time of the first, reuses what the first stored instead of reading Teams again.
const SAME_INSTALL_WITHIN_MS = 2 * 60_000;

/**
 * Stores and forgets conversation references (SDK-free). A personal install stores the chat keyed by the user's
 * Entra object id and links the Genesys agent with the same email or UPN; a team install stores the team's
 * channels and links the agents on its roster (as personal records without a chat yet, so a first nudge can
 * create the chat). Each scope is welcomed once, ever (an app upgrade re-stores silently). Uninstalls and removals
 * delete only what belongs to the scope they came from; nothing is stored from an activity without a conversation,
 * a service URL or an Entra object id.
 */
export class InstallationHandler {
  private readonly log: Logger;

  constructor(private readonly deps: InstallationHandlerDeps) {
    this.log = deps.logger.child({ component: 'installation' });
  }

  /** The app was installed (or upgraded) in a personal scope: store, link, and queue the one welcome. */
  async onPersonalInstalled(turn: TurnInfo, kind: InstallKind): Promise<WelcomeOffer | undefined> {
    const record = await this.rememberPersonal(turn);
    if (record === undefined) return undefined;
    const agent = record.agentId ? this.deps.directory.getAgent(record.agentId) : undefined;
    const intro = agent
      ? `Hi ${agent.name.split(' ')[0]}! You're linked to your Genesys Cloud agent profile.`
      : "Hi! I couldn't match your Teams account to a Genesys Cloud agent yet (I match your email or sign-in name), so I can't send you check-ins.";
    return this.deps.welcomes.offer(
      'personal',
      record.key,
      locationOf(turn),
      buildHelpCard('personal', intro),
      {
        silently: kind.isUpgrade,
      },
    );
  }

  /** Stores (or refreshes) the personal chat of `turn.from` and links the agent; returns the stored record. */
  async rememberPersonal(turn: TurnInfo): Promise<ConversationRecord | undefined> {
    const aad = turn.from.aadObjectId;
    if (!isPersonalKey(aad) || turn.conversationType !== 'personal' || !hasLocation(turn)) {
      this.log.warn(
        { conversationType: turn.conversationType },
        'personal activity without a personal conversation, a service URL or an Entra object id; nothing stored',
      );
      return undefined;
    }
    const existing = await this.deps.conversations.get(aad);
    const now = this.deps.clock.now();
    if (
      existing &&
      existing.conversationId === turn.conversationId &&
      existing.serviceUrl === turn.serviceUrl &&
      existing.deadReason === undefined &&
      existing.email !== undefined &&
      now - existing.updatedAt < SAME_INSTALL_WITHIN_MS
    )
      return existing;
    const member = await this.read(turn, () => this.deps.messenger.getMember(locationOf(turn), turn.from.id));
    const profile = member.status === 'ok' ? member.value : undefined;
    if (member.status !== 'ok')
      this.log.warn(
        { status: member.status },
        'could not read the member of a personal chat; storing without email',
      );
    const email = profile?.email ?? existing?.email;
    const userPrincipalName = profile?.userPrincipalName ?? existing?.userPrincipalName;
    const agent = this.findAgent(email, userPrincipalName);
    const record: ConversationRecord = {
      key: aad,
      kind: 'personal',
      tenantId: turn.tenantId ?? existing?.tenantId,
      serviceUrl: turn.serviceUrl,
      conversationId: turn.conversationId,
      reference: turn.reference,
      aadObjectId: aad,
      email,
      userPrincipalName,
      displayName: profile?.name ?? turn.from.name ?? existing?.displayName,
      agentId: agent?.id ?? existing?.agentId,
      updatedAt: now,
    };
    await this.deps.conversations.upsert(record);
    this.log.info(
      { linked: record.agentId !== undefined, agentId: record.agentId },
      'personal conversation stored',
    );
    return record;
  }

  /** Stores the personal chat on a message when it is unknown, moved, dead or not linked yet (an install event may be missed). */
  async ensurePersonal(turn: TurnInfo): Promise<void> {
    const existing = isPersonalKey(turn.from.aadObjectId)
      ? await this.deps.conversations.get(turn.from.aadObjectId)
      : undefined;
    if (
      existing &&
      existing.conversationId === turn.conversationId &&
      existing.deadReason === undefined &&
      existing.agentId !== undefined
    )
      return;
    await this.rememberPersonal(turn);
  }

  /**
   * The app was installed (or upgraded) in a team: store its channels and link the agents on its roster; queue the
   * one welcome (none on an upgrade).
   */
  async onTeamInstalled(turn: TurnInfo, kind: InstallKind): Promise<TeamInstallResult> {
    const teamId = turn.teamId;
    if (teamId === undefined || !hasLocation(turn)) return { channels: 0, membersRead: 0, agentsLinked: 0 };
    const recordedAt = kind.isUpgrade ? undefined : await this.deps.welcomes.recordedAt('team', teamId);
    if (recordedAt !== undefined && this.deps.clock.now() - recordedAt < SAME_INSTALL_WITHIN_MS) {
      // The other event of the same install already stored the team and queued its welcome.
      if (turn.channelId !== undefined)
        await this.storeChannel(turn, teamId, turn.channelId, turn.channelName);
      return { channels: 0, membersRead: 0, agentsLinked: 0, welcome: 'alreadyWelcomed' };
    }
    const location = locationOf(turn);
    const listed = await this.read(turn, () => this.deps.messenger.listTeamChannels(location, teamId));
    // The channel the install came from is stored even when the channel list cannot be read.
    const channels =
      listed.status === 'ok' ? listed.value : [{ id: turn.channelId ?? teamId, name: turn.channelName }];
    if (listed.status !== 'ok')
      this.log.warn(
        { teamId, status: listed.status },
        'could not list team channels; storing the current one',
      );
    for (const channel of channels) await this.storeChannel(turn, teamId, channel.id, channel.name);
    // Each page of the roster (500 members) waits for its own slot in the Teams budget.
    const gate = this.deps.gate;
    const roster = await this.deps.messenger.getPagedTeamMembers(
      location,
      teamId,
      gate && (() => gate.take(turn.conversationId, turn.tenantId)),
    );
    let agentsLinked = 0;
    const members = roster.status === 'ok' ? roster.value : [];
    if (roster.status !== 'ok')
      this.log.warn(
        { teamId, status: roster.status },
        'could not read the team roster; agents are linked when they install the app',
      );
    for (const member of members) if (await this.linkRosterMember(turn, teamId, member)) agentsLinked += 1;
    const intro = `Thanks for adding me. I linked ${agentsLinked} of ${members.length} team members to Genesys Cloud agents. Choose what this channel watches:`;
    const welcome = await this.deps.welcomes.offer(
      'team',
      teamId,
      location,
      buildHelpCard('channel', intro),
      {
        silently: kind.isUpgrade,
      },
    );
    const result = { channels: channels.length, membersRead: members.length, agentsLinked, welcome };
    this.log.info({ teamId, ...result, isUpgrade: kind.isUpgrade }, 'team installed');
    return result;
  }

  /** Stores (or refreshes) the channel a channel activity came from, so commands and alerts can use it. */
  async rememberChannel(turn: TurnInfo): Promise<void> {
    if (turn.channelId === undefined || turn.teamId === undefined || !hasLocation(turn)) return;
    const existing = await this.deps.conversations.get(channelKey(turn.channelId));
    if (existing && existing.deadReason === undefined && existing.serviceUrl === turn.serviceUrl) return;
    await this.storeChannel(turn, turn.teamId, turn.channelId, turn.channelName ?? existing?.channelName);
  }

  /**
   * The user removed the app from their personal scope: deletes that person's reference only, and only when it is
   * the chat the event came from (or a roster link without a chat).
   */
  async onPersonalUninstalled(turn: TurnInfo): Promise<void> {
    const aad = turn.from.aadObjectId;
    if (!isPersonalKey(aad) || turn.conversationType !== 'personal') {
      this.log.warn(
        { conversationType: turn.conversationType },
        'personal uninstall without a personal scope; ignored',
      );
      return;
    }
    const existing = await this.deps.conversations.get(aad);
    if (existing === undefined) return;
    if (existing.conversationId !== '' && existing.conversationId !== turn.conversationId) {
      this.log.warn({}, 'personal uninstall from another conversation than the stored chat; ignored');
      return;
    }
    await this.deps.conversations.delete(aad);
    this.log.info({}, 'personal conversation deleted after uninstall');
  }

  /** The app (bot) was removed from a team: forget its channels, their routes and the roster links. */
  async onTeamUninstalled(turn: TurnInfo): Promise<number> {
    const teamId = turn.teamId;
    if (teamId === undefined) return 0;
    if (!(await this.isFromTeam(turn, teamId))) {
      this.log.warn({ teamId }, 'team uninstall from a conversation outside the team; ignored');
      return 0;
    }
    for await (const record of this.deps.conversations.list('channel')) {
      if (record.teamId !== teamId) continue;
      for (const route of await this.deps.routes.listByConversation(record.key)) {
        await this.deps.routes.delete(route.scope, route.targetId, route.conversationKey);
      }
    }
    const deleted = await this.deps.conversations.deleteByTeam(teamId);
    this.log.info({ teamId, deleted }, 'team uninstalled: references and routes deleted');
    return deleted;
  }

  /** Members left a team: forget their roster links (a personal chat they installed themselves stays). */
  async onMembersRemoved(
    turn: TurnInfo,
    members: readonly { readonly id: string; readonly aadObjectId?: string }[],
  ): Promise<void> {
    for (const member of members) {
      if (!isPersonalKey(member.aadObjectId)) continue;
      const record = await this.deps.conversations.get(member.aadObjectId);
      if (record && record.conversationId === '' && record.teamId === turn.teamId)
        await this.deps.conversations.delete(member.aadObjectId);
    }
  }

  /** Whether the turn's conversation is a channel of the team (the General channel's id is the team id). */
  private async isFromTeam(turn: TurnInfo, teamId: string): Promise<boolean> {
    const channelId = baseConversationId(turn.conversationId);
    if (channelId === teamId || turn.channelId === teamId) return true;
    const stored = await this.deps.conversations.get(channelKey(turn.channelId ?? channelId));
    return stored?.teamId === teamId;
  }

  /** Runs a Teams read within the budget; a read the budget cannot fit in time is reported as throttled. */
  private async read<T>(
    turn: TurnInfo,
    call: () => Promise<TeamsCallResult<T>>,
  ): Promise<TeamsCallResult<T>> {
    if (this.deps.gate && !(await this.deps.gate.take(turn.conversationId, turn.tenantId)))
      return { status: 'throttled', retryAfterMs: 1_000 };
    return call();
  }

  private async storeChannel(
    turn: TurnInfo,
    teamId: string,
    teamsChannelId: string,
    channelName: string | undefined,
  ): Promise<void> {
    await this.deps.conversations.upsert({
      key: channelKey(teamsChannelId),
      kind: 'channel',
      tenantId: turn.tenantId,
      serviceUrl: turn.serviceUrl,
      conversationId: teamsChannelId,
      reference: {
        ...turn.reference,
        conversation: {
          id: teamsChannelId,
          isGroup: true,
          conversationType: 'channel',
          tenantId: turn.tenantId,
        },
      },
      teamId,
      teamName: turn.teamName,
      channelId: teamsChannelId,
      // Teams returns no name for the General channel, whose id is the team id (get-teams-context.md).
      channelName: channelName ?? (teamsChannelId === teamId ? 'General' : undefined),
      updatedAt: this.deps.clock.now(),
    });
  }

  private async linkRosterMember(turn: TurnInfo, teamId: string, member: TeamsMember): Promise<boolean> {
    const aad = member.aadObjectId;
    const agent = this.findAgent(member.email, member.userPrincipalName);
    if (!isPersonalKey(aad) || agent === undefined) return false;
    const existing = await this.deps.conversations.get(aad);
    const now = this.deps.clock.now();
    if (existing && existing.conversationId !== '') {
      if (existing.agentId !== agent.id)
        await this.deps.conversations.upsert({ ...existing, agentId: agent.id, updatedAt: now });
      return true;
    }
    // A roster-only record: no chat yet. The notifier creates it (members[].id = object id) on the first nudge.
    await this.deps.conversations.upsert({
      key: aad,
      kind: 'personal',
      tenantId: member.tenantId ?? turn.tenantId,
      serviceUrl: turn.serviceUrl,
      conversationId: '',
      reference: {},
      aadObjectId: aad,
      email: member.email,
      userPrincipalName: member.userPrincipalName,
      displayName: member.name,
      agentId: agent.id,
      teamId,
      updatedAt: now,
    });
    return true;
  }

  /** Email can differ from UPN (learn.microsoft.com/microsoftteams/platform/bots/how-to/get-teams-context): try both, case-insensitively (the directory lowercases). */
  private findAgent(
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
function hasLocation(turn: TurnInfo): boolean {
  return turn.conversationId !== '' && /^https?:\/\/[^/]/i.test(turn.serviceUrl ?? '');
}
