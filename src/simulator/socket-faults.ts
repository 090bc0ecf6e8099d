import { randomUUID } from 'node:crypto';
import { startTimer } from '../platform/timers';
import type { ChannelRecord, ChannelRegistry } from './channel-registry';
import type { ChannelSockets } from './channel-sockets';
import type { FaultInjector } from './fault-injector';
import type { SimulatorClock } from './simulator-clock';

/** Options of {@link SocketFaults}. */
export interface SocketFaultsOptions {
  readonly clock: SimulatorClock;
  readonly faults: FaultInjector;
  readonly registry: ChannelRegistry;
  readonly sockets: ChannelSockets;
  /** Organisation id sent in system messages. */
  readonly organizationId: string;
}

/** What the control API and the fault injector do to channel sockets: drops, maintenance closes, bad frames. */
export class SocketFaults {
  constructor(private readonly options: SocketFaultsOptions) {}

  /** Drops the socket of one channel (or all) without a close handshake. */
  dropSockets(channelId?: string): number {
    let n = 0;
    for (const channel of this.options.registry.selected(channelId)) {
      if (!channel.socket) continue;
      channel.socket.terminate();
      n += 1;
    }
    return n;
  }

  /**
   * Sends `v2.system.socket_closing`, then closes the socket after `closeAfterMs` of simulator time (about 1 min in
   * Genesys; MyPureCloud/platform-client-sdk-java
   * build/src/main/java/com/mypurecloud/sdk/v2/extensions/notifications/NotificationHandler.java reconnects to the
   * same connectUri).
   */
  sendSocketClosing(channelId: string | undefined, closeAfterMs: number): number {
    const { clock, registry, sockets } = this.options;
    let n = 0;
    for (const channel of registry.selected(channelId)) {
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
      sockets.send(
        channel,
        JSON.stringify({
          topicName: 'v2.system.socket_closing',
          version: '2',
          eventBody,
          metadata: { CorrelationId: randomUUID() },
        }),
      );
      clock.schedule(clock.now() + closeAfterMs, () => {
        if (socket.readyState === socket.OPEN) socket.close(1001, 'Closing for maintenance');
      });
      n += 1;
    }
    return n;
  }

  /** Sends a frame that is not valid JSON. */
  sendMalformedFrame(channelId?: string): number {
    let n = 0;
    for (const channel of this.options.registry.selected(channelId)) {
      if (!channel.socket) continue;
      this.options.sockets.send(channel, '{"topicName":"v2.workforcemanagement.managementunits.');
      n += 1;
    }
    return n;
  }

  /** Sends an adherence frame through the next frame fault, if one is armed: delayed, duplicated or reordered. */
  sendWithFaults(channel: ChannelRecord, text: string): void {
    const { sockets } = this.options;
    const fault = this.options.faults.takeFrameFault();
    const held = channel.heldFrame;
    if (held) {
      channel.heldFrame = undefined;
      held.cancelFlush();
    }
    if (!fault) {
      sockets.send(channel, text);
    } else if (fault.kind === 'delay') {
      startTimer(() => sockets.send(channel, text), fault.delayMs, true);
    } else if (fault.kind === 'duplicate') {
      sockets.send(channel, text);
      sockets.send(channel, text);
    } else {
      // Reorder: hold this frame until the next one on the channel has gone out (flushed after 1 s real time
      // anyway).
      if (held) sockets.send(channel, held.text);
      channel.heldFrame = {
        text,
        cancelFlush: startTimer(
          () => {
            if (channel.heldFrame?.text === text) {
              channel.heldFrame = undefined;
              sockets.send(channel, text);
            }
          },
          1000,
          true,
        ),
      };
      return;
    }
    if (held) sockets.send(channel, held.text);
  }
}
