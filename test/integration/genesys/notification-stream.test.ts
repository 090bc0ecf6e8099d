import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import { createGenesysMetrics } from '../../../src/genesys/genesys-metrics';
import { platformTimers } from '../../../src/genesys/genesys-timers';
import type {
  NotificationChannel,
  NotificationChannelManager,
} from '../../../src/genesys/notification-channel-manager';
import { NotificationStream } from '../../../src/genesys/notification-stream';
import { createRecordingLogger, waitFor } from './genesys-test-kit';

/** A WebSocket server that never sends heartbeats and never answers pings, and refuses channels it was told are gone. */
describe('NotificationStream liveness against a silent local server', function () {
  this.timeout(10_000);
  let server: Server;
  let wss: WebSocketServer;
  let port: number;
  let connections: string[];
  let pings: number;
  let refused: Set<string>;
  let sockets: WebSocket[];

  beforeEach(async () => {
    connections = [];
    pings = 0;
    refused = new Set();
    sockets = [];
    server = createServer();
    wss = new WebSocketServer({ noServer: true });
    server.on('upgrade', (req, socket, head) => {
      const id = (req.url ?? '').split('/').pop() ?? '';
      if (refused.has(id)) {
        socket.end('HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n');
        return;
      }
      wss.handleUpgrade(req, socket, head, (ws) => {
        connections.push(id);
        sockets.push(ws);
        ws.on('message', (data: Buffer) => {
          if (data.toString() === '{"message":"ping"}') pings++;
        });
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });

  afterEach(async () => {
    for (const ws of sockets) ws.terminate();
    wss.close();
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  function build(existing: () => boolean) {
    let created = 0;
    const channels = {
      async createChannel(): Promise<NotificationChannel> {
        created++;
        return {
          id: `ch${created}`,
          connectUri: `ws://127.0.0.1:${port}/channels/ch${created}`,
          expiresAt: Number.MAX_SAFE_INTEGER,
        };
      },
      async subscribe() {
        return { permitted: [], rejected: [] };
      },
      async channelExists() {
        return existing();
      },
    } as unknown as NotificationChannelManager;
    const metrics = createGenesysMetrics();
    const connected: number[] = [];
    const stream = new NotificationStream({
      name: 'test',
      topics: ['v2.workforcemanagement.managementunits.mu1.adherence'],
      channels,
      quietBeforePingInMs: 100,
      pongTimeoutInMs: 100,
      reconnectBaseDelayInMs: 10,
      reconnectMaxDelayInMs: 50,
      resubscribeMarginInMs: 0,
      handlers: {
        onConnected: () => {
          connected.push(connections.length);
        },
        onFrame: () => undefined,
        onMalformed: () => undefined,
      },
      clock: { now: () => 0 },
      logger: createRecordingLogger(),
      metrics,
      timers: platformTimers,
    });
    return { stream, metrics, connected };
  }

  it('pings a quiet socket and reconnects to the same channel when no pong comes', async () => {
    const { stream, metrics } = build(() => true);
    await stream.start();
    try {
      await waitFor(() => connections.length >= 2, 'a reconnect after the missing pong');
      assert.ok(pings >= 1);
      assert.ok(metrics.pingsSent >= 1);
      assert.deepEqual(connections.slice(0, 2), ['ch1', 'ch1']);
    } finally {
      stream.stop();
    }
  });

  it('creates a new channel when the old one refuses connections although HEAD still finds it', async () => {
    const { stream } = build(() => true);
    await stream.start();
    try {
      await waitFor(() => connections.length === 1, 'first connection');
      refused.add('ch1');
      sockets[0]!.terminate();
      await waitFor(() => connections.includes('ch2'), 'a connection to a new channel');
      assert.equal(stream.channelId(), 'ch2');
    } finally {
      stream.stop();
    }
  });
});
