import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { ChannelRegistry, type ChannelCaller, type ChannelView } from './channel-registry';
import { ChannelSockets } from './channel-sockets';
import { checkSubscription, listSubscriptions, type HubReply } from './channel-subscriptions';
import type { FaultInjector } from './fault-injector';
import type { SimulatorClock } from './simulator-clock';
import type { SimulatorCounters } from './simulator-counters';
import { SocketFaults } from './socket-faults';
import { errorBody, type WireObject } from './wire-format';

export type { ChannelCaller, ChannelView } from './channel-registry';
export type { HubReply } from './channel-subscriptions';

/**
 * Notification limits (developer.genesys.cloud/forum/t/notifications-service-limits-concepts/10312, quoting the
 * notification service docs: 20 channels per client, 1,000 topics per channel, 24 h lifetime).
 */
export interface NotificationHubOptions {
  readonly clock: SimulatorClock;
  readonly faults: FaultInjector;
  readonly counters: SimulatorCounters;
  readonly permissions: readonly string[];
  readonly heartbeatIntervalMs: number;
  readonly maxChannelsPerClient: number;
  readonly maxTopicsPerChannel: number;
  readonly channelLifetimeInMs: number;
  /** Organisation id sent in system messages. */
  readonly organizationId: string;
  /** Base of `connectUri`, e.g. `ws://127.0.0.1:1234`; read lazily because the port is known only after listen. */
  readonly socketBaseUrl: () => string;
}

/**
 * The notification service (MyPureCloud/platform-client-sdk-javascript build/docs/NotificationsApi.md): the REST
 * calls on channels and subscriptions, WebSockets, and event fan-out. Its parts: the channel registry (lifetimes,
 * eviction, token ends), subscription checks, the sockets (heartbeat, ping), and socket faults.
 */
export class NotificationHub {
  private readonly registry: ChannelRegistry;
  private readonly sockets: ChannelSockets;
  private readonly socketFaults: SocketFaults;

  constructor(private readonly options: NotificationHubOptions) {
    this.sockets = new ChannelSockets(options);
    this.registry = new ChannelRegistry({
      ...options,
      onEnded: (channel, why) => this.sockets.detach(channel, 1000, why),
    });
    this.sockets.bind(this.registry);
    this.socketFaults = new SocketFaults({ ...options, registry: this.registry, sockets: this.sockets });
  }

  /**
   * `POST /api/v2/notifications/channels`: creates a channel, evicting one when the client already has the
   * maximum.
   */
  createChannel(caller: ChannelCaller): WireObject {
    return this.registry.create(caller);
  }

  /** `GET /api/v2/notifications/channels?includechannels=token|oauthclient`. */
  listChannels(caller: ChannelCaller, include: string | null): WireObject {
    return { entities: this.registry.list(caller, include) };
  }

  /** `HEAD /api/v2/notifications/channels/{id}`: 200 while the channel exists, else 404. */
  headChannel(caller: ChannelCaller, channelId: string): HubReply {
    return { status: this.registry.find(caller, channelId) ? 200 : 404 };
  }

  /** `GET …/subscriptions`. */
  getSubscriptions(caller: ChannelCaller, channelId: string): HubReply {
    const channel = this.registry.find(caller, channelId);
    return channel ? listSubscriptions(channel) : channelNotFound(channelId);
  }

  /** `POST` (add) or `PUT` (replace) `…/subscriptions?ignoreErrors=` with a `[{id}]` body. */
  subscribe(
    caller: ChannelCaller,
    channelId: string,
    body: unknown,
    mode: 'add' | 'replace',
    ignoreErrors: boolean,
  ): HubReply {
    const channel = this.registry.find(caller, channelId);
    if (!channel) return channelNotFound(channelId);
    const outcome = checkSubscription(channel, caller, body, mode, ignoreErrors, this.options);
    if (!outcome.accepted) return outcome.reply;
    channel.topics.clear();
    for (const t of outcome.topics) channel.topics.add(t);
    // UNCONFIRMED (developer.genesys.cloud/forum/t/notifications-service-limits-concepts/10312, quoting the
    // notification service docs: "resubscribe to topics" to keep a channel): a (re-)subscribe moves `expires`
    // to now + 24 h.
    this.registry.renew(channel);
    return {
      status: 200,
      body: {
        entities: [...[...channel.topics].map((id) => ({ id, state: 'Permitted' })), ...outcome.rejected],
      },
    };
  }

  /** `DELETE …/subscriptions`: removes all topics. */
  unsubscribeAll(caller: ChannelCaller, channelId: string): HubReply {
    const channel = this.registry.find(caller, channelId);
    if (!channel) return channelNotFound(channelId);
    channel.topics.clear();
    channel.lastUsedAt = this.options.clock.now();
    return { status: 200 };
  }

  /** Handles an HTTP upgrade to `/channels/{id}`; unknown channels are refused with 404. */
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    this.sockets.handleUpgrade(req, socket, head);
  }

  /**
   * Publishes one event to every channel subscribed to `topicName`; adherence frames pass through the frame
   * faults.
   */
  publish(topicName: string, eventBody: WireObject, isAdherence: boolean): number {
    const text = JSON.stringify({
      topicName,
      version: '2',
      eventBody,
      metadata: { CorrelationId: randomUUID() },
    });
    let delivered = 0;
    this.options.counters.eventsPublished += 1;
    for (const channel of this.registry.selected()) {
      if (!channel.topics.has(topicName) || !channel.socket) continue;
      delivered += 1;
      if (isAdherence) this.socketFaults.sendWithFaults(channel, text);
      else this.sockets.send(channel, text);
    }
    return delivered;
  }

  /** Fault: drops the socket of one channel (or all) without a close handshake. */
  dropSockets(channelId?: string): number {
    return this.socketFaults.dropSockets(channelId);
  }

  /** Fault: sends `v2.system.socket_closing`, then closes the socket after `closeAfterMs` of simulator time. */
  sendSocketClosing(channelId: string | undefined, closeAfterMs: number): number {
    return this.socketFaults.sendSocketClosing(channelId, closeAfterMs);
  }

  /** Fault: sends a frame that is not valid JSON. */
  sendMalformedFrame(channelId?: string): number {
    return this.socketFaults.sendMalformedFrame(channelId);
  }

  /** Fault or lifetime end: removes a channel as expired or evicted (its socket is closed; HEAD then gives 404). */
  removeChannelById(channelId: string, reason: 'expired' | 'evicted'): boolean {
    return this.registry.removeById(channelId, reason);
  }

  /** Token revoked (fault): every channel it created closes at once. */
  closeChannelsOfTokens(accessTokens: ReadonlySet<string>): number {
    return this.registry.closeChannelsOfTokens(accessTokens);
  }

  /** Channels for the control API. */
  listAll(): ChannelView[] {
    return this.registry.views();
  }

  /** Number of open sockets. */
  openSocketCount(): number {
    return this.registry.selected().filter((c) => c.socket).length;
  }

  /** Closes every socket and forgets every channel. */
  close(): void {
    this.registry.clear();
    this.sockets.close();
  }
}

function channelNotFound(channelId: string): HubReply {
  return { status: 404, body: errorBody(404, 'not.found', `Channel ${channelId} not found`) };
}
