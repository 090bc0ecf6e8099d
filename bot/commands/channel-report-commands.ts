import { buildDriftReport } from '../../src/analytics/drift-report';
import type { DriftHistoryRecord, DriftHistoryStore } from '../../src/app/ports/drift-history-store';
import type { DriftStateStore } from '../../src/app/ports/drift-state-store';
import type { RouteRecord, RouteStore } from '../../src/app/ports/route-store';
import type { Clock } from '../../src/platform/clock';
import type { AdaptiveCard } from '../cards/adaptive-card';
import { buildReportCard } from '../cards/report-card';
import { buildStatusCard, type StatusEntry } from '../cards/status-card';
import type { BotReply } from '../handlers/turn-info';
import { listKnownTeams, type TeamAwareDirectory } from './watch-target-resolver';

/** Ports of the {@link ChannelReportCommands}. */
export interface ChannelReportCommandsDeps {
  readonly routes: RouteStore;
  readonly driftState: DriftStateStore;
  readonly history: DriftHistoryStore;
  readonly directory: TeamAwareDirectory;
  readonly clock: Clock;
  /** The weekly digest card a channel would get now (`digest`); undefined when it watches nothing. */
  readonly digestCard?: (conversationKey: string) => Promise<AdaptiveCard | undefined>;
}

/** Days the `report` command covers. */
const REPORT_DAYS = 7;

/** The channel commands that show what a channel watches: `status` (drifting now), `report` and `digest`. */
export class ChannelReportCommands {
  constructor(private readonly deps: ChannelReportCommandsDeps) {}

  /** Who in the channel's scope is drifting now, at which stage and for how long. */
  async status(key: string): Promise<BotReply> {
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

  /** The weekly digest as it stands now (a reply: the digest ledger is not touched). */
  async digest(key: string): Promise<BotReply> {
    const card = await this.deps.digestCard?.(key);
    return card === undefined
      ? { kind: 'text', text: 'This channel watches nothing yet. Try "watch all" or "watch <unit or team>".' }
      : { kind: 'card', card };
  }

  /** The last 7 days; per-agent figures only with `report agents` (the plain report is no ranking of people). */
  async report(key: string, options: { readonly withAgents?: boolean } = {}): Promise<BotReply> {
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
}
