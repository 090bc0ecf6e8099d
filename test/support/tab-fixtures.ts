import type { ConversationStore } from '../../src/app/ports/conversation-store';
import type { DriftHistoryRecord, DriftHistoryStore } from '../../src/app/ports/drift-history-store';
import type { RouteStore } from '../../src/app/ports/route-store';
import type { DriftEpisode, DriftOutcome } from '../../src/domain/drift-episode';

/** A Teams channel that watches something, as `watch …` leaves it in the stores. */
export interface WatchingChannelFixture {
  readonly teamId: string;
  readonly teamName: string;
  readonly channelId: string;
  readonly channelName: string;
  readonly serviceUrl: string;
  readonly tenantId?: string;
}

/** Stores the channel (as a team install does) and its route (as `watch all | <unit> | <team>` does). */
export async function watchFrom(
  stores: { readonly conversations: ConversationStore; readonly routes: RouteStore },
  channel: WatchingChannelFixture,
  route: { readonly scope: 'all' | 'managementUnit' | 'team'; readonly targetId?: string },
  at: number,
): Promise<void> {
  const key = `channel:${channel.channelId}`;
  await stores.conversations.upsert({
    key,
    kind: 'channel',
    tenantId: channel.tenantId,
    serviceUrl: channel.serviceUrl,
    conversationId: channel.channelId,
    reference: { channelId: 'msteams', conversation: { id: channel.channelId, isGroup: true } },
    teamId: channel.teamId,
    teamName: channel.teamName,
    channelId: channel.channelId,
    channelName: channel.channelName,
    updatedAt: at,
  });
  await stores.routes.upsert({
    scope: route.scope,
    targetId: route.targetId ?? '*',
    conversationKey: key,
    createdAt: at,
  });
}

const MINUTE = 60_000;
const OUTCOMES: readonly DriftOutcome[] = [
  'resolvedBeforeNudge',
  'resolvedAfterNudge',
  'resolvedAfterNudge',
  'resolvedAfterSupervisorAlert',
  'becameFormalException',
  'resolvedBeforeNudge',
  'resolvedAfterNudge',
];
const CATEGORIES = ['OnQueueWork', 'OnQueueWork', 'Break', 'Meal', 'OnQueueWork', 'Meeting'];

/**
 * A deterministic history of ended episodes for `agents` over the `days` before `until`: a few a day, at working
 * hours, with every outcome (check-ins that resolved, alerts, formal exceptions) and more exceptions in older weeks.
 * Thresholds 6 / 10 / 15 min.
 */
export function historyFor(
  agents: readonly {
    readonly id: string;
    readonly name: string;
    readonly managementUnitId: string;
    readonly teamId?: string;
  }[],
  until: number,
  days: number,
): DriftHistoryRecord[] {
  const records: DriftHistoryRecord[] = [];
  const startOfDay = Math.floor(until / 86_400_000) * 86_400_000;
  let n = 0;
  for (let day = 1; day <= days; day += 1) {
    for (const [index, agent] of agents.entries()) {
      const perDay = 1 + ((day + index) % 3);
      for (let k = 0; k < perDay; k += 1) {
        n += 1;
        const driftStartedAt =
          startOfDay -
          day * 86_400_000 +
          (8 + ((index * 3 + k * 4 + day) % 9)) * 3_600_000 +
          (n % 50) * MINUTE;
        // Older weeks have more formal exceptions: the board's week-over-week chart shows a fall.
        const outcome = day > 14 && n % 4 === 0 ? 'becameFormalException' : OUTCOMES[n % OUTCOMES.length];
        const lengthInMinutes =
          {
            resolvedBeforeNudge: 3,
            resolvedAfterNudge: 8,
            resolvedAfterSupervisorAlert: 13,
            becameFormalException: 22,
          }[outcome as 'resolvedBeforeNudge'] ?? 5;
        const episode: DriftEpisode = {
          id: `${agent.id}:${driftStartedAt}`,
          agentId: agent.id,
          managementUnitId: agent.managementUnitId,
          teamId: agent.teamId,
          driftStartedAt,
          scheduledActivityCategory: CATEGORIES[n % CATEGORIES.length],
          actualActivityCategory: 'Unavailable',
          stage:
            lengthInMinutes >= 15
              ? 'formalException'
              : lengthInMinutes >= 10
                ? 'supervisorAlerted'
                : lengthInMinutes >= 6
                  ? 'nudged'
                  : 'drifting',
          ...(lengthInMinutes >= 6 ? { nudgedAt: driftStartedAt + 6 * MINUTE } : {}),
          ...(lengthInMinutes >= 10 ? { supervisorAlertedAt: driftStartedAt + 10 * MINUTE } : {}),
          ...(lengthInMinutes >= 15 ? { formalExceptionAt: driftStartedAt + 15 * MINUTE } : {}),
          endedAt: driftStartedAt + lengthInMinutes * MINUTE,
          outcome,
        };
        records.push({ episode, agentName: agent.name, recordedAt: episode.endedAt! });
      }
    }
  }
  return records;
}

/** Writes the records to the history store. */
export async function storeHistory(
  history: DriftHistoryStore,
  records: readonly DriftHistoryRecord[],
): Promise<void> {
  for (const record of records) await history.upsert(record);
}
