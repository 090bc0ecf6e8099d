import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import { createGenesysMetrics } from '../../../src/genesys/genesys-metrics';
import { platformTimers, type GenesysTimers } from '../../../src/genesys/genesys-timers';
import type {
  NotificationChannel,
  NotificationChannelManager,
} from '../../../src/genesys/notification-channel-manager';
import { NotificationStream } from '../../../src/genesys/notification-stream';
import { eventually } from '../../support/eventually';
import { ManualClock } from '../../support/manual-clock';
import { RecordingLogger } from '../../support/recording-logger';

const QUIET_BEFORE_PING_MS = 40_000;
const PONG_TIMEOUT_MS = 10_000;

/** A WebSocket server that never sends heartbeats and never answers pings, and refuses channels it was told are gone. */
describe('NotificationStream liveness against a silent local server', function () {
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

  /** A stream on `timers`: real ones by default, where liveness (40 s quiet) never fires within a test. */
  function build(existing: () => boolean, timers: GenesysTimers = platformTimers) {
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
      quietBeforePingInMs: QUIET_BEFORE_PING_MS,
      pongTimeoutInMs: PONG_TIMEOUT_MS,
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
      logger: new RecordingLogger(),
      metrics,
      timers,
    });
    return { stream, metrics, connected };
  }

  it('pings a quiet socket, and reconnects to the same channel once the pong deadline passes without one', async () => {
    // Liveness on a manual clock: the deadline passes when the test says, not when a busy machine gets round to it.
    const timers = new ManualClock();
    const { stream, metrics } = build(() => true, timers);
    await stream.start();
    try {
      await eventually('the first connection', () => stream.isConnected());
      timers.advanceBy(QUIET_BEFORE_PING_MS);
      assert.equal(metrics.pingsSent, 1, 'a ping after a quiet period');
      await eventually('the ping at the server', () => pings === 1);
      timers.advanceBy(PONG_TIMEOUT_MS - 1);
      assert.ok(stream.isConnected(), 'alive until the deadline');
      assert.equal(connections.length, 1);
      timers.advanceBy(1);
      await eventually('the dead socket noticed', () => !stream.isConnected());
      // The first recovery after a working socket dropped goes at once: a zero-delay timer.
      timers.advanceBy(0);
      await eventually('a reconnect after the missing pong', () => connections.length >= 2);
      assert.deepEqual(connections, ['ch1', 'ch1']);
    } finally {
      stream.stop();
    }
  });

  it('creates a new channel when the old one refuses connections although HEAD still finds it', async () => {
    const { stream } = build(() => true);
    await stream.start();
    try {
      await eventually('first connection', () => connections.length === 1);
      refused.add('ch1');
      sockets[0].terminate();
      await eventually('a connection to a new channel', () => connections.includes('ch2'));
      assert.equal(stream.channelId(), 'ch2');
    } finally {
      stream.stop();
    }
  });
});
