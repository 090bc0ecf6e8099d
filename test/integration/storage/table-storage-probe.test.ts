import assert from 'node:assert/strict';
import net, { type AddressInfo } from 'node:net';
import { azuriteConnectionString } from '../../../src/storage/azurite-server';
import { TableService } from '../../../src/storage/table-service';
import { probeTableStorage } from '../../../src/storage/table-storage-probe';
import { createTestTableService, randomTablePrefix, sharedAzurite } from '../../support/azurite';
import { startTcpProxy, type TcpProxy } from '../../support/tcp-proxy';

describe('probeTableStorage (Azurite)', () => {
  let proxy: TcpProxy | undefined;

  afterEach(async () => {
    await proxy?.close();
    proxy = undefined;
  });

  it('answers true when Table storage answers a query', async () => {
    const service = await createTestTableService(['Leases']);
    assert.equal(await probeTableStorage(service), true);
  });

  it('answers false when the storage endpoint accepts connections but never answers, and true once it answers again', async () => {
    const azurite = await sharedAzurite();
    const service = await createTestTableService(['Leases']);
    proxy = await startTcpProxy({ host: '127.0.0.1', port: azurite.port });
    const throughProxy = TableService.create({
      connectionString: azuriteConnectionString(proxy.port),
      tablePrefix: service.tableName('Leases').slice(0, -'Leases'.length),
    });
    assert.equal(await probeTableStorage(throughProxy), true);
    proxy.stall();
    assert.equal(await probeTableStorage(throughProxy, 300), false);
    proxy.resume();
    assert.equal(await probeTableStorage(throughProxy), true);
  });

  it('answers false when nothing listens where storage should be', async () => {
    const port = await closedPort();
    const service = TableService.create({
      connectionString: azuriteConnectionString(port),
      tablePrefix: randomTablePrefix(),
    });
    assert.equal(await probeTableStorage(service, 1_000), false);
  });
});

/** A loopback port that was free a moment ago and has nothing listening on it now. */
async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
