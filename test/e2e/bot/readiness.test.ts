import assert from 'node:assert/strict';
import { azuriteConnectionString } from '../../../src/storage/azurite-server';
import { sharedAzurite } from '../../support/azurite';
import { startE2eStack, type E2eStack } from '../../support/e2e-stack';
import { startTcpProxy, type TcpProxy } from '../../support/tcp-proxy';

// How long a wait for the expected answer goes on before the test gives up (not a speed bound).
const GIVE_UP_AFTER_MS = 30_000;

describe('Readiness of the running product asks Table storage for real', function () {
  this.timeout(90_000);
  let proxy: TcpProxy | undefined;
  let stack: E2eStack | undefined;

  before(async () => {
    const azurite = await sharedAzurite();
    // The application reaches Azurite through a proxy the test can make go silent.
    proxy = await startTcpProxy({ host: '127.0.0.1', port: azurite.port });
    stack = await startE2eStack({
      simulatorSeed: 'readiness',
      agent: { name: 'Rita Ready', email: 'rita.ready@contoso.example' },
      env: { AZURE_TABLES_CONNECTION_STRING: azuriteConnectionString(proxy.port), NODE_ENV: 'test' },
      logLevel: 'silent',
      name: 'readiness',
      host: '127.0.0.1',
    });
  });

  after(async () => {
    proxy?.resume();
    await stack?.stop();
    await proxy?.close();
  });

  async function readyz(): Promise<{ status: number; body: { missing?: string[] } }> {
    const response = await fetch(`${stack!.app.server.url}/readyz`);
    return { status: response.status, body: (await response.json()) as { missing?: string[] } };
  }

  async function waitForReadyz(status: number): Promise<{ missing?: string[] }> {
    const giveUpAt = Date.now() + GIVE_UP_AFTER_MS;
    for (;;) {
      const answer = await readyz();
      if (answer.status === status) return answer.body;
      if (Date.now() > giveUpAt)
        assert.fail(`/readyz stayed ${answer.status}: ${JSON.stringify(answer.body)}`);
      await new Promise((resolve) => setImmediate(resolve));
    }
  }

  it('answers 503 naming the store while storage does not answer, and 200 again once it does', async () => {
    await waitForReadyz(200);
    proxy!.stall();
    assert.deepEqual(await waitForReadyz(503), { status: 'not ready', missing: ['store'] });
    proxy!.resume();
    await waitForReadyz(200);
  });
});
