import WebSocket from 'ws';
import type { Clock } from '../platform/clock';
import type { Logger } from '../platform/logger';
import { computeBackoffInMs } from '../platform/backoff';
import { describeError } from '../platform/describe-error';
import type { CancelTimer } from '../platform/timers';
import { textOfMessage } from '../platform/websocket-text';
import { parseNotificationFrame, type NotificationFrame } from './adherence-intake';
import type { GenesysMetrics } from './genesys-metrics';
import type { GenesysTimers } from './genesys-timers';
import type { NotificationChannel, NotificationChannelManager } from './notification-channel-manager';
import { openChannelSocket } from './open-channel-socket';
import { SocketLiveness } from './socket-liveness';

/** Tunables and collaborators of one stream. */
export interface NotificationStreamOptions {
  /** The stream's name in logs. */
  readonly name: string;
  /** The topics to keep subscribed. */
  readonly topics: readonly string[];
  readonly channels: NotificationChannelManager;
  readonly handlers: NotificationStreamHandlers;
  readonly quietBeforePingInMs: number;
  readonly pongTimeoutInMs: number;
  readonly reconnectBaseDelayInMs: number;
  readonly reconnectMaxDelayInMs: number;
  readonly resubscribeMarginInMs: number;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly metrics: GenesysMetrics;
  readonly timers: GenesysTimers;
  /** Jitter source in [0, 1); default Math.random. */
  readonly random?: () => number;
  /** The token generation now (GenesysTokenProvider.generation), recorded for each channel created; default 0. */
  readonly tokenGeneration?: () => number;
}

/** What a stream reports to its owner. */
export interface NotificationStreamHandlers {
  /**
   * A socket opened (first connect, every reconnect, every channel rollover): events may have been missed, restore
   * now. A rollover waits for the returned promise before it retires the old channel.
   */
  onConnected(stream: NotificationStream): void | Promise<void>;
  /** A parsed frame that is not a channel or system message. */
  onFrame(frame: NotificationFrame, observedAt: number): void;
  /** Text that was not a JSON object with a topicName (the reason says which); the owner counts and logs it. */
  onMalformed(text: string, reason: string): void;
}

const MAX_CONNECT_FAILURES_PER_CHANNEL = 3;

/**
 * One notification channel with its topics and its one WebSocket (Genesys allows one socket per channel).
 * Keeps it alive: heartbeats as liveness, `{"message":"ping"}` after silence, immediate reconnect on
 * `v2.system.socket_closing`, a first recovery at once after any other drop (HEAD, and a new channel when the old one
 * is gone) then jittered backoff, re-subscribe before expiry, and a rollover to a new channel when the token that
 * created the channel is renewed (the channel may close when that token expires).
 */
export class NotificationStream {
  private channel: NotificationChannel | undefined;
  private topicList: readonly string[];
  /** Token generation the current channel was created under (see {@link rollover}). */
  private channelTokenGeneration = 0;
  private rolling = false;
  private socket: WebSocket | undefined;
  private isOpen = false;
  private stopped = false;
  private attempt = 0;
  private connectFailures = 0;
  private cancelReconnect: CancelTimer | undefined;
  private recovering = false;
  private resubscribing = false;
  readonly name: string;
  private readonly channels: NotificationChannelManager;
  private readonly handlers: NotificationStreamHandlers;
  private readonly clock: Clock;
  private readonly logger: Logger;
  private readonly metrics: GenesysMetrics;
  private readonly timers: GenesysTimers;
  private readonly random: () => number;
  private readonly tokenGeneration: () => number;
  private readonly liveness: SocketLiveness;

  constructor(private readonly options: NotificationStreamOptions) {
    this.name = options.name;
    this.topicList = [...options.topics];
    this.channels = options.channels;
    this.handlers = options.handlers;
    this.clock = options.clock;
    this.logger = options.logger;
    this.metrics = options.metrics;
    this.timers = options.timers;
    this.random = options.random ?? Math.random;
    this.tokenGeneration = options.tokenGeneration ?? (() => 0);
    this.liveness = new SocketLiveness({
      ...options,
      isCurrent: (socket) => this.socket === socket,
      onDead: (socket) => {
        this.logger.warn(
          { channelId: this.channel?.id },
          'No pong from Genesys; treating the socket as dead',
        );
        socket.terminate();
      },
    });
  }

  /** The topics this stream keeps subscribed. */
  get topics(): readonly string[] {
    return this.topicList;
  }

  /** Replaces the topics (units found or gone): the current channel's subscription is replaced at once (PUT). */
  async setTopics(topics: readonly string[]): Promise<void> {
    this.topicList = [...topics];
    const channel = this.channel;
    if (this.stopped || channel === undefined) return;
    await this.channels.subscribe(channel, this.topicList);
  }

  /**
   * Moves to a new channel without a gap: create and subscribe it, connect its socket, restore (the owner's
   * `onConnected`), and only then retire the old socket. Frames arriving on both meanwhile are duplicates the drift core
   * ignores. Does nothing unless the socket is open and the channel was created under an older token generation than
   * `generation`; on failure the old channel stays in use (and normal recovery takes over if it closes).
   */
  async rollover(generation: number): Promise<void> {
    const old = this.socket;
    if (this.stopped || this.rolling || !this.isOpen || old === undefined) return;
    if (this.channelTokenGeneration >= generation) return;
    this.rolling = true;
    try {
      const created = this.tokenGeneration();
      const next = await this.channels.createChannel();
      await this.channels.subscribe(next, this.topicList);
      const socket = await openChannelSocket(next.connectUri, (opened, data) => this.receive(opened, data));
      if (this.stopped || this.socket !== old) {
        socket.terminate();
        return;
      }
      const previousChannel = this.channel;
      this.channel = next;
      this.channelTokenGeneration = created;
      this.socket = socket;
      this.wire(socket, next);
      this.isOpen = true;
      this.attempt = 0;
      this.liveness.start(socket);
      this.logger.info(
        { oldChannelId: previousChannel?.id, channelId: next.id, stream: this.name },
        'Genesys channel rolled over after the token was renewed',
      );
      await this.handlers.onConnected(this);
      this.retire(old);
      this.metrics.channelRollovers++;
    } catch (error) {
      this.logger.warn(
        { err: describeError(error), channelId: this.channel?.id },
        'Genesys channel rollover failed; keeping the current channel',
      );
    } finally {
      this.rolling = false;
    }
  }

  /** Creates the channel, subscribes and connects; when that fails it keeps trying in the background with backoff. */
  async start(): Promise<void> {
    try {
      this.channel = await this.newChannel();
    } catch (error) {
      this.logger.error(
        { err: describeError(error) },
        'Could not set up a Genesys notification channel; retrying',
      );
      this.scheduleRecovery();
      return;
    }
    this.connect();
  }

  /** Closes the socket for good. */
  stop(): void {
    this.stopped = true;
    this.cancelReconnect?.();
    this.liveness.stop();
    const socket = this.socket;
    this.socket = undefined;
    this.isOpen = false;
    if (socket) {
      socket.removeAllListeners();
      socket.on('error', () => undefined);
      socket.terminate();
    }
  }

  /** True while the socket is open. */
  isConnected(): boolean {
    return this.isOpen;
  }

  /** The current channel id (for logs and tests). */
  channelId(): string | undefined {
    return this.channel?.id;
  }

  /**
   * Re-subscribes (PUT the same topics) when the channel is within the margin of its 24 h expiry, and retries a rollover
   * the token renewal could not do.
   */
  async maintain(): Promise<void> {
    const channel = this.channel;
    if (this.stopped || !channel || this.resubscribing) return;
    // A rollover that could not run when the token was renewed (socket reconnecting, or it failed) is tried again.
    if (this.isOpen && this.channelTokenGeneration < this.tokenGeneration())
      void this.rollover(this.tokenGeneration());
    if (this.clock.now() < channel.expiresAt - this.options.resubscribeMarginInMs) return;
    this.resubscribing = true;
    try {
      await this.channels.subscribe(channel, this.topicList);
      this.metrics.resubscriptions++;
      this.logger.info(
        { channelId: channel.id, expiresAt: channel.expiresAt },
        'Re-subscribed to keep the channel alive',
      );
    } catch (error) {
      this.logger.warn(
        { channelId: channel.id, err: describeError(error) },
        'Re-subscription failed; will retry',
      );
    } finally {
      this.resubscribing = false;
    }
  }

  private async newChannel(): Promise<NotificationChannel> {
    const generation = this.tokenGeneration();
    const channel = await this.channels.createChannel();
    await this.channels.subscribe(channel, this.topicList);
    this.channelTokenGeneration = generation;
    this.connectFailures = 0;
    return channel;
  }

  private connect(): void {
    const channel = this.channel;
    if (this.stopped || !channel) return;
    const socket = new WebSocket(channel.connectUri);
    const previous = this.socket;
    this.socket = socket;
    if (previous) this.retire(previous);
    socket.on('open', () => {
      if (this.socket !== socket) return;
      this.isOpen = true;
      this.connectFailures = 0;
      this.logger.info({ channelId: channel.id, stream: this.name }, 'Genesys notification socket open');
      this.attempt = 0;
      this.liveness.start(socket);
      void this.handlers.onConnected(this);
    });
    socket.on('message', (data: WebSocket.RawData) => this.receive(socket, data));
    socket.on('unexpected-response', (_request, response) => {
      // The handshake was refused (e.g. the channel was evicted or expired); fall through to close handling.
      this.logger.warn(
        { channelId: channel.id, status: response.statusCode },
        'Genesys refused the socket connection',
      );
      this.connectFailures++;
      socket.terminate();
    });
    this.wire(socket, channel);
  }

  /** Error and close handling of the current socket: a close that was not asked for starts recovery. */
  private wire(socket: WebSocket, channel: NotificationChannel): void {
    socket.on('error', (error: Error) => {
      this.logger.warn({ channelId: channel.id, err: error.message }, 'Genesys notification socket error');
    });
    socket.on('close', (code: number) => {
      if (this.socket !== socket) return;
      const wasOpen = this.isOpen;
      this.isOpen = false;
      this.liveness.stop();
      if (!wasOpen) this.connectFailures++;
      if (this.stopped) return;
      this.logger.warn(
        { channelId: channel.id, code, wasOpen },
        'Genesys notification socket closed; reconnecting',
      );
      // A socket that was working: recover at once (HEAD, then a new channel if it is gone), so tracking resumes
      // within seconds; only repeated failures back off.
      if (wasOpen) this.attempt = 0;
      this.scheduleRecovery();
    });
  }

  /** Stops listening to an old socket: its close is expected, its last frames are still taken. */
  private retire(socket: WebSocket): void {
    socket.removeAllListeners('close');
    socket.removeAllListeners('open');
    socket.on('error', () => undefined);
    socket.on('close', () => socket.removeAllListeners());
    // Connecting a second socket to a channel disconnects the first
    // (developer.genesys.cloud/forum/t/notifications-service-limits-concepts/10312, quoting the notification service
    // docs); terminate in case the server does not.
    socket.terminate();
  }

  private receive(socket: WebSocket, data: WebSocket.RawData): void {
    this.metrics.framesReceived++;
    this.liveness.noteFrame();
    const observedAt = this.clock.now();
    const text = textOfMessage(data);
    const parsed = parseNotificationFrame(text);
    if (parsed.frame === undefined) {
      this.handlers.onMalformed(text, parsed.reason);
      return;
    }
    const topicName = parsed.frame.topicName;
    if (topicName === 'channel.metadata') {
      // Heartbeat ("WebSocket Heartbeat", about every 30 s: koodaamo/genesys-notifications, channel.py) or our pong:
      // liveness only.
      this.metrics.heartbeats++;
      return;
    }
    if (topicName.startsWith('v2.system.')) {
      this.onSystemMessage(socket, topicName);
      return;
    }
    this.handlers.onFrame(parsed.frame, observedAt);
  }

  private onSystemMessage(socket: WebSocket, topicName: string): void {
    const channel = this.channel;
    if (topicName === 'v2.system.socket_closing') {
      // Reopen to the same connectUri without re-subscribing; the channel survives (MyPureCloud/platform-client-sdk-java
      // build/src/main/java/com/mypurecloud/sdk/v2/extensions/notifications/NotificationHandler.java).
      this.metrics.socketClosingNotices++;
      this.metrics.reconnects++;
      this.logger.info(
        { channelId: channel?.id },
        'Genesys announced socket_closing; reconnecting to the same channel',
      );
      if (this.socket === socket) {
        this.isOpen = false;
        this.liveness.stop();
        this.connect();
      }
      return;
    }
    if (topicName.startsWith('v2.system.no_longer_subscribed')) {
      this.logger.warn(
        { channelId: channel?.id, topicName },
        'Genesys dropped our subscriptions; subscribing again',
      );
      if (channel) {
        this.channels.subscribe(channel, this.topicList).catch((error: Error) => {
          this.logger.warn(
            { channelId: channel.id, err: error.message },
            'Re-subscription after no_longer_subscribed failed; recreating the channel',
          );
          this.connectFailures = MAX_CONNECT_FAILURES_PER_CHANNEL;
          socket.terminate();
        });
      }
      return;
    }
    if (topicName.startsWith('v2.system.token_revoked')) {
      // The token that created the channel is gone, so the channel goes too: start over on a new one.
      this.logger.warn(
        { channelId: channel?.id },
        'Genesys revoked the channel token; recreating the channel',
      );
      this.connectFailures = MAX_CONNECT_FAILURES_PER_CHANNEL;
      socket.terminate();
      return;
    }
    this.logger.debug({ topicName }, 'Genesys system message ignored');
  }

  private scheduleRecovery(): void {
    if (this.stopped || this.recovering) return;
    this.recovering = true;
    this.attempt++;
    // The first attempt after a working socket dropped goes at once; later ones back off with jitter.
    const delayMs =
      this.attempt === 1
        ? 0
        : computeBackoffInMs(
            this.attempt - 1,
            { baseInMs: this.options.reconnectBaseDelayInMs, maxInMs: this.options.reconnectMaxDelayInMs },
            this.random,
          );
    this.cancelReconnect = this.timers.startTimer(() => {
      this.cancelReconnect = undefined;
      void this.recover();
    }, delayMs);
  }

  private async recover(): Promise<void> {
    if (this.stopped) return;
    this.metrics.reconnects++;
    try {
      const channel = this.channel;
      const exists =
        channel !== undefined &&
        this.connectFailures < MAX_CONNECT_FAILURES_PER_CHANNEL &&
        (await this.channels.channelExists(channel.id));
      if (this.stopped) return;
      if (!exists) {
        this.logger.warn({ oldChannelId: channel?.id }, 'Genesys channel is gone; creating a new one');
        this.channel = await this.newChannel();
      }
      this.recovering = false;
      this.connect();
    } catch (error) {
      this.recovering = false;
      this.logger.warn({ err: describeError(error) }, 'Genesys channel recovery failed; retrying');
      this.scheduleRecovery();
    }
  }
}
