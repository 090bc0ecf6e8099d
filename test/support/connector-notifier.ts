import type { AlertNotifier, DeliveryOptions, DeliveryResult } from '../../src/app/ports/alert-notifier';
import type { OutboxAlert } from '../../src/app/ports/alert-outbox';
import type { ConversationRecord, ConversationStore } from '../../src/app/ports/conversation-store';
import type { RouteStore } from '../../src/app/ports/route-store';
import type { EpisodeChange } from '../../src/domain/drift-commands';
import type { DriftEpisode } from '../../src/domain/drift-episode';

/** What a test reads back from each posted activity: which outbox row it carried. */
export interface AlertChannelData {
  readonly alertId: string;
  readonly episodeId: string;
  readonly kind: string;
  readonly agentId: string;
  readonly driftStartedAt: number;
}

/**
 * An AlertNotifier that posts plain Bot Connector activities over HTTP: the agent's personal conversation (found by
 * agent id) or the channel of the first route watching the unit, team or everything. A stand-in for the Teams notifier
 * of bot/delivery until that exists; same result vocabulary (429 throttled, 403/404 recipientGone, 5xx retryable).
 */
export class ConnectorNotifier implements AlertNotifier {
  constructor(
    private readonly stores: { readonly conversations: ConversationStore; readonly routes: RouteStore },
  ) {}

  async deliver(alert: OutboxAlert, options: DeliveryOptions = {}): Promise<DeliveryResult> {
    const conversation = await this.conversationFor(alert);
    if (conversation === undefined)
      return { status: 'recipientGone', reason: `no conversation for ${alert.recipient}` };
    // Draining: nothing has gone out yet, so the row goes back to pending; a request on the wire is never aborted.
    if (options.signal?.aborted) return { status: 'notSent', reason: 'draining' };
    const channelData: AlertChannelData = {
      alertId: alert.id,
      episodeId: alert.episodeId,
      kind: alert.kind,
      agentId: alert.agentId,
      driftStartedAt: alert.episode.driftStartedAt,
    };
    const url = `${conversation.serviceUrl}v3/conversations/${encodeURIComponent(conversation.conversationId)}/activities`;
    let response: Response;
    try {
      response = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ type: 'message', text: `${alert.kind} for ${alert.agentId}`, channelData }),
        signal: AbortSignal.timeout(10_000),
      });
    } catch (error) {
      return { status: 'failed', reason: (error as Error).message, isRetryable: true };
    }
    if (response.status === 429)
      return { status: 'throttled', retryAfterMs: Number(response.headers.get('retry-after') ?? '1') * 1000 };
    if (response.status === 403 || response.status === 404)
      return { status: 'recipientGone', reason: `HTTP ${response.status}` };
    if (!response.ok)
      return { status: 'failed', reason: `HTTP ${response.status}`, isRetryable: response.status >= 500 };
    const { id } = (await response.json()) as { id: string };
    return { status: 'sent', conversationId: conversation.conversationId, activityId: id };
  }

  async updateCards(
    episode: DriftEpisode,
    change: EpisodeChange,
    sent: readonly OutboxAlert[],
  ): Promise<void> {
    for (const row of sent) {
      if (row.status !== 'sent' || row.conversationId === undefined || row.activityId === undefined) continue;
      const conversation = await this.conversationFor(row);
      if (conversation === undefined) continue;
      await fetch(
        `${conversation.serviceUrl}v3/conversations/${encodeURIComponent(row.conversationId)}/activities/${encodeURIComponent(row.activityId)}`,
        {
          method: 'PUT',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ type: 'message', text: `${change} (${episode.id})` }),
          signal: AbortSignal.timeout(10_000),
        },
      );
    }
  }

  private async conversationFor(alert: OutboxAlert): Promise<ConversationRecord | undefined> {
    if (alert.recipient === 'agent') return this.stores.conversations.findByAgentId(alert.agentId);
    for await (const route of this.stores.routes.list()) {
      const watches =
        route.scope === 'all' ||
        (route.scope === 'managementUnit' && route.targetId === alert.managementUnitId) ||
        (route.scope === 'team' && route.targetId === alert.episode.teamId);
      if (watches) return this.stores.conversations.get(route.conversationKey);
    }
    return undefined;
  }
}
