import { buildDriftReport } from '../../src/analytics/drift-report';
import type {
  Clock,
  ConversationStore,
  DriftHistoryRecord,
  DriftHistoryStore,
  DriftStateStore,
  Logger,
  RouteRecord,
  RouteStore,
} from '../../src/app/ports';
import type { DriftThresholds } from '../../src/domain/drift-policy';
import { DEFAULT_THRESHOLDS } from '../../src/domain/drift-policy';
import { buildHelpCard } from '../cards/help-card';
import { buildMyAdherenceCard, type OwnEpisode } from '../cards/my-adherence-card';
import { buildReportCard } from '../cards/report-card';
import { buildStatusCard, type StatusEntry } from '../cards/status-card';
import { describeCategory } from '../cards/episode-view';
import { escapeMarkdown, quoteTyped } from '../cards/markdown';
import { buildRouteMovedCard } from '../cards/route-notice-card';
import type { AdaptiveCard } from '../cards/adaptive-card';
import type { TeamsCallGate } from '../delivery/teams-call-gate';
import type { TeamsMessenger } from '../delivery/teams-messenger';
import { locationOf } from '../handlers/installation-handler';
import type { BotReply, TurnInfo } from '../handlers/turn-info';
import { channelKey } from '../handlers/turn-info';
import { parseCommand } from './parse-command';
import { findCoveringRoutes, findNarrowerRoutes } from './route-conflicts';
import type { CommandSender, RoutingEntitlements } from './routing-entitlements';
import {
  listKnownTeams,
  resolveWatchTarget,
  type TeamAwareDirectory,
  type WatchTarget,
} from './watch-target-resolver';

/** Ports of a {@link CommandHandler}. */
export interface CommandHandlerDeps {
  readonly conversations: ConversationStore;
  readonly routes: RouteStore;
  readonly driftState: DriftStateStore;
  readonly history: DriftHistoryStore;
  readonly directory: TeamAwareDirectory;
  readonly clock: Clock;
  readonly logger: Logger;
  /** Thresholds that apply to a unit (and scheduled category); defaults to the product defaults. */
  readonly thresholdsFor?: (managementUnitId: string, scheduledActivityCategory?: string) => DriftThresholds;
  /** Link to the "My drift window" tab, for the `my adherence` card. */
  readonly myDriftWindowUrl?: () => string | undefined;
  /** Who may run watch, unwatch and move (WATCH_ADMINS, optionally unit managers). */
  readonly entitlements: RoutingEntitlements;
  /** Reads the sender's email/UPN and tells a channel that lost a route; none = no profile, no notice (unit tests). */
  readonly messenger?: TeamsMessenger;
  /** The Teams budget those calls wait for. */
  readonly gate?: TeamsCallGate;
  /** The bot's own tenant (BOT_TENANT_ID, or the Playground's locally): channel commands answer only there. */
  readonly tenantId?: string;
  /** Refused commands by reason (`notEntitled`, `otherTenant`, `alertsGoElsewhere`), rendered by /metrics. */
  readonly refusals?: Record<string, number>;
  /** The weekly digest card a channel would get now (`digest`); undefined when it watches nothing. */
  readonly digestCard?: (conversationKey: string) => Promise<AdaptiveCard | undefined>;
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

/** Days the `report` command covers. */
const REPORT_DAYS = 7;

const OUTCOME_WORDS: Readonly<Record<string, string>> = {
  resolvedBeforeNudge: 'back on schedule',
  resolvedAfterNudge: 'back on schedule',
  resolvedAfterSupervisorAlert: 'back on schedule',
  becameFormalException: 'went past the exception threshold',
  suppressed: 'no check-in needed',
  removedFromUnit: 'closed',
};

/** Runs typed commands (SDK-free): watch/unwatch/status/report in a channel, my adherence/help in a personal chat. */
export class CommandHandler {
  private readonly log: Logger;

  constructor(private readonly deps: CommandHandlerDeps) {
    this.log = deps.logger.child({ component: 'commands' });
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
          return this.watch(key, command.target, turn);
        case 'move':
          return this.move(key, command.target, turn);
        case 'unwatch':
          return this.unwatch(key, command.target, turn);
        case 'status':
          return this.status(key);
        case 'report':
          return this.report(key);
        case 'reportAgents':
          return this.report(key, { withAgents: true });
        case 'digest':
          return this.digest(key);
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
          return this.myAdherence(turn);
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

  private async watch(key: string, typed: string, turn: TurnInfo): Promise<BotReply> {
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
  private async move(key: string, typed: string, turn: TurnInfo): Promise<BotReply> {
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

  private async unwatch(key: string, typed: string, turn: TurnInfo): Promise<BotReply> {
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

  private countRefusal(reason: string): void {
    if (this.deps.refusals) this.deps.refusals[reason] = (this.deps.refusals[reason] ?? 0) + 1;
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

  private isOwnTenant(turn: TurnInfo): boolean {
    const own = this.deps.tenantId;
    return own === undefined || turn.tenantId?.toLowerCase() === own.toLowerCase();
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

  /** The units (and teams) a channel watches, with a label; undefined units = every unit. */
  private async scopeOf(
    key: string,
  ): Promise<{ routes: RouteRecord[]; unitIds?: string[]; teamIds: Set<string>; label: string } | undefined> {
    const routes = await this.deps.routes.listByConversation(key);
    if (routes.length === 0) return undefined;
    const { directory } = this.deps;
    if (routes.some((route) => route.scope === 'all'))
      return { routes, unitIds: undefined, teamIds: new Set(), label: 'all units' };
    const units = new Set<string>();
    const teamIds = new Set<string>();
    const teams = listKnownTeams(directory);
    const labels: string[] = [];
    for (const route of routes) {
      if (route.scope === 'managementUnit') {
        units.add(route.targetId);
        labels.push(directory.getUnit(route.targetId)?.name ?? route.targetId);
      } else {
        teamIds.add(route.targetId);
        const team = teams.find((known) => known.id === route.targetId);
        if (team) units.add(team.managementUnitId);
        labels.push(`team ${team?.name ?? route.targetId}`);
      }
    }
    return { routes, unitIds: [...units], teamIds, label: labels.join(', ') };
  }

  /** Whether an agent (unit, team) is inside a channel's scope. */
  private inScope(
    scope: { routes: RouteRecord[]; unitIds?: string[]; teamIds: Set<string> },
    unitId: string,
    teamId: string | undefined,
  ): boolean {
    if (scope.unitIds === undefined) return true;
    return scope.routes.some(
      (route) =>
        (route.scope === 'managementUnit' && route.targetId === unitId) ||
        (route.scope === 'team' && teamId !== undefined && route.targetId === teamId),
    );
  }

  private async status(key: string): Promise<BotReply> {
    const scope = await this.scopeOf(key);
    if (!scope)
      return {
        kind: 'text',
        text: 'This channel watches nothing yet. Try "watch all" or "watch <unit or team>".',
      };
    const now = this.deps.clock.now();
    const entries: StatusEntry[] = [];
    const unitIds: (string | undefined)[] = scope.unitIds ?? [undefined];
    for (const unitId of unitIds) {
      for await (const state of this.deps.driftState.list(unitId)) {
        const episode = state.episode;
        if (!episode || episode.endedAt !== undefined) continue;
        const teamId = episode.teamId ?? state.teamId ?? this.deps.directory.getAgent(state.agentId)?.teamId;
        if (!this.inScope(scope, state.managementUnitId, teamId)) continue;
        entries.push({
          agentName: this.deps.directory.getAgent(state.agentId)?.name ?? state.agentId,
          unitName: this.deps.directory.getUnit(state.managementUnitId)?.name ?? state.managementUnitId,
          stage: episode.stage,
          minutes: Math.max(0, Math.floor((now - episode.driftStartedAt) / 60_000)),
          isHeld: episode.suppression !== undefined,
        });
      }
    }
    return { kind: 'card', card: buildStatusCard(scope.label, entries, now) };
  }

  private async digest(key: string): Promise<BotReply> {
    const card = await this.deps.digestCard?.(key);
    return card === undefined
      ? { kind: 'text', text: 'This channel watches nothing yet. Try "watch all" or "watch <unit or team>".' }
      : { kind: 'card', card };
  }

  /** The last 7 days; per-agent figures only with `report agents` (the plain report is no ranking of people). */
  private async report(key: string, options: { readonly withAgents?: boolean } = {}): Promise<BotReply> {
    const scope = await this.scopeOf(key);
    if (!scope)
      return {
        kind: 'text',
        text: 'This channel watches nothing yet. Try "watch all" or "watch <unit or team>".',
      };
    const to = this.deps.clock.now();
    const from = to - REPORT_DAYS * 24 * 3_600_000;
    const records: DriftHistoryRecord[] = [];
    for await (const record of this.deps.history.list({ from, to, managementUnitIds: scope.unitIds })) {
      const teamId = record.episode.teamId ?? this.deps.directory.getAgent(record.episode.agentId)?.teamId;
      if (this.inScope(scope, record.episode.managementUnitId, teamId)) records.push(record);
    }
    // Hours of day are read in the unit's time zone when the channel watches exactly one unit that has one.
    const zones = new Set(
      (scope.unitIds ?? []).map((unitId) => this.deps.directory.getUnit(unitId)?.timeZone),
    );
    const timeZone = zones.size === 1 ? [...zones][0] : undefined;
    const report = buildDriftReport(records, { from, to, top: 5, ...(timeZone ? { timeZone } : {}) });
    return { kind: 'card', card: buildReportCard(scope.label, report, options) };
  }

  private async myAdherence(turn: TurnInfo): Promise<BotReply> {
    const aad = turn.from.aadObjectId;
    const record = aad ? await this.deps.conversations.get(aad) : undefined;
    const agent = record?.agentId ? this.deps.directory.getAgent(record.agentId) : undefined;
    if (!agent) {
      return {
        kind: 'text',
        text: "I couldn't match your Teams account to a Genesys Cloud agent (I match your Teams email or sign-in name to your Genesys email). Ask your admin to check they are the same.",
      };
    }
    const now = this.deps.clock.now();
    const state = await this.deps.driftState.get({
      managementUnitId: agent.managementUnitId,
      agentId: agent.id,
    });
    const open = state?.episode && state.episode.endedAt === undefined ? state.episode : undefined;
    const startOfDay = startOfLocalDay(now, this.deps.directory.getUnit(agent.managementUnitId)?.timeZone);
    const today: OwnEpisode[] = [];
    for await (const row of this.deps.history.list({
      from: startOfDay,
      to: now + 1,
      managementUnitIds: [agent.managementUnitId],
    })) {
      if (row.episode.agentId !== agent.id || row.episode.id === open?.id) continue;
      const end = row.episode.endedAt ?? now;
      today.push({
        startedAt: row.episode.driftStartedAt,
        minutes: Math.floor((end - row.episode.driftStartedAt) / 60_000),
        outcome: OUTCOME_WORDS[row.episode.outcome ?? ''] ?? 'still open',
      });
    }
    if (open)
      today.push({
        startedAt: open.driftStartedAt,
        minutes: Math.floor((now - open.driftStartedAt) / 60_000),
        outcome: 'still open',
      });
    today.sort((a, b) => a.startedAt - b.startedAt);
    const thresholds =
      this.deps.thresholdsFor?.(agent.managementUnitId, open?.scheduledActivityCategory) ??
      DEFAULT_THRESHOLDS;
    return {
      kind: 'card',
      card: buildMyAdherenceCard({
        agentName: agent.name,
        current: open && {
          scheduledLabel: describeCategory(open.scheduledActivityCategory),
          actualLabel: describeCategory(open.actualActivityCategory),
          since: open.driftStartedAt,
          minutes: Math.max(0, Math.floor((now - open.driftStartedAt) / 60_000)),
        },
        today,
        thresholds,
        windowUrl: this.deps.myDriftWindowUrl?.(),
      }),
    };
  }
}

/** Midnight of `now`'s day in `timeZone` (UTC when unknown or invalid), epoch ms. */
export function startOfLocalDay(now: number, timeZone: string | undefined): number {
  let parts: Intl.DateTimeFormatPart[];
  try {
    parts = new Intl.DateTimeFormat('en-GB', {
      timeZone: timeZone ?? 'UTC',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
      hourCycle: 'h23',
    }).formatToParts(now);
  } catch {
    parts = new Intl.DateTimeFormat('en-GB', {
      timeZone: 'UTC',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
      hourCycle: 'h23',
    }).formatToParts(now);
  }
  const part = (type: string): number => Number(parts.find((p) => p.type === type)?.value ?? 0);
  return now - ((part('hour') * 60 + part('minute')) * 60 + part('second')) * 1_000 - (now % 1_000);
}
