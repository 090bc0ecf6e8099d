import type { AgentProfile } from '../../src/app/ports/agent-directory';
import type { ConversationRecord, ConversationStore } from '../../src/app/ports/conversation-store';
import type { RouteRecord, RouteStore } from '../../src/app/ports/route-store';
import type { Clock } from '../../src/platform/clock';
import type { Logger } from '../../src/platform/logger';
import type { DriftScope } from '../../src/analytics/drift-scope';
import { EMPTY_SCOPE, mergeScopes, scopeOfRoutes } from '../../src/analytics/drift-scope';
import type { TeamAwareDirectory } from '../commands/watch-target-resolver';
import type { TeamsMessenger } from '../delivery/teams-messenger';

/** Who is looking at a tab or calling the report API. */
export interface Viewer {
  /** Entra object id (lower case); `local:<person id>` in local mode. */
  readonly id: string;
  readonly name?: string;
  /** Sign-in name or email from the token (or the simulator). */
  readonly userName?: string;
  readonly email?: string;
  /** Local mode: the persona chosen on the page (agent or supervisor) and, for an agent, the Genesys agent id. */
  readonly local?: { readonly role: 'agent' | 'supervisor'; readonly agentId?: string };
}

/** A channel that watches something and whose team the viewer belongs to. */
export interface WatchingChannel {
  /** `channel:<Teams channel id>`. */
  readonly key: string;
  readonly channelId: string;
  readonly channelName?: string;
  readonly teamId: string;
  readonly teamName?: string;
  readonly routes: readonly RouteRecord[];
}

/** What a viewer may see: their own agent profile, and as a supervisor the union of their watching channels. */
export interface ViewerAccess {
  readonly viewer: Viewer;
  readonly agent?: AgentProfile;
  readonly channels: readonly WatchingChannel[];
  readonly scope: DriftScope;
  /** Some team rosters could not be read (Teams unavailable): the scope may be smaller than it should be. */
  readonly isMembershipPartial: boolean;
}

/** Whether a viewer belongs to the team of a channel: `unknown` when Teams could not be asked. */
export type Membership = 'member' | 'notMember' | 'unknown';

/** Answers team membership for the viewer of a watching channel. */
export interface TeamMembership {
  check(channel: ConversationRecord, viewer: Viewer): Promise<Membership>;
}

/** How long a team roster read from Teams is trusted, and how soon a miss may read it again. */
export const ROSTER_TTL_IN_MS = 10 * 60_000;
export const ROSTER_RECHECK_AFTER_IN_MS = 60_000;

/**
 * Team membership from the team roster, read through the Teams gateway (`getPagedTeamMembers`, bot/teams/) and kept
 * per team for 10 minutes; a viewer not on a cached roster triggers one fresh read per team per minute (someone just
 * added). A read that fails answers `unknown` and is not cached. Members are matched by Entra object id.
 */
export class RosterMembership implements TeamMembership {
  private readonly rosters = new Map<
    string,
    { readonly objectIds: ReadonlySet<string>; readonly readAt: number }
  >();
  private readonly reading = new Map<string, Promise<ReadonlySet<string> | undefined>>();

  constructor(
    private readonly deps: {
      readonly messenger: Pick<TeamsMessenger, 'getPagedTeamMembers'>;
      readonly clock: Clock;
      readonly logger: Logger;
    },
  ) {}

  async check(channel: ConversationRecord, viewer: Viewer): Promise<Membership> {
    const teamId = channel.teamId;
    if (teamId === undefined || viewer.local !== undefined) return 'notMember';
    const now = this.deps.clock.now();
    const cached = this.rosters.get(teamId);
    if (cached && now - cached.readAt < ROSTER_TTL_IN_MS) {
      if (cached.objectIds.has(viewer.id)) return 'member';
      if (now - cached.readAt < ROSTER_RECHECK_AFTER_IN_MS) return 'notMember';
    }
    const roster = await this.read(channel, teamId);
    if (roster === undefined) return 'unknown';
    return roster.has(viewer.id) ? 'member' : 'notMember';
  }

  private read(channel: ConversationRecord, teamId: string): Promise<ReadonlySet<string> | undefined> {
    const pending = this.reading.get(teamId);
    if (pending) return pending;
    const read = (async () => {
      const result = await this.deps.messenger.getPagedTeamMembers(
        {
          serviceUrl: channel.serviceUrl,
          conversationId: channel.conversationId,
          tenantId: channel.tenantId,
          reference: channel.reference,
        },
        teamId,
      );
      if (result.status !== 'ok') {
        this.deps.logger.warn(
          { teamId, status: result.status },
          'could not read a team roster for tab access',
        );
        return undefined;
      }
      const objectIds = new Set(
        result.value.flatMap((member) => (member.aadObjectId ? [member.aadObjectId.toLowerCase()] : [])),
      );
      this.rosters.set(teamId, { objectIds, readAt: this.deps.clock.now() });
      return objectIds;
    })().finally(() => this.reading.delete(teamId));
    this.reading.set(teamId, read);
    return read;
  }
}

/** Local mode (no BOT_ID, loopback only): a persona chosen as supervisor belongs to every watching channel's team. */
export class LocalMembership implements TeamMembership {
  check(_channel: ConversationRecord, viewer: Viewer): Promise<Membership> {
    return Promise.resolve(viewer.local?.role === 'supervisor' ? 'member' : 'notMember');
  }
}

/** Ports of a {@link ViewerAccessResolver}. */
export interface ViewerAccessDeps {
  readonly conversations: Pick<ConversationStore, 'get'>;
  readonly routes: Pick<RouteStore, 'list'>;
  readonly directory: TeamAwareDirectory;
  readonly membership: TeamMembership;
  readonly clock: Clock;
}

/** How long the list of watching channels (routes and channel records) is reused between requests. */
const CHANNELS_TTL_IN_MS = 15_000;

/**
 * Decides what a viewer may see. Agent: the Teams user's personal record (Entra object id → linked agent id, as
 * stored at install), else their sign-in name or email matched to a Genesys agent. Supervisor: every channel with a
 * route (`watch …`) whose Teams team the viewer belongs to ({@link TeamMembership}); the scope is the union of those
 * channels' routes, or one channel's when `channelId` is given (the channel tab).
 */
export class ViewerAccessResolver {
  private channelsCache?: { readonly at: number; readonly channels: Promise<ChannelWithRecord[]> };

  constructor(private readonly deps: ViewerAccessDeps) {}

  async resolve(viewer: Viewer, options: { readonly channelId?: string } = {}): Promise<ViewerAccess> {
    const agent = await this.findAgent(viewer);
    const candidates = (await this.watchingChannels()).filter(
      (candidate) => options.channelId === undefined || candidate.channel.channelId === options.channelId,
    );
    const memberOf: WatchingChannel[] = [];
    let isMembershipPartial = false;
    const byTeam = new Map<string, Membership>();
    for (const candidate of candidates) {
      let membership = byTeam.get(candidate.teamId);
      if (membership === undefined) {
        membership = await this.deps.membership.check(candidate.record, viewer);
        byTeam.set(candidate.teamId, membership);
      }
      if (membership === 'member') memberOf.push(candidate.channel);
      if (membership === 'unknown') isMembershipPartial = true;
    }
    const scope =
      memberOf.length === 0
        ? EMPTY_SCOPE
        : mergeScopes(memberOf.map((channel) => scopeOfRoutes(channel.routes)));
    return { viewer, agent, channels: memberOf, scope, isMembershipPartial };
  }

  private async findAgent(viewer: Viewer): Promise<AgentProfile | undefined> {
    const { directory } = this.deps;
    if (viewer.local !== undefined)
      return viewer.local.agentId === undefined ? undefined : directory.getAgent(viewer.local.agentId);
    const record = await this.deps.conversations.get(viewer.id);
    const linked = record?.agentId === undefined ? undefined : directory.getAgent(record.agentId);
    if (linked) return linked;
    // Email can differ from the sign-in name: try both, case-insensitively (the directory keys emails lower case).
    for (const candidate of [viewer.email, viewer.userName, record?.email, record?.userPrincipalName]) {
      if (candidate === undefined || candidate === '') continue;
      const agent = directory.findAgentByEmail(candidate.trim().toLowerCase());
      if (agent) return agent;
    }
    return undefined;
  }

  private watchingChannels(): Promise<ChannelWithRecord[]> {
    const now = this.deps.clock.now();
    if (this.channelsCache && now - this.channelsCache.at < CHANNELS_TTL_IN_MS)
      return this.channelsCache.channels;
    const channels = this.readWatchingChannels();
    this.channelsCache = { at: now, channels };
    channels.catch(() => (this.channelsCache = undefined));
    return channels;
  }

  private async readWatchingChannels(): Promise<ChannelWithRecord[]> {
    const routesByChannel = new Map<string, RouteRecord[]>();
    for await (const route of this.deps.routes.list()) {
      const routes = routesByChannel.get(route.conversationKey) ?? [];
      routes.push(route);
      routesByChannel.set(route.conversationKey, routes);
    }
    const channels: ChannelWithRecord[] = [];
    for (const [key, routes] of routesByChannel) {
      const record = await this.deps.conversations.get(key);
      if (
        !record ||
        record.kind !== 'channel' ||
        record.teamId === undefined ||
        record.deadReason !== undefined
      )
        continue;
      channels.push({
        teamId: record.teamId,
        record,
        channel: {
          key,
          channelId: record.channelId ?? record.conversationId,
          channelName: record.channelName,
          teamId: record.teamId,
          teamName: record.teamName,
          routes,
        },
      });
    }
    return channels;
  }
}

interface ChannelWithRecord {
  readonly teamId: string;
  readonly record: ConversationRecord;
  readonly channel: WatchingChannel;
}
