import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import { startInterval } from '../platform/timers';
import { textOfMessage } from '../platform/websocket-text';
import type { ChannelRecord, ChannelRegistry } from './channel-registry';
import type { SimulatorClock } from './simulator-clock';
import type { SimulatorCounters } from './simulator-counters';

/** Options of {@link ChannelSockets}. */
export interface ChannelSocketsOptions {
  readonly clock: SimulatorClock;
  readonly counters: SimulatorCounters;
  readonly heartbeatIntervalMs: number;
}

/**
 * The WebSocket side of the notification channels: one socket per channel (a second connection disconnects the
 * first), a heartbeat every 30 s, and the application-level `{"message":"ping"}` health check answered with a pong.
 */
export class ChannelSockets {
  private readonly wss = new WebSocketServer({ noServer: true });
  private registry: ChannelRegistry | undefined;

  constructor(private readonly options: ChannelSocketsOptions) {}

  /** The channels sockets attach to (the registry and the sockets refer to each other). */
  bind(registry: ChannelRegistry): void {
    this.registry = registry;
  }

  /** Handles an HTTP upgrade to `/channels/{id}`; unknown channels are refused with 404. */
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    const path = new URL(req.url ?? '/', 'http://127.0.0.1').pathname;
    const match = /^\/channels\/([^/]+)$/.exec(path);
    const channel = match ? this.registry?.live(decodeURIComponent(match[1])) : undefined;
    if (!channel) {
      socket.end('HTTP/1.1 404 Not Found\r\nContent-Type: application/json\r\nConnection: close\r\n\r\n');
      return;
    }
    this.wss.handleUpgrade(req, socket, head, (ws) => this.attach(channel, ws));
  }

  /** Sends one text frame on the channel's socket, if it is open. */
  send(channel: ChannelRecord, text: string): void {
    const socket = channel.socket;
    if (!socket || socket.readyState !== socket.OPEN) return;
    socket.send(text);
    this.options.counters.framesSent += 1;
  }

  /** Closes the channel's socket (a handshake when it is open) and stops its heartbeat. */
  detach(channel: ChannelRecord, code: number, reason: string): void {
    const old = channel.socket;
    channel.stopHeartbeat?.();
    channel.stopHeartbeat = undefined;
    channel.socket = undefined;
    if (old && old.readyState === old.OPEN) old.close(code, reason);
    else old?.terminate();
  }

  /** Stops taking upgrades. */
  close(): void {
    this.wss.close();
  }

  private attach(channel: ChannelRecord, ws: WebSocket): void {
    if (!this.registry?.has(channel)) {
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
        message = JSON.parse(textOfMessage(data));
      } catch {
        return;
      }
      // Health check is an application-level JSON ping, not an RFC 6455 ping (MyPureCloud/platform-client-sdk-java
      // build/src/main/java/com/mypurecloud/sdk/v2/extensions/notifications/NotificationHandler.java, `sendPing`).
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
}
