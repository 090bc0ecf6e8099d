import assert from 'node:assert/strict';
import { createInMemoryStores } from '../../../src/storage/in-memory-stores';
import { createTeamsEdge } from '../../../bot/create-teams-edge';
import type { RunningServers } from '../../../bot/server/create-ops-server';
import { EngineActionSink, exampleDirectory } from '../../support/bot-fakes';
import { ManualClock } from '../../support/manual-clock';
import { RecordingLogger } from '../../support/recording-logger';

describe('Operations server on METRICS_PORT (restify on 127.0.0.1:0)', () => {
  let servers: RunningServers;
  let isReady: boolean;

  beforeEach(async () => {
    const stores = createInMemoryStores();
    isReady = false;
    const edge = createTeamsEdge({
      auth: { appId: '', isProduction: false, isLocal: true },
      stores,
      directory: exampleDirectory(),
      actions: new EngineActionSink(stores.driftState),
      clock: new ManualClock(Date.UTC(2026, 7, 20, 10, 15, 0)),
      logger: new RecordingLogger(),
    });
    servers = await edge.startServer({
      port: 0,
      opsPort: 0,
      host: '127.0.0.1',
      readiness: () => ({ store: true, genesys: isReady }),
      metrics: () => ({ genesys: { framesReceived: 7 } }),
    });
  });

  afterEach(async () => {
    await servers.close();
  });

  it('serves /healthz, /readyz and /metrics on its own port and leaves only /api/messages on the public one', async () => {
    const ops = servers.ops!;
    assert.notEqual(ops.port, servers.port);

    assert.equal((await fetch(`${ops.url}/healthz`)).status, 200);
    const notReady = await fetch(`${ops.url}/readyz`);
    assert.equal(notReady.status, 503);
    assert.deepEqual(await notReady.json(), { status: 'not ready', missing: ['genesys'] });
    isReady = true;
    assert.equal((await fetch(`${ops.url}/readyz`)).status, 200);
    assert.match(await (await fetch(`${ops.url}/metrics`)).text(), /genesys_frames_received_total 7/);
    assert.equal((await fetch(`${ops.url}/api/messages`, { method: 'POST', body: '{}' })).status, 404);

    for (const path of ['/healthz', '/readyz', '/metrics'])
      assert.equal((await fetch(`${servers.url}${path}`)).status, 404, `${path} on the public port`);
    const message = await fetch(`${servers.url}/api/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ type: 'typing', channelId: 'msteams', serviceUrl: 'http://127.0.0.1:9/' }),
    });
    assert.notEqual(message.status, 404, 'the public port still takes /api/messages');
  });
});
