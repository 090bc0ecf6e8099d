import type WebSocket from 'ws';
import type { Logger } from '../platform/logger';
import type { CancelTimer } from '../platform/timers';
import type { GenesysMetrics } from './genesys-metrics';
import type { GenesysTimers } from './genesys-timers';

/** Options of {@link SocketLiveness}. */
export interface SocketLivenessOptions {
  /** Send `{"message":"ping"}` after this much silence (heartbeats come about every 30 s). */
  readonly quietBeforePingInMs: number;
  /** Declare the socket dead when nothing arrives this long after a ping. */
  readonly pongTimeoutInMs: number;
  readonly timers: GenesysTimers;
  readonly metrics: GenesysMetrics;
  readonly logger: Logger;
  /** Whether `socket` is still the stream's current one (a late pong deadline for an old socket does nothing). */
  readonly isCurrent: (socket: WebSocket) => boolean;
  /** The socket stayed silent after a ping: the stream closes it and recovers. */
  readonly onDead: (socket: WebSocket) => void;
}

/**
 * Watches one notification socket: any frame (heartbeats come about every 30 s) proves it alive; after a quiet
 * period it sends the application-level `{"message":"ping"}`, whose reply is a `channel.metadata` "pong"
 * (MyPureCloud/platform-client-sdk-java
 * build/src/main/java/com/mypurecloud/sdk/v2/extensions/notifications/NotificationHandler.java, `sendPing`), and
 * reports the socket dead when nothing comes back in time.
 */
export class SocketLiveness {
  private framesSinceTick = 0;
  private awaitingPong = false;
  private cancelTick: CancelTimer | undefined;
  private cancelPong: CancelTimer | undefined;

  constructor(private readonly options: SocketLivenessOptions) {}

  /** A frame arrived on the watched socket. */
  noteFrame(): void {
    this.framesSinceTick++;
    this.awaitingPong = false;
  }

  /** Starts watching `socket` (stopping any earlier watch). */
  start(socket: WebSocket): void {
    const { timers, metrics } = this.options;
    this.stop();
    this.framesSinceTick = 0;
    this.cancelTick = timers.startInterval(() => {
      if (this.framesSinceTick > 0 || this.awaitingPong) {
        this.framesSinceTick = 0;
        return;
      }
      // Quiet for a whole period: ask.
      this.awaitingPong = true;
      metrics.pingsSent++;
      socket.send('{"message":"ping"}', (error) => {
        if (error) this.options.logger.debug({ err: error.message }, 'Ping could not be sent');
      });
      this.cancelPong?.();
      this.cancelPong = timers.startTimer(() => {
        this.cancelPong = undefined;
        if (this.awaitingPong && this.options.isCurrent(socket)) this.options.onDead(socket);
      }, this.options.pongTimeoutInMs);
    }, this.options.quietBeforePingInMs);
  }

  /** Stops watching. */
  stop(): void {
    this.cancelTick?.();
    this.cancelTick = undefined;
    this.cancelPong?.();
    this.cancelPong = undefined;
    this.awaitingPong = false;
  }
}
