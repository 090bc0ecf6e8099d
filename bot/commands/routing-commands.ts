import type { ConversationStore } from '../../src/app/ports/conversation-store';
import type { RouteRecord, RouteStore } from '../../src/app/ports/route-store';
import type { Clock } from '../../src/platform/clock';
import type { Logger } from '../../src/platform/logger';
import { escapeMarkdown, quoteTyped } from '../cards/markdown';
import { buildRouteMovedCard } from '../cards/route-notice-card';
import type { TeamsCallGate } from '../delivery/teams-call-gate';
import type { TeamsMessenger } from '../delivery/teams-messenger';
import { locationOf } from '../handlers/conversation-location';
import type { BotReply, TurnInfo } from '../handlers/turn-info';
import { findCoveringRoutes, findNarrowerRoutes } from './route-conflicts';
import type { CommandSender, RoutingEntitlements } from './routing-entitlements';
import {
  listKnownTeams,
  resolveWatchTarget,
  type TeamAwareDirectory,
  type WatchTarget,
} from './watch-target-resolver';

/** Ports of the {@link RoutingCommands}. */
export interface RoutingCommandsDeps {
  readonly conversations: ConversationStore;
  readonly routes: RouteStore;
  readonly directory: TeamAwareDirectory;
  readonly clock: Clock;
  /** Who may run watch, unwatch and move (WATCH_ADMINS, optionally unit managers). */
  readonly entitlements: RoutingEntitlements;
  /** Reads the sender's email/UPN and tells a channel that lost a route; none = no profile, no notice (unit tests). */
  readonly messenger?: TeamsMessenger;
  /** The Teams budget those calls wait for. */
  readonly gate?: TeamsCallGate;
}

/** The channel commands that choose where drift alerts go: `watch`, `move` and `unwatch`, for entitled senders. */
export class RoutingCommands {
  constructor(
    private readonly deps: RoutingCommandsDeps,
    private readonly log: Logger,
    /** Counts a refused command by reason (`notEntitled`, `alertsGoElsewhere`). */
    private readonly countRefusal: (reason: string) => void,
  ) {}

  /** Routes a target's alerts here, unless another live channel gets them (then that channel is named). */
  async watch(key: string, typed: string, turn: TurnInfo): Promise<BotReply> {
    const allowed = await this.authorize(typed, turn);
    if (allowed.kind !== 'allowed') return allowed.reply;
    const { target } = allowed;
    const covering = await this.liveCoveringRoutes(target, key);
    if (covering.length > 0) {
      const where = await this.describeChannels(covering.map((route) => route.conversationKey));
      this.log.info(
        { scope: target.scope, targetId: target.targetId },
        'watch refused: another channel gets these alerts',
      );
      this.countRefusal('alertsGoElsewhere');
      return {
        kind: 'text',
        text: `Drift alerts for ${escapeMarkdown(target.label)} already go to ${where}. Two channels can't share them, so nothing changed: ask there to unwatch, or type "move ${quoteTyped(typed)}" to move them here (that channel will be told).`,
      };
    }
    await this.addRoute(key, target, turn);
    return { kind: 'text', text: await this.confirmation(key, target) };
  }

  /** Routes a target here even though another channel gets its alerts; the channels that lose them are told. */
  async move(key: string, typed: string, turn: TurnInfo): Promise<BotReply> {
    const allowed = await this.authorize(typed, turn);
    if (allowed.kind !== 'allowed') return allowed.reply;
    const { target } = allowed;
    const covering = await this.liveCoveringRoutes(target, key);
    for (const route of covering) {
      // Same target elsewhere: it moves. A broader route (a unit, or all) stays and keeps everything else.
      if (route.scope === target.scope && route.targetId === target.targetId)
        await this.deps.routes.delete(route.scope, route.targetId, route.conversationKey);
    }
    await this.addRoute(key, target, turn);
    const here = await this.describeChannels([key]);
    const by = turn.from.name ?? 'a supervisor';
    const told = new Set<string>();
    for (const route of covering) {
      if (told.has(route.conversationKey)) continue;
      told.add(route.conversationKey);
      await this.tellChannel(route.conversationKey, buildRouteMovedCard(target.label, here, by));
    }
    this.log.info(
      { scope: target.scope, targetId: target.targetId, channelsTold: told.size },
      'alerts moved to this channel',
    );
    const moved =
      told.size === 0
        ? ''
        : ` ${told.size === 1 ? 'The channel' : `The ${told.size} channels`} that got them ${told.size === 1 ? 'was' : 'were'} told.`;
    return { kind: 'text', text: `${await this.confirmation(key, target)}${moved}` };
  }

  /** Stops routing a target here; a target gone from the directory can still be named by its id. */
  async unwatch(key: string, typed: string, turn: TurnInfo): Promise<BotReply> {
    const existing = await this.deps.routes.listByConversation(key);
    const resolved = resolveWatchTarget(this.deps.directory, typed);
    // A target no longer in the directory can still be unwatched by its id.
    const byId = existing.find((route) => route.targetId.toLowerCase() === typed.trim().toLowerCase());
    const target: WatchTarget | undefined =
      resolved.status === 'found'
        ? resolved.target
        : byId && { scope: byId.scope, targetId: byId.targetId, label: byId.targetId };
    const sender = await this.senderOf(turn);
    const isAllowed = target
      ? await this.deps.entitlements.mayRoute(sender, target)
      : this.deps.entitlements.isAdmin(sender);
    if (!isAllowed) return this.refusal(turn);
    if (!target)
      return {
        kind: 'text',
        text: this.notResolved(typed, resolved as { status: 'notFound' | 'ambiguous'; candidates: string[] }),
      };
    if (!existing.some((route) => route.scope === target.scope && route.targetId === target.targetId)) {
      return { kind: 'text', text: `This channel was not watching ${escapeMarkdown(target.label)}.` };
    }
    await this.deps.routes.delete(target.scope, target.targetId, key);
    this.log.info(
      { scope: target.scope, targetId: target.targetId, conversationKey: key },
      'channel stopped watching a target',
    );
    return {
      kind: 'text',
      text: `This channel no longer gets drift alerts for ${escapeMarkdown(target.label)}.`,
    };
  }

  /**
   * Whether the sender may route what they typed. The refusal comes before anything is resolved, so someone who may
   * not route learns nothing about the units and teams that exist.
   */
  private async authorize(
    typed: string,
    turn: TurnInfo,
  ): Promise<{ kind: 'allowed'; target: WatchTarget } | { kind: 'refused'; reply: BotReply }> {
    const sender = await this.senderOf(turn);
    const resolved = resolveWatchTarget(this.deps.directory, typed);
    const isAllowed =
      this.deps.entitlements.isAdmin(sender) ||
      (resolved.status === 'found' && (await this.deps.entitlements.mayRoute(sender, resolved.target)));
    if (!isAllowed) return { kind: 'refused', reply: this.refusal(turn) };
    if (resolved.status !== 'found')
      return { kind: 'refused', reply: { kind: 'text', text: this.notResolved(typed, resolved) } };
    return { kind: 'allowed', target: resolved.target };
  }

  private refusal(turn: TurnInfo): BotReply {
    this.log.info({ conversationType: turn.conversationType }, 'routing command refused: not entitled');
    this.countRefusal('notEntitled');
    return {
      kind: 'text',
      text: `Sorry, only ${escapeMarkdown(this.deps.entitlements.describeWhoMay())} can choose which drift alerts come to a channel (adherence data is shared as your admin decides). Nothing changed.`,
    };
  }

  /** Who typed the command: the Entra object id, plus email and UPN from Teams when the entitlements need them. */
  private async senderOf(turn: TurnInfo): Promise<CommandSender> {
    const sender: CommandSender = { aadObjectId: turn.from.aadObjectId };
    const { entitlements, messenger, gate } = this.deps;
    if (entitlements.isAdmin(sender) || !entitlements.needsProfile() || messenger === undefined)
      return sender;
    if (gate && !(await gate.take(turn.conversationId, turn.tenantId))) return sender;
    const member = await messenger.getMember(locationOf(turn), turn.from.id);
    if (member.status !== 'ok' || member.value === undefined) return sender;
    return { ...sender, email: member.value.email, userPrincipalName: member.value.userPrincipalName };
  }

  private async addRoute(key: string, target: WatchTarget, turn: TurnInfo): Promise<void> {
    await this.deps.routes.upsert({
      scope: target.scope,
      targetId: target.targetId,
      conversationKey: key,
      createdBy: turn.from.aadObjectId,
      createdAt: this.deps.clock.now(),
    });
    this.log.info(
      { scope: target.scope, targetId: target.targetId, conversationKey: key },
      'channel watches a new target',
    );
  }

  /** What a channel now gets, naming the narrower routes elsewhere that keep their alerts. */
  private async confirmation(key: string, target: WatchTarget): Promise<string> {
    const routes = await this.listRoutes();
    const narrower = (await this.live(findNarrowerRoutes(routes, target, key, this.unitOfTeam))).slice(0, 5);
    const labelOf = (route: RouteRecord): string =>
      route.scope === 'managementUnit'
        ? `unit ${this.deps.directory.getUnit(route.targetId)?.name ?? route.targetId}`
        : `team ${listKnownTeams(this.deps.directory).find((team) => team.id === route.targetId)?.name ?? route.targetId}`;
    const except =
      narrower.length === 0
        ? ''
        : ` Except ${narrower.map((route) => escapeMarkdown(labelOf(route))).join(', ')}: another channel watches ${narrower.length === 1 ? 'it' : 'them'}.`;
    return `This channel now gets drift alerts for ${escapeMarkdown(target.label)}.${except}`;
  }

  private async liveCoveringRoutes(target: WatchTarget, key: string): Promise<RouteRecord[]> {
    return this.live(findCoveringRoutes(await this.listRoutes(), target, key, this.unitOfTeam));
  }

  private readonly unitOfTeam = (teamId: string): string | undefined =>
    listKnownTeams(this.deps.directory).find((team) => team.id === teamId)?.managementUnitId;

  private async listRoutes(): Promise<RouteRecord[]> {
    const routes: RouteRecord[] = [];
    for await (const route of this.deps.routes.list()) routes.push(route);
    return routes;
  }

  /** The routes whose channel is still stored and reachable (a dead channel gets nothing, so loses nothing). */
  private async live(routes: readonly RouteRecord[]): Promise<RouteRecord[]> {
    const live: RouteRecord[] = [];
    for (const route of routes) {
      const channel = await this.deps.conversations.get(route.conversationKey);
      if (channel !== undefined && channel.deadReason === undefined) live.push(route);
    }
    return live;
  }

  /** Channel names for a message: "Alerts (team Support)", escaped. */
  private async describeChannels(keys: readonly string[]): Promise<string> {
    const names: string[] = [];
    for (const key of new Set(keys)) {
      const channel = await this.deps.conversations.get(key);
      const name = channel?.channelName ?? 'another channel';
      names.push(escapeMarkdown(channel?.teamName ? `${name} (team ${channel.teamName})` : name));
    }
    return names.join(', ');
  }

  /** Posts a notice in a stored channel, within the Teams budget; a channel that cannot be reached is skipped. */
  private async tellChannel(key: string, card: object): Promise<void> {
    const { messenger, gate } = this.deps;
    const channel = await this.deps.conversations.get(key);
    if (messenger === undefined || channel === undefined || channel.deadReason !== undefined) return;
    if (gate && !(await gate.take(channel.conversationId, channel.tenantId))) {
      this.log.warn({ conversationKey: key }, 'route notice not sent: the Teams budget had no slot in time');
      return;
    }
    const result = await messenger.postToChannel(channel, card);
    if (result.status !== 'sent')
      this.log.warn({ conversationKey: key, status: result.status }, 'route notice not sent');
  }

  /** Answers an unknown or ambiguous target without listing every unit and team. */
  private notResolved(
    typed: string,
    resolved: { readonly status: 'notFound' | 'ambiguous'; readonly candidates: string[] },
  ): string {
    if (resolved.status === 'ambiguous')
      return `"${quoteTyped(typed)}" matches several: ${escapeMarkdown(resolved.candidates.slice(0, 5).join(', '))}. Use the id.`;
    return `I don't know a management unit or team called "${quoteTyped(typed)}". Check the name in Genesys Cloud, or use its id.`;
  }
}
