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
import type { ConversationLocation, TeamsMember, TeamsMessenger } from '../delivery/teams-messenger';
import type { BotReply, TurnInfo } from './turn-info';
import { channelKey } from './turn-info';

/** Ports of an {@link InstallationHandler}. */
export interface InstallationHandlerDeps {
  readonly conversations: ConversationStore;
  readonly routes: RouteStore;
  readonly directory: TeamAwareDirectory;
  readonly messenger: TeamsMessenger;
  readonly clock: Clock;
  readonly logger: Logger;
}

/** What a team install stored. */
export interface TeamInstallResult {
  readonly channels: number;
  readonly membersRead: number;
  readonly agentsLinked: number;
}

/**
 * Stores and forgets conversation references (SDK-free). A personal install stores the chat keyed by the user's
 * Entra object id and links the Genesys agent with the same email or UPN; a team install stores the team's
 * channels and links the agents on its roster (as personal records without a chat yet, so a first nudge can
 * create the chat). Uninstalls and removals delete what they stored.
 */
export class InstallationHandler {
  private readonly log: Logger;

  constructor(private readonly deps: InstallationHandlerDeps) {
    this.log = deps.logger.child({ component: 'installation' });
  }

  /** The app was installed in a personal scope: store, link, and answer with a welcome. */
  async onPersonalInstalled(turn: TurnInfo): Promise<BotReply> {
    const record = await this.rememberPersonal(turn);
    const agent = record?.agentId ? this.deps.directory.getAgent(record.agentId) : undefined;
    const intro = agent
      ? `Hi ${agent.name.split(' ')[0]}! You're linked to your Genesys Cloud agent profile.`
      : "Hi! I couldn't match your Teams account to a Genesys Cloud agent yet (I match your email or sign-in name), so I can't send you check-ins.";
    return { kind: 'card', card: buildHelpCard('personal', intro) };
  }

  /** Stores (or refreshes) the personal chat of `turn.from` and links the agent; returns the stored record. */
  async rememberPersonal(turn: TurnInfo): Promise<ConversationRecord | undefined> {
    const aad = turn.from.aadObjectId;
    if (aad === undefined) {
      this.log.warn(
        { conversationType: turn.conversationType },
        'personal conversation without an Entra object id; not stored',
      );
      return undefined;
    }
    const member = await this.deps.messenger.getMember(locationOf(turn), turn.from.id);
    const profile = member.status === 'ok' ? member.value : undefined;
    if (member.status !== 'ok')
      this.log.warn(
        { status: member.status },
        'could not read the member of a personal chat; storing without email',
      );
    const existing = await this.deps.conversations.get(aad);
    const email = profile?.email ?? existing?.email;
    const userPrincipalName = profile?.userPrincipalName ?? existing?.userPrincipalName;
    const agent = this.findAgent(email, userPrincipalName);
    const record: ConversationRecord = {
      key: aad,
      kind: 'personal',
      tenantId: turn.tenantId,
      serviceUrl: turn.serviceUrl,
      conversationId: turn.conversationId,
      reference: turn.reference,
      aadObjectId: aad,
      email,
      userPrincipalName,
      displayName: profile?.name ?? turn.from.name ?? existing?.displayName,
      agentId: agent?.id ?? existing?.agentId,
      updatedAt: this.deps.clock.now(),
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
    const existing = turn.from.aadObjectId
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

  /** The app was installed in a team: store its channels and link the agents on its roster; answer with a welcome. */
  async onTeamInstalled(
    turn: TurnInfo,
  ): Promise<{ readonly reply: BotReply; readonly result: TeamInstallResult }> {
    const teamId = turn.teamId;
    if (teamId === undefined)
      return { reply: { kind: 'none' }, result: { channels: 0, membersRead: 0, agentsLinked: 0 } };
    const location = locationOf(turn);
    const listed = await this.deps.messenger.listTeamChannels(location, teamId);
    // The channel the install came from is stored even when the channel list cannot be read.
    const channels =
      listed.status === 'ok' ? listed.value : [{ id: turn.channelId ?? teamId, name: turn.channelName }];
    if (listed.status !== 'ok')
      this.log.warn(
        { teamId, status: listed.status },
        'could not list team channels; storing the current one',
      );
    for (const channel of channels) await this.storeChannel(turn, teamId, channel.id, channel.name);
    const roster = await this.deps.messenger.getPagedTeamMembers(location, teamId);
    let agentsLinked = 0;
    const members = roster.status === 'ok' ? roster.value : [];
    if (roster.status !== 'ok')
      this.log.warn(
        { teamId, status: roster.status },
        'could not read the team roster; agents are linked when they install the app',
      );
    for (const member of members) if (await this.linkRosterMember(turn, teamId, member)) agentsLinked += 1;
    const result = { channels: channels.length, membersRead: members.length, agentsLinked };
    this.log.info({ teamId, ...result }, 'team installed');
    const intro = `Thanks for adding me. I linked ${agentsLinked} of ${members.length} team members to Genesys Cloud agents. Choose what this channel watches:`;
    return { reply: { kind: 'card', card: buildHelpCard('channel', intro) }, result };
  }

  /** Stores (or refreshes) the channel a channel activity came from, so commands and alerts can use it. */
  async rememberChannel(turn: TurnInfo): Promise<void> {
    if (turn.channelId === undefined || turn.teamId === undefined) return;
    const existing = await this.deps.conversations.get(channelKey(turn.channelId));
    if (existing && existing.deadReason === undefined && existing.serviceUrl === turn.serviceUrl) return;
    await this.storeChannel(turn, turn.teamId, turn.channelId, turn.channelName ?? existing?.channelName);
  }

  /** The user removed the app from their personal scope. */
  async onPersonalUninstalled(turn: TurnInfo): Promise<void> {
    if (turn.from.aadObjectId === undefined) return;
    await this.deps.conversations.delete(turn.from.aadObjectId);
    this.log.info({}, 'personal conversation deleted after uninstall');
  }

  /** The app (bot) was removed from a team: forget its channels, their routes and the roster links. */
  async onTeamUninstalled(turn: TurnInfo): Promise<number> {
    const teamId = turn.teamId;
    if (teamId === undefined) return 0;
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
      if (member.aadObjectId === undefined) continue;
      const record = await this.deps.conversations.get(member.aadObjectId);
      if (record && record.conversationId === '' && record.teamId === turn.teamId)
        await this.deps.conversations.delete(member.aadObjectId);
    }
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
    if (aad === undefined || agent === undefined) return false;
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

  /** Email can differ from UPN (teams-platform.md §5): try both, case-insensitively (the directory lowercases). */
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
