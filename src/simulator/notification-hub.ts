import { randomBytes, randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import { startInterval, startTimer, type CancelTimer } from '../platform/timers';
import type { FaultInjector } from './fault-injector';
import type { SimulatorClock } from './simulator-clock';
import type { SimulatorCounters } from './simulator-counters';
import { parseTopic } from './topic-catalogue';
import { errorBody, toIso, type WireObject } from './wire-format';

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
  readonly channelLifetimeMs: number;
  /** Organisation id sent in system messages. */
  readonly organizationId: string;
  /** Base of `connectUri`, e.g. `ws://127.0.0.1:1234`; read lazily because the port is known only after listen. */
  readonly socketBaseUrl: () => string;
}

/** A notification channel (internal record). */
export interface ChannelRecord {
  readonly id: string;
  readonly clientId: string;
  readonly accessToken: string;
  readonly createdAt: number;
  /** When the token that created the channel expires: the channel closes then (see {@link NotificationHub}). */
  readonly tokenExpiresAt: number;
  expiresAt: number;
  lastUsedAt: number;
  readonly topics: Set<string>;
  socket?: WebSocket;
  stopHeartbeat?: CancelTimer;
  cancelExpiry?: CancelTimer;
  heldFrame?: { text: string; cancelFlush: CancelTimer };
}

/** A caller's identity for channel calls. */
export interface ChannelCaller {
  readonly clientId: string;
  readonly accessToken: string;
  /** Expiry of the caller's token (simulator time); a channel it creates lives no longer. */
  readonly tokenExpiresAt: number;
}

/** A summary of one channel for the control API. */
export interface ChannelView {
  readonly id: string;
  readonly expires: string;
  readonly topicCount: number;
  readonly hasSocket: boolean;
}

/** An HTTP status with a JSON body. */
export interface HubReply {
  readonly status: number;
  readonly body?: unknown;
}

const CHANNEL_ID_ALPHABET = '0123456789abcdefghijklmnopqrstuvwxyz';

/** When a channel ends: its own expiry or its token's, whichever comes first. */
function endOf(channel: ChannelRecord): number {
  return Math.min(channel.expiresAt, channel.tokenExpiresAt);
}

function newChannelId(): string {
  // Shape of Genesys ids: `streaming-0-fmtdmf8cdis7jh14udg5p89t6z` (MyPureCloud/platform-client-sdk-javascript
  // build/docs/NotificationsApi.md, `Channel`).
  const bytes = randomBytes(26);
  let suffix = '';
  for (const b of bytes) suffix += CHANNEL_ID_ALPHABET[b % CHANNEL_ID_ALPHABET.length];
  return `streaming-0-${suffix}`;
}

/**
 * Notification channels, subscriptions, WebSockets and event fan-out
 * (MyPureCloud/platform-client-sdk-javascript build/docs/NotificationsApi.md). A channel belongs to the token
 * that created it (`GET …/channels?includechannels=token` lists a token's own channels) and closes when that token
 * expires or is revoked, as community answers report of Genesys: its socket is closed and HEAD answers 404.
 */
export class NotificationHub {
  private readonly channels = new Map<string, ChannelRecord>();
  private readonly wss = new WebSocketServer({ noServer: true });

  constructor(private readonly options: NotificationHubOptions) {}

  /**
   * `POST /api/v2/notifications/channels`: creates a channel, evicting one when the client already has the
   * maximum.
   */
  createChannel(caller: ChannelCaller): WireObject {
    const now = this.options.clock.now();
    const own = [...this.channels.values()].filter((c) => c.clientId === caller.clientId);
    if (own.length >= this.options.maxChannelsPerClient) {
      // developer.genesys.cloud/forum/t/notifications-service-limits-concepts/10312, quoting the notification
      // service docs: the channel with the oldest last-used date goes, channels without a connection first.
      own.sort((a, b) => Number(!!a.socket) - Number(!!b.socket) || a.lastUsedAt - b.lastUsedAt);
      this.removeChannel(own[0]!, 'evicted');
    }
    const channel: ChannelRecord = {
      id: newChannelId(),
      clientId: caller.clientId,
      accessToken: caller.accessToken,
      createdAt: now,
      tokenExpiresAt: caller.tokenExpiresAt,
      expiresAt: now + this.options.channelLifetimeMs,
      lastUsedAt: now,
      topics: new Set(),
    };
    this.channels.set(channel.id, channel);
    this.armExpiry(channel);
    this.options.counters.channelsCreated += 1;
    return this.channelBody(channel);
  }

  /** `GET /api/v2/notifications/channels?includechannels=token|oauthclient`. */
  listChannels(caller: ChannelCaller, include: string | null): WireObject {
    const entities = [...this.channels.values()]
      .filter(
        (c) =>
          c.clientId === caller.clientId &&
          (include === 'oauthclient' || c.accessToken === caller.accessToken),
      )
      // UNCONFIRMED how hidden ids look (MyPureCloud/platform-client-sdk-javascript
      // build/docs/NotificationsApi.md, `includechannels=oauthclient`): other tokens' channels are listed with
      // `expires` only.
      .map((c) =>
        c.accessToken === caller.accessToken ? this.channelBody(c) : { expires: toIso(c.expiresAt) },
      );
    return { entities };
  }

  /** `HEAD /api/v2/notifications/channels/{id}`: 200 while the channel exists, else 404. */
  headChannel(caller: ChannelCaller, channelId: string): HubReply {
    return { status: this.find(caller, channelId) ? 200 : 404 };
  }

  /** `GET …/subscriptions`. */
  getSubscriptions(caller: ChannelCaller, channelId: string): HubReply {
    const channel = this.find(caller, channelId);
    if (!channel) return this.channelNotFound(channelId);
    return { status: 200, body: { entities: [...channel.topics].map((id) => ({ id, state: 'Permitted' })) } };
  }

  /** `POST` (add) or `PUT` (replace) `…/subscriptions?ignoreErrors=` with a `[{id}]` body. */
  subscribe(
    caller: ChannelCaller,
    channelId: string,
    body: unknown,
    mode: 'add' | 'replace',
    ignoreErrors: boolean,
  ): HubReply {
    const channel = this.find(caller, channelId);
    if (!channel) return this.channelNotFound(channelId);
    if (
      !Array.isArray(body) ||
      body.some((t) => typeof t !== 'object' || t === null || typeof (t as { id?: unknown }).id !== 'string')
    ) {
      return {
        status: 400,
        body: errorBody(
          400,
          'bad.request',
          'The request body must be a JSON array of topics: [{"id":"v2...."}]',
        ),
      };
    }
    const requested = [...new Set((body as Array<{ id: string }>).map((t) => t.id))];
    const permitted: string[] = [];
    const rejected: WireObject[] = [];
    for (const topic of requested) {
      const parsed = parseTopic(topic);
      if (!parsed) {
        // UNCONFIRMED: Genesys's wording for an unknown topic; we reject it like a permission failure but with 400.
        rejected.push({
          id: topic,
          state: 'Rejected',
          rejectionReason: 'Invalid topic: not a known notification topic',
          missingPermissions: [],
        });
        continue;
      }
      const has = parsed.anyOfPermissions.some((p) => this.options.permissions.includes(p));
      if (!has) {
        rejected.push({
          id: topic,
          state: 'Rejected',
          rejectionReason: 'Missing permissions',
          missingPermissions: [...parsed.anyOfPermissions],
        });
        continue;
      }
      if (
        (parsed.kind === 'userScheduleSearch' || parsed.kind === 'userMuScheduleSearchComplete') &&
        parsed.entityId !== caller.clientId
      ) {
        // UNCONFIRMED: a search-result topic belongs to the requester
        // (MyPureCloud/platform-client-sdk-javascript notificationMappings.json), for a client-credentials
        // token
        // the OAuth client (public integrations subscribe v2.users.{client id}.workforcemanagement.* result topics);
        // others' topics are refused.
        rejected.push({
          id: topic,
          state: 'Rejected',
          rejectionReason: 'Topic belongs to another requester',
          missingPermissions: [],
        });
        continue;
      }
      permitted.push(topic);
    }
    if (!ignoreErrors && rejected.length > 0) {
      // Genesys announcement "Permission enforcement for adherence notifications" (2021-12-13): without
      // ignoreErrors one failing topic fails the whole request and nothing is subscribed.
      const invalid = rejected.filter((r) => (r.missingPermissions as string[]).length === 0);
      if (invalid.length > 0) {
        return {
          status: 400,
          body: errorBody(400, 'bad.request', `Invalid topic(s): ${invalid.map((r) => r.id).join(', ')}`, {
            messageParams: { topics: invalid.map((r) => r.id).join(',') },
          }),
        };
      }
      const missing = [...new Set(rejected.flatMap((r) => r.missingPermissions as string[]))];
      return {
        status: 403,
        body: errorBody(
          403,
          'missing.any.permissions',
          `Unable to perform the requested action. You are missing the following permission(s): ${missing.join(', ')}`,
          {
            messageParams: { permissions: missing.join(', ') },
          },
        ),
      };
    }
    const next = mode === 'replace' ? new Set(permitted) : new Set([...channel.topics, ...permitted]);
    if (next.size > this.options.maxTopicsPerChannel) {
      // developer.genesys.cloud/forum/t/notifications-service-limits-concepts/10312, quoting the notification
      // service docs: over 1,000 topics per channel returns 400.
      return {
        status: 400,
        body: errorBody(
          400,
          'bad.request',
          `A channel may hold at most ${this.options.maxTopicsPerChannel} topics; this request would make ${next.size}.`,
          {
            limit: {
              key: 'topics.per.channel',
              namespace: 'notifications',
              value: this.options.maxTopicsPerChannel,
            },
          },
        ),
      };
    }
    channel.topics.clear();
    for (const t of next) channel.topics.add(t);
    const now = this.options.clock.now();
    channel.lastUsedAt = now;
    // UNCONFIRMED (developer.genesys.cloud/forum/t/notifications-service-limits-concepts/10312, quoting the
    // notification service docs: "resubscribe to topics" to keep a channel): a (re-)subscribe moves `expires`
    // to now + 24 h.
    channel.expiresAt = now + this.options.channelLifetimeMs;
    this.armExpiry(channel);
    return {
      status: 200,
      body: { entities: [...[...channel.topics].map((id) => ({ id, state: 'Permitted' })), ...rejected] },
    };
  }

  /** `DELETE …/subscriptions`: removes all topics. */
  unsubscribeAll(caller: ChannelCaller, channelId: string): HubReply {
    const channel = this.find(caller, channelId);
    if (!channel) return this.channelNotFound(channelId);
    channel.topics.clear();
    channel.lastUsedAt = this.options.clock.now();
    return { status: 200 };
  }

  /** Handles an HTTP upgrade to `/channels/{id}`; unknown channels are refused with 404. */
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    const path = new URL(req.url ?? '/', 'http://127.0.0.1').pathname;
    const match = /^\/channels\/([^/]+)$/.exec(path);
    const channel = match ? this.live(decodeURIComponent(match[1]!)) : undefined;
    if (!channel) {
      socket.end('HTTP/1.1 404 Not Found\r\nContent-Type: application/json\r\nConnection: close\r\n\r\n');
      return;
    }
    this.wss.handleUpgrade(req, socket, head, (ws) => this.attach(channel, ws));
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
    for (const channel of this.channels.values()) {
      if (!channel.topics.has(topicName) || !channel.socket) continue;
      delivered += 1;
      if (isAdherence) this.sendWithFaults(channel, text);
      else this.send(channel, text);
    }
    return delivered;
  }

  /** Fault: drops the socket of one channel (or all) without a close handshake. */
  dropSockets(channelId?: string): number {
    let n = 0;
    for (const channel of this.selected(channelId)) {
      if (!channel.socket) continue;
      channel.socket.terminate();
      n += 1;
    }
    return n;
  }

  /**
   * Fault: sends `v2.system.socket_closing`, then closes the socket after `closeAfterMs` of simulator time
   * (about 1 min in Genesys; MyPureCloud/platform-client-sdk-java
   * build/src/main/java/com/mypurecloud/sdk/v2/extensions/notifications/NotificationHandler.java reconnects to
   * the same connectUri).
   */
  sendSocketClosing(channelId: string | undefined, closeAfterMs: number): number {
    let n = 0;
    for (const channel of this.selected(channelId)) {
      const socket = channel.socket;
      if (!socket) continue;
      // UNCONFIRMED: which SystemMessageSystemMessage fields Genesys fills for socket_closing
      // (MyPureCloud/platform-client-sdk-javascript build/index.d.ts, `SystemMessageSystemMessage`).
      const eventBody = {
        channelId: channel.id,
        organizationId: this.options.organizationId,
        oauthClientId: channel.clientId,
        message: 'The socket will close for maintenance; reconnect to the same connectUri.',
      };
      this.send(
        channel,
        JSON.stringify({
          topicName: 'v2.system.socket_closing',
          version: '2',
          eventBody,
          metadata: { CorrelationId: randomUUID() },
        }),
      );
      this.options.clock.schedule(this.options.clock.now() + closeAfterMs, () => {
        if (socket.readyState === socket.OPEN) socket.close(1001, 'Closing for maintenance');
      });
      n += 1;
    }
    return n;
  }

  /** Fault: sends a frame that is not valid JSON. */
  sendMalformedFrame(channelId?: string): number {
    let n = 0;
    for (const channel of this.selected(channelId)) {
      if (!channel.socket) continue;
      this.send(channel, '{"topicName":"v2.workforcemanagement.managementunits.');
      n += 1;
    }
    return n;
  }

  /** Fault or lifetime end: removes a channel as expired or evicted (its socket is closed; HEAD then gives 404). */
  removeChannelById(channelId: string, reason: 'expired' | 'evicted'): boolean {
    const channel = this.channels.get(channelId);
    if (!channel) return false;
    this.removeChannel(channel, reason);
    return true;
  }

  /** Token revoked (fault): every channel it created closes at once. */
  closeChannelsOfTokens(accessTokens: ReadonlySet<string>): number {
    let n = 0;
    for (const channel of [...this.channels.values()]) {
      if (!accessTokens.has(channel.accessToken)) continue;
      this.removeChannel(channel, 'tokenExpired');
      n += 1;
    }
    return n;
  }

  /** Channels for the control API. */
  listAll(): ChannelView[] {
    return [...this.channels.values()].map((c) => ({
      id: c.id,
      expires: toIso(c.expiresAt),
      topicCount: c.topics.size,
      hasSocket: !!c.socket,
    }));
  }

  /** Number of open sockets. */
  openSocketCount(): number {
    return [...this.channels.values()].filter((c) => c.socket).length;
  }

  /** Closes every socket and forgets every channel. */
  close(): void {
    for (const channel of [...this.channels.values()]) this.removeChannel(channel, 'expired', true);
    this.wss.close();
  }

  private channelBody(channel: ChannelRecord): WireObject {
    return {
      id: channel.id,
      connectUri: `${this.options.socketBaseUrl()}/channels/${channel.id}`,
      expires: toIso(channel.expiresAt),
    };
  }

  private channelNotFound(channelId: string): HubReply {
    return { status: 404, body: errorBody(404, 'not.found', `Channel ${channelId} not found`) };
  }

  private find(caller: ChannelCaller, channelId: string): ChannelRecord | undefined {
    const channel = this.live(channelId);
    return channel && channel.clientId === caller.clientId ? channel : undefined;
  }

  private live(channelId: string): ChannelRecord | undefined {
    const channel = this.channels.get(channelId);
    if (channel && endOf(channel) <= this.options.clock.now()) {
      this.removeChannel(channel, channel.tokenExpiresAt <= channel.expiresAt ? 'tokenExpired' : 'expired');
      return undefined;
    }
    return channel;
  }

  private selected(channelId?: string): ChannelRecord[] {
    return channelId
      ? [this.channels.get(channelId)].filter((c): c is ChannelRecord => !!c)
      : [...this.channels.values()];
  }

  private armExpiry(channel: ChannelRecord): void {
    channel.cancelExpiry?.();
    channel.cancelExpiry = this.options.clock.schedule(endOf(channel), () => {
      if (this.channels.get(channel.id) === channel && endOf(channel) <= this.options.clock.now())
        this.removeChannel(channel, channel.tokenExpiresAt <= channel.expiresAt ? 'tokenExpired' : 'expired');
    });
  }

  private removeChannel(
    channel: ChannelRecord,
    reason: 'expired' | 'evicted' | 'tokenExpired',
    quietly = false,
  ): void {
    this.channels.delete(channel.id);
    channel.cancelExpiry?.();
    channel.heldFrame?.cancelFlush();
    if (!quietly) {
      if (reason === 'evicted') this.options.counters.channelsEvicted += 1;
      else if (reason === 'tokenExpired') this.options.counters.channelsClosedWithToken += 1;
      else this.options.counters.channelsExpired += 1;
    }
    // UNCONFIRMED close code and reason (no Genesys source documents them).
    const why =
      reason === 'evicted'
        ? 'Channel evicted'
        : reason === 'tokenExpired'
          ? 'Token expired'
          : 'Channel expired';
    this.detach(channel, 1000, why);
  }

  private attach(channel: ChannelRecord, ws: WebSocket): void {
    if (!this.channels.has(channel.id)) {
      ws.close(1000, 'Channel expired');
      return;
    }
    // developer.genesys.cloud/forum/t/notifications-service-limits-concepts/10312, quoting the notification
    // service docs: one WebSocket per channel; a second connection disconnects the first.
    this.detach(channel, 1000, 'Another connection was opened to this channel');
    channel.socket = ws;
    channel.lastUsedAt = this.options.clock.now();
    this.options.counters.socketsOpened += 1;
    channel.stopHeartbeat = startInterval(
      () =>
        this.send(
          channel,
          JSON.stringify({ topicName: 'channel.metadata', eventBody: { message: 'WebSocket Heartbeat' } }),
        ),
      this.options.heartbeatIntervalMs,
      true,
    );
    ws.on('message', (data, isBinary) => {
      if (isBinary) return;
      let message: unknown;
      try {
        message = JSON.parse(data.toString());
      } catch {
        return;
      }
      // Health check is an application-level JSON ping, not an RFC 6455 ping
      // (MyPureCloud/platform-client-sdk-java
      // build/src/main/java/com/mypurecloud/sdk/v2/extensions/notifications/NotificationHandler.java,
      // `sendPing`).
      if (
        typeof message === 'object' &&
        message !== null &&
        (message as { message?: unknown }).message === 'ping'
      ) {
        this.send(channel, JSON.stringify({ topicName: 'channel.metadata', eventBody: { message: 'pong' } }));
      }
    });
    ws.on('close', () => {
      if (channel.socket === ws) {
        channel.stopHeartbeat?.();
        channel.stopHeartbeat = undefined;
        channel.socket = undefined;
      }
    });
    ws.on('error', () => undefined);
  }

  private detach(channel: ChannelRecord, code: number, reason: string): void {
    const old = channel.socket;
    channel.stopHeartbeat?.();
    channel.stopHeartbeat = undefined;
    channel.socket = undefined;
    if (old && old.readyState === old.OPEN) old.close(code, reason);
    else old?.terminate();
  }

  private send(channel: ChannelRecord, text: string): void {
    const socket = channel.socket;
    if (!socket || socket.readyState !== socket.OPEN) return;
    socket.send(text);
    this.options.counters.framesSent += 1;
  }

  private sendWithFaults(channel: ChannelRecord, text: string): void {
    const fault = this.options.faults.takeFrameFault();
    const held = channel.heldFrame;
    if (held) {
      channel.heldFrame = undefined;
      held.cancelFlush();
    }
    if (!fault) {
      this.send(channel, text);
    } else if (fault.kind === 'delay') {
      startTimer(() => this.send(channel, text), fault.delayMs, true);
    } else if (fault.kind === 'duplicate') {
      this.send(channel, text);
      this.send(channel, text);
    } else {
      // Reorder: hold this frame until the next one on the channel has gone out (flushed after 1 s real time
      // anyway).
      if (held) this.send(channel, held.text);
      channel.heldFrame = {
        text,
        cancelFlush: startTimer(
          () => {
            if (channel.heldFrame?.text === text) {
              channel.heldFrame = undefined;
              this.send(channel, text);
            }
          },
          1000,
          true,
        ),
      };
      return;
    }
    if (held) this.send(channel, held.text);
  }
}
