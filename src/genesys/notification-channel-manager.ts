import type { Clock } from '../platform/clock';
import type { Logger } from '../platform/logger';
import type { GenesysMetrics } from './genesys-metrics';
import type { GenesysRestClient } from './genesys-rest-client';
import { describeError } from '../platform/describe-error';

/** A notification channel as Genesys created it; `expiresAt` in epoch ms. */
export interface NotificationChannel {
  readonly id: string;
  readonly connectUri: string;
  expiresAt: number;
}

/** A topic Genesys would not subscribe, with the permissions it named. */
export interface RejectedTopic {
  readonly id: string;
  readonly reason?: string;
  readonly missingPermissions: readonly string[];
}

/** What a subscribe call achieved. */
export interface SubscriptionOutcome {
  readonly permitted: readonly string[];
  readonly rejected: readonly RejectedTopic[];
}

// Channels live 24 h and re-subscribing keeps them alive (developer.genesys.cloud/forum/t/notifications-service-limits-
// concepts/10312, quoting the notification service docs; MyPureCloud/platform-client-sdk-javascript
// build/docs/NotificationsApi.md).
const CHANNEL_LIFETIME_MS = 24 * 60 * 60_000;

/** Collaborators of a {@link NotificationChannelManager}. */
export interface NotificationChannelManagerOptions {
  readonly rest: GenesysRestClient;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly metrics: GenesysMetrics;
}

/** REST side of the notification service: create channels, (re)subscribe topics, check channels still exist. */
export class NotificationChannelManager {
  private readonly rest: GenesysRestClient;
  private readonly clock: Clock;
  private readonly logger: Logger;
  private readonly metrics: GenesysMetrics;

  constructor(options: NotificationChannelManagerOptions) {
    this.rest = options.rest;
    this.clock = options.clock;
    this.logger = options.logger;
    this.metrics = options.metrics;
  }

  /** Creates a channel (`POST /api/v2/notifications/channels`). */
  async createChannel(): Promise<NotificationChannel> {
    const { data } = await this.rest.send<{ id?: unknown; connectUri?: unknown; expires?: unknown }>({
      method: 'POST',
      path: '/api/v2/notifications/channels',
    });
    if (typeof data?.id !== 'string' || typeof data.connectUri !== 'string')
      throw new Error('Genesys channel creation answered without id or connectUri');
    this.metrics.channelsCreated++;
    const expiresAt = typeof data.expires === 'string' ? Date.parse(data.expires) : NaN;
    const channel = {
      id: data.id,
      connectUri: data.connectUri,
      expiresAt: Number.isFinite(expiresAt) ? expiresAt : this.clock.now() + CHANNEL_LIFETIME_MS,
    };
    this.logger.info(
      { channelId: channel.id, expiresAt: channel.expiresAt },
      'Genesys notification channel created',
    );
    return channel;
  }

  /**
   * Replaces the channel's topics with `topics` (PUT, `ignoreErrors=true` so that one topic without permission does not
   * fail the others; without it the whole call is a 403: Genesys announcement "Permission enforcement for adherence
   * notifications", 2021-12-13). Each rejected topic is logged with its missing permissions. Also serves as the 24 h
   * keep-alive.
   */
  async subscribe(channel: NotificationChannel, topics: readonly string[]): Promise<SubscriptionOutcome> {
    const { data } = await this.rest.send<{ entities?: unknown }>({
      method: 'PUT',
      path: `/api/v2/notifications/channels/${encodeURIComponent(channel.id)}/subscriptions`,
      query: { ignoreErrors: true },
      body: topics.map((id) => ({ id })),
    });
    const permitted: string[] = [];
    const rejected: RejectedTopic[] = [];
    const entities = Array.isArray(data?.entities) ? (data.entities as Array<Record<string, unknown>>) : [];
    for (const entity of entities) {
      if (typeof entity?.id !== 'string') continue;
      if (entity.state === 'Rejected') {
        const missingPermissions = Array.isArray(entity.missingPermissions)
          ? entity.missingPermissions.filter((p): p is string => typeof p === 'string')
          : [];
        rejected.push({
          id: entity.id,
          reason: typeof entity.rejectionReason === 'string' ? entity.rejectionReason : undefined,
          missingPermissions,
        });
      } else {
        permitted.push(entity.id);
      }
    }
    for (const topic of rejected) {
      this.metrics.topicsRejected++;
      this.logger.warn(
        {
          channelId: channel.id,
          topic: topic.id,
          reason: topic.reason,
          missingPermissions: topic.missingPermissions,
        },
        'Genesys rejected a topic subscription',
      );
    }
    // UNCONFIRMED whether a re-subscribe moves `expires` to now+24h; read it back, and assume so when it is not shown.
    channel.expiresAt = (await this.readExpiry(channel.id)) ?? this.clock.now() + CHANNEL_LIFETIME_MS;
    return { permitted, rejected };
  }

  /** Whether the channel still exists (`HEAD …/channels/{id}`: 200 or 404). */
  async channelExists(channelId: string): Promise<boolean> {
    const { status } = await this.rest.send({
      method: 'HEAD',
      path: `/api/v2/notifications/channels/${encodeURIComponent(channelId)}`,
      acceptStatuses: [404],
    });
    return status !== 404;
  }

  private async readExpiry(channelId: string): Promise<number | undefined> {
    try {
      const data = await this.rest.get<{ entities?: Array<{ id?: unknown; expires?: unknown }> }>(
        '/api/v2/notifications/channels',
      );
      const found = data?.entities?.find((entity) => entity?.id === channelId);
      const expiresAt = typeof found?.expires === 'string' ? Date.parse(found.expires) : NaN;
      return Number.isFinite(expiresAt) && expiresAt > this.clock.now() ? expiresAt : undefined;
    } catch (error) {
      this.logger.debug({ err: describeError(error) }, 'Could not read channel expiry; assuming 24 h');
      return undefined;
    }
  }
}
