import type { ConversationRecord, ConversationStore } from '../../src/app/ports/conversation-store';
import type { RouteRecord, RouteStore } from '../../src/app/ports/route-store';
import type { DriftEpisode } from '../../src/domain/drift-episode';
import type { TeamAwareDirectory } from '../commands/watch-target-resolver';

/**
 * The supervisor channel an episode's alerts go to. Routing: a channel watching the agent's team wins over one
 * watching the unit, which wins over `watch all`; the oldest route first; channels marked dead are passed over.
 */
export async function findSupervisorChannel(
  episode: DriftEpisode,
  deps: {
    readonly routes: RouteStore;
    readonly conversations: ConversationStore;
    readonly directory: TeamAwareDirectory;
  },
): Promise<ConversationRecord | undefined> {
  const teamId = episode.teamId ?? deps.directory.getAgent(episode.agentId)?.teamId;
  const routes: RouteRecord[] = [];
  for await (const route of deps.routes.list()) routes.push(route);
  const rank = (route: RouteRecord): number =>
    route.scope === 'team' && route.targetId === teamId
      ? 0
      : route.scope === 'managementUnit' && route.targetId === episode.managementUnitId
        ? 1
        : route.scope === 'all'
          ? 2
          : 3;
  const ordered = routes
    .filter((route) => rank(route) < 3)
    .sort((a, b) => rank(a) - rank(b) || a.createdAt - b.createdAt);
  for (const route of ordered) {
    const channel = await deps.conversations.get(route.conversationKey);
    if (channel && channel.deadReason === undefined) return channel;
  }
  return undefined;
}
