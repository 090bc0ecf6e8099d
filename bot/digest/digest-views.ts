import type { DriftScope } from '../../src/analytics/drift-scope';
import { readScopedHistory, scopeOfRoutes, unitsToRead } from '../../src/analytics/drift-scope';
import { reportedWeekOf } from '../../src/analytics/digest-schedule';
import { addDays, isKnownTimeZone, localWeekStarting } from '../../src/analytics/local-calendar';
import { buildWeeklyDigest, type WeeklyDigest } from '../../src/analytics/weekly-digest';
import type { ManagementUnitProfile } from '../../src/app/ports/agent-directory';
import type { ConversationRecord, ConversationStore } from '../../src/app/ports/conversation-store';
import type { DriftHistoryStore } from '../../src/app/ports/drift-history-store';
import type { RouteRecord, RouteStore } from '../../src/app/ports/route-store';
import type { Clock } from '../../src/platform/clock';
import type { DigestSchedule } from '../../src/config/settings';
import type { AdaptiveCard } from '../cards/adaptive-card';
import { buildDigestCard } from '../cards/digest-card';
import { directoryLookups, listKnownTeams, type TeamAwareDirectory } from '../commands/watch-target-resolver';

/** A channel that watches something and so gets the weekly digest. */
export interface DigestChannel {
  /** `channel:<Teams channel id>`. */
  readonly key: string;
  readonly conversation: ConversationRecord;
  readonly scope: DriftScope;
  /** What it watches, in words ("all units", "unit North, team Blue"). */
  readonly label: string;
  /** The zone its weeks and its digest time are read in (see {@link digestTimeZone}). */
  readonly timeZone: string;
  /** When it began watching: its oldest route (epoch ms). */
  readonly watchingSince: number;
}

/** Ports of {@link DigestViews}. */
export interface DigestViewsDeps {
  readonly routes: Pick<RouteStore, 'list' | 'listByConversation'>;
  readonly conversations: Pick<ConversationStore, 'get'>;
  readonly history: Pick<DriftHistoryStore, 'list'>;
  readonly directory: TeamAwareDirectory;
  readonly clock: Clock;
  /** DIGEST_SCHEDULE, to say on the on-demand card when the digest comes. */
  readonly schedule?: DigestSchedule;
  /** The supervisor board's address, for the card's button. */
  readonly boardUrl?: () => string | undefined;
}

const WEEKDAY_NAMES = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'];

/**
 * The weekly digest's read side: which channels watch (from the routes), each channel's time zone and label, and
 * its digest card for a week (drift history in the channel's scope through the pure analytics). Used by the weekly
 * sender and by the `digest` command.
 */
export class DigestViews {
  constructor(private readonly deps: DigestViewsDeps) {}

  /** Every stored, reachable channel with at least one route, by key. */
  async listChannels(): Promise<DigestChannel[]> {
    const byChannel = new Map<string, RouteRecord[]>();
    for await (const route of this.deps.routes.list()) {
      const routes = byChannel.get(route.conversationKey) ?? [];
      routes.push(route);
      byChannel.set(route.conversationKey, routes);
    }
    const channels: DigestChannel[] = [];
    for (const [key, routes] of [...byChannel].sort(([a], [b]) => a.localeCompare(b))) {
      const channel = await this.channelOf(key, routes);
      if (channel !== undefined) channels.push(channel);
    }
    return channels;
  }

  /** One channel, or undefined when it watches nothing or is gone. */
  async channel(key: string): Promise<DigestChannel | undefined> {
    return this.channelOf(key, await this.deps.routes.listByConversation(key));
  }

  /** Every zone a channel's digest can be read in: the units' zones and UTC. */
  timeZones(): string[] {
    return [...new Set(['UTC', ...this.deps.directory.listUnits().map((unit) => zoneOf(unit))])].sort();
  }

  /** The digest of the channel for the local week starting on Monday `weekStart` in `timeZone`. */
  async digest(channel: DigestChannel, weekStart: string, timeZone: string): Promise<WeeklyDigest> {
    const now = this.deps.clock.now();
    const week = localWeekStarting(weekStart, timeZone);
    const weekBefore = localWeekStarting(addDays(weekStart, -7), timeZone);
    const records = await readScopedHistory(
      this.deps.history,
      channel.scope,
      { from: weekBefore.from, to: Math.min(week.to, now) },
      this.lookups(),
    );
    return buildWeeklyDigest(records, { week, timeZone, now });
  }

  /** The card of the channel's digest for the week starting on `weekStart` (read in `timeZone`). */
  async card(
    channel: DigestChannel,
    weekStart: string,
    timeZone: string,
    note?: string,
  ): Promise<AdaptiveCard> {
    return buildDigestCard(await this.digest(channel, weekStart, timeZone), {
      watching: channel.label,
      ...(note === undefined ? {} : { note }),
      ...this.boardLink(),
    });
  }

  /**
   * The digest a channel would get now (the last complete week against the week before), for the `digest` command;
   * undefined when the channel watches nothing.
   */
  async currentCard(key: string): Promise<AdaptiveCard | undefined> {
    const channel = await this.channel(key);
    if (channel === undefined) return undefined;
    const week = reportedWeekOf(this.deps.clock.now(), channel.timeZone);
    return this.card(channel, week.weekStart, channel.timeZone, this.describeSchedule(channel.timeZone));
  }

  private describeSchedule(timeZone: string): string {
    const schedule = this.deps.schedule;
    if (schedule === undefined) return 'Shown on request.';
    if (schedule === 'off') return 'Shown on request; the weekly digest is turned off (DIGEST_SCHEDULE=off).';
    const time = `${String(schedule.hour).padStart(2, '0')}:${String(schedule.minute).padStart(2, '0')}`;
    return `Shown on request; this channel also gets it every ${WEEKDAY_NAMES[schedule.isoWeekday - 1]} at ${time} (${timeZone}).`;
  }

  private boardLink(): { boardUrl?: string } {
    const boardUrl = this.deps.boardUrl?.();
    return boardUrl === undefined ? {} : { boardUrl };
  }

  private async channelOf(key: string, routes: readonly RouteRecord[]): Promise<DigestChannel | undefined> {
    if (routes.length === 0) return undefined;
    const conversation = await this.deps.conversations.get(key);
    if (conversation === undefined || conversation.deadReason !== undefined) return undefined;
    const scope = scopeOfRoutes(routes);
    return {
      key,
      conversation,
      scope,
      label: this.labelOf(scope),
      timeZone: digestTimeZone(this.unitsOf(scope)),
      watchingSince: Math.min(...routes.map((route) => route.createdAt)),
    };
  }

  /** The units a scope sees: every discovered unit for `all`, else its units and the units of its teams. */
  private unitsOf(scope: DriftScope): ManagementUnitProfile[] {
    const { directory } = this.deps;
    if (scope.allUnits) return [...directory.listUnits()];
    const { unitOfTeam } = this.lookups();
    const ids = unitsToRead(scope, unitOfTeam) ?? [
      ...scope.unitIds,
      ...scope.teamIds.flatMap((teamId) => unitOfTeam(teamId) ?? []),
    ];
    return ids.flatMap((id) => directory.getUnit(id) ?? []);
  }

  private labelOf(scope: DriftScope): string {
    if (scope.allUnits) return 'all units';
    const { directory } = this.deps;
    const teams = new Map(listKnownTeams(directory).map((team) => [team.id, team.name]));
    return [
      ...scope.unitIds.map((id) => `unit ${directory.getUnit(id)?.name ?? id}`),
      ...scope.teamIds.map((id) => `team ${teams.get(id) ?? id}`),
    ].join(', ');
  }

  private lookups(): ReturnType<typeof directoryLookups> {
    return directoryLookups(this.deps.directory);
  }
}

/**
 * The one time zone of a channel's digest: the zone most of its units share; a tie goes to the zone of the first of
 * them by unit name; UTC when no unit is known. A channel's digest comes at one local time and its weeks and hours
 * are read in one zone, so a channel watching units in several zones reads them in the zone of most of them (pure).
 */
export function digestTimeZone(units: readonly ManagementUnitProfile[]): string {
  const counts = new Map<string, number>();
  const byName = [...units].sort((a, b) => a.name.localeCompare(b.name) || a.id.localeCompare(b.id));
  for (const unit of byName) counts.set(zoneOf(unit), (counts.get(zoneOf(unit)) ?? 0) + 1);
  let best = 'UTC';
  let bestCount = 0;
  for (const [zone, count] of counts) {
    if (count > bestCount) {
      best = zone;
      bestCount = count;
    }
  }
  return best;
}

function zoneOf(unit: ManagementUnitProfile): string {
  return unit.timeZone !== undefined && isKnownTimeZone(unit.timeZone) ? unit.timeZone : 'UTC';
}
