import type { ConversationStore } from '../../src/app/ports/conversation-store';
import type { DriftHistoryStore } from '../../src/app/ports/drift-history-store';
import type { DriftStateStore } from '../../src/app/ports/drift-state-store';
import type { Clock } from '../../src/platform/clock';
import type { DriftThresholds } from '../../src/domain/drift-policy';
import { DEFAULT_THRESHOLDS } from '../../src/domain/drift-policy';
import { describeCategory } from '../cards/episode-view';
import { buildMyAdherenceCard, type OwnEpisode } from '../cards/my-adherence-card';
import type { BotReply, TurnInfo } from '../handlers/turn-info';
import type { TeamAwareDirectory } from './watch-target-resolver';

/** Ports of the {@link MyAdherenceCommand}. */
export interface MyAdherenceCommandDeps {
  readonly conversations: ConversationStore;
  readonly driftState: DriftStateStore;
  readonly history: DriftHistoryStore;
  readonly directory: TeamAwareDirectory;
  readonly clock: Clock;
  /** Thresholds that apply to a unit (and scheduled category); defaults to the product defaults. */
  readonly thresholdsFor?: (managementUnitId: string, scheduledActivityCategory?: string) => DriftThresholds;
  /** Link to the "My drift window" tab, for the `my adherence` card. */
  readonly myDriftWindowUrl?: () => string | undefined;
}

const OUTCOME_WORDS: Readonly<Record<string, string>> = {
  resolvedBeforeNudge: 'back on schedule',
  resolvedAfterNudge: 'back on schedule',
  resolvedAfterSupervisorAlert: 'back on schedule',
  becameFormalException: 'went past the exception threshold',
  suppressed: 'no check-in needed',
  removedFromUnit: 'closed',
};

/** The agent's own command in a personal chat: `my adherence`, their drift today and the thresholds that apply. */
export class MyAdherenceCommand {
  constructor(private readonly deps: MyAdherenceCommandDeps) {}

  async answer(turn: TurnInfo): Promise<BotReply> {
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
