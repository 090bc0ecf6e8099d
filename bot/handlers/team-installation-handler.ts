import type { TeamsMember } from '../delivery/teams-messenger';
import type { WelcomeOffer } from '../delivery/welcome-sender';
import { buildHelpCard } from '../cards/help-card';
import { hasLocation, locationOf } from './conversation-location';
import { InstallationBase, SAME_INSTALL_WITHIN_MS, type InstallKind } from './installation-base';
import type { TurnInfo } from './turn-info';
import { baseConversationId, channelKey, isPersonalKey } from './turn-info';

/** What a team install stored. */
export interface TeamInstallResult {
  readonly channels: number;
  readonly membersRead: number;
  readonly agentsLinked: number;
  readonly welcome?: WelcomeOffer;
}

/**
 * Installs and removals in a team: stores the team's channels and links the agents on its roster (as personal
 * records without a chat yet, so a first nudge can create the chat), welcomes the team once; an uninstall forgets its
 * channels, their routes and the roster links.
 */
export class TeamInstallationHandler extends InstallationBase {
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
}
