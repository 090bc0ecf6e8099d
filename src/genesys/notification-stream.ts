import WebSocket from 'ws';
import type { Clock, Logger } from '../app/ports';
import { computeBackoffMs } from '../platform/backoff';
import type { CancelTimer } from '../platform/timers';
import type { GenesysMetrics } from './genesys-metrics';
import type { GenesysTimers } from './genesys-timers';
import type { NotificationChannel, NotificationChannelManager } from './notification-channel-manager';

/** Tunables of one stream. */
export interface NotificationStreamOptions {
  readonly quietBeforePingMs: number;
  readonly pongTimeoutMs: number;
  readonly reconnectBaseDelayMs: number;
  readonly reconnectMaxDelayMs: number;
  readonly resubscribeMarginMs: number;
}

/** What a stream reports to its owner. */
export interface NotificationStreamHandlers {
  /** A socket opened (first connect and every reconnect): events may have been missed, restore now. */
  onConnected(stream: NotificationStream): void;
  /** A parsed frame that is not a channel or system message. */
  onFrame(frame: { topicName: string } & Record<string, unknown>, observedAt: number): void;
  /** Text that was not a JSON object; already counted, the owner decides how to log it. */
  onMalformed(text: string): void;
}

const MAX_CONNECT_FAILURES_PER_CHANNEL = 3;

/**
 * One notification channel with its topics and its one WebSocket (Genesys allows one socket per channel).
 * Keeps it alive: heartbeats as liveness, `{"message":"ping"}` after silence, immediate reconnect on
 * `v2.system.socket_closing`, jittered backoff otherwise, a new channel when the old one is gone, re-subscribe before expiry.
 */
export class NotificationStream {
  private channel: NotificationChannel | undefined;
  private socket: WebSocket | undefined;
  private isOpen = false;
  private stopped = false;
  private attempt = 0;
  private connectFailures = 0;
  private framesSinceTick = 0;
  private awaitingPong = false;
  private cancelLiveness: CancelTimer | undefined;
  private cancelPong: CancelTimer | undefined;
  private cancelReconnect: CancelTimer | undefined;
  private recovering = false;
  private resubscribing = false;

  constructor(
    readonly name: string,
    readonly topics: readonly string[],
    private readonly channels: NotificationChannelManager,
    private readonly options: NotificationStreamOptions,
    private readonly handlers: NotificationStreamHandlers,
    private readonly clock: Clock,
    private readonly logger: Logger,
    private readonly metrics: GenesysMetrics,
    private readonly timers: GenesysTimers,
    private readonly random: () => number = Math.random,
  ) {}

  /** Creates the channel, subscribes and connects; when that fails it keeps trying in the background with backoff. */
  async start(): Promise<void> {
    try {
      this.channel = await this.newChannel();
    } catch (error) {
      this.logger.error(
        { err: (error as Error).message },
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
    this.stopLiveness();
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

  /** Re-subscribes (PUT the same topics) when the channel is within the margin of its 24 h expiry. */
  async maintain(): Promise<void> {
    const channel = this.channel;
    if (this.stopped || !channel || this.resubscribing) return;
    if (this.clock.now() < channel.expiresAt - this.options.resubscribeMarginMs) return;
    this.resubscribing = true;
    try {
      await this.channels.subscribe(channel, this.topics);
      this.metrics.resubscriptions++;
      this.logger.info(
        { channelId: channel.id, expiresAt: channel.expiresAt },
        'Re-subscribed to keep the channel alive',
      );
    } catch (error) {
      this.logger.warn(
        { channelId: channel.id, err: (error as Error).message },
        'Re-subscription failed; will retry',
      );
    } finally {
      this.resubscribing = false;
    }
  }

  private async newChannel(): Promise<NotificationChannel> {
    const channel = await this.channels.createChannel();
    await this.channels.subscribe(channel, this.topics);
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
      this.startLiveness(socket);
      this.handlers.onConnected(this);
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
    socket.on('error', (error: Error) => {
      this.logger.warn({ channelId: channel.id, err: error.message }, 'Genesys notification socket error');
    });
    socket.on('close', (code: number) => {
      if (this.socket !== socket) return;
      const wasOpen = this.isOpen;
      this.isOpen = false;
      this.stopLiveness();
      if (!wasOpen) this.connectFailures++;
      if (this.stopped) return;
      this.logger.warn(
        { channelId: channel.id, code, wasOpen },
        'Genesys notification socket closed; reconnecting',
      );
      this.scheduleRecovery();
    });
  }

  /** Stops listening to an old socket: its close is expected, its last frames are still taken. */
  private retire(socket: WebSocket): void {
    socket.removeAllListeners('close');
    socket.removeAllListeners('open');
    socket.on('error', () => undefined);
    socket.on('close', () => socket.removeAllListeners());
    // [DOC] connecting a second socket to a channel disconnects the first; terminate in case the server does not.
    socket.terminate();
  }

  private receive(socket: WebSocket, data: WebSocket.RawData): void {
    this.metrics.framesReceived++;
    this.framesSinceTick++;
    this.awaitingPong = false;
    const observedAt = this.clock.now();
    const text = typeof data === 'string' ? data : data.toString();
    let frame: unknown;
    try {
      frame = JSON.parse(text);
    } catch {
      frame = undefined;
    }
    if (
      typeof frame !== 'object' ||
      frame === null ||
      typeof (frame as { topicName?: unknown }).topicName !== 'string'
    ) {
      this.metrics.malformedFrames++;
      this.handlers.onMalformed(text);
      return;
    }
    const topicName = (frame as { topicName: string }).topicName;
    if (topicName === 'channel.metadata') {
      // Heartbeat ("WebSocket Heartbeat", about every 30 s) or our pong: liveness only [3P koodaamo, Noralogix].
      this.metrics.heartbeats++;
      return;
    }
    if (topicName.startsWith('v2.system.')) {
      this.onSystemMessage(socket, topicName);
      return;
    }
    this.handlers.onFrame(frame as { topicName: string } & Record<string, unknown>, observedAt);
  }

  private onSystemMessage(socket: WebSocket, topicName: string): void {
    const channel = this.channel;
    if (topicName === 'v2.system.socket_closing') {
      // [SDK Java NotificationHandler]: reopen to the same connectUri without re-subscribing; the channel survives.
      this.metrics.socketClosingNotices++;
      this.metrics.reconnects++;
      this.logger.info(
        { channelId: channel?.id },
        'Genesys announced socket_closing; reconnecting to the same channel',
      );
      if (this.socket === socket) {
        this.isOpen = false;
        this.stopLiveness();
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
        this.channels.subscribe(channel, this.topics).catch((error: Error) => {
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
    const delayMs = computeBackoffMs(
      this.attempt,
      { baseMs: this.options.reconnectBaseDelayMs, maxMs: this.options.reconnectMaxDelayMs },
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
      this.logger.warn({ err: (error as Error).message }, 'Genesys channel recovery failed; retrying');
      this.scheduleRecovery();
    }
  }

  private startLiveness(socket: WebSocket): void {
    this.stopLiveness();
    this.attempt = 0;
    this.framesSinceTick = 0;
    this.awaitingPong = false;
    this.cancelLiveness = this.timers.startInterval(() => {
      if (this.framesSinceTick > 0 || this.awaitingPong) {
        this.framesSinceTick = 0;
        return;
      }
      // Quiet for a whole period: ask. The reply is a channel.metadata "pong" [SDK Java NotificationHandler.sendPing].
      this.awaitingPong = true;
      this.metrics.pingsSent++;
      socket.send('{"message":"ping"}', (error) => {
        if (error) this.logger.debug({ err: error.message }, 'Ping could not be sent');
      });
      this.cancelPong?.();
      this.cancelPong = this.timers.startTimer(() => {
        this.cancelPong = undefined;
        if (this.awaitingPong && this.socket === socket) {
          this.logger.warn(
            { channelId: this.channel?.id },
            'No pong from Genesys; treating the socket as dead',
          );
          socket.terminate();
        }
      }, this.options.pongTimeoutMs);
    }, this.options.quietBeforePingMs);
  }

  private stopLiveness(): void {
    this.cancelLiveness?.();
    this.cancelLiveness = undefined;
    this.cancelPong?.();
    this.cancelPong = undefined;
    this.awaitingPong = false;
  }
}
