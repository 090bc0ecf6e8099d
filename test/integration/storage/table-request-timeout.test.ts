import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { azuriteConnectionString } from '../../../src/storage/azurite-server';
import { TableService } from '../../../src/storage/table-service';

describe('Table requests that never get an answer', () => {
  let server: http.Server;
  const held: http.ServerResponse[] = [];
  let requests = 0;

  beforeEach(async () => {
    requests = 0;
    // The first request is left unanswered (a half-open connection); later ones answer like Table storage.
    server = http.createServer((req, res) => {
      requests += 1;
      req.resume();
      if (requests === 1) {
        held.push(res);
        return;
      }
      res.writeHead(200, { 'content-type': 'application/json;odata=nometadata', etag: 'W/"1"' });
      res.end(JSON.stringify({ PartitionKey: 'mu-1', RowKey: 'agent-1', name: 'Ana' }));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  });

  afterEach(async () => {
    for (const res of held.splice(0)) res.destroy();
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  it('abandons the try after its timeout and retries, instead of waiting forever', async () => {
    const port = (server.address() as AddressInfo).port;
    const service = TableService.create({
      connectionString: azuriteConnectionString(port),
      tablePrefix: 'timeout',
      tryTimeoutInMs: 200,
    });
    const entity = await service.client('DriftState').getEntity<{ name: string }>('mu-1', 'agent-1');
    assert.equal(entity.name, 'Ana');
    assert.equal(requests, 2, 'the unanswered try, then the retry');
  });
});
