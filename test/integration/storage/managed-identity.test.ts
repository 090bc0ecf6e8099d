import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { TableService } from '../../../src/storage/table-service';

/** Environment variables this test sets; their previous values are put back afterwards. */
const VARIABLES = [
  'IDENTITY_ENDPOINT',
  'IDENTITY_HEADER',
  'AZURE_CLIENT_ID',
  'AZURE_TENANT_ID',
  'AZURE_CLIENT_SECRET',
  'AZURE_CLIENT_CERTIFICATE_PATH',
  'AZURE_FEDERATED_TOKEN_FILE',
  'AZURE_TOKEN_CREDENTIALS',
  'MSI_ENDPOINT',
  'MSI_SECRET',
] as const;

describe('Table Storage through AZURE_TABLES_ENDPOINT with a user-assigned managed identity', function () {
  const saved = new Map<string, string | undefined>();
  let identityEndpoint: Server;
  const tokenRequests: URL[] = [];

  before(async () => {
    // The managed identity endpoint Azure Container Apps and App Service give a container (IDENTITY_ENDPOINT and
    // IDENTITY_HEADER, protocol 2019-08-01): https://learn.microsoft.com/azure/container-apps/managed-identity#rest-endpoint-reference
    identityEndpoint = createServer((req, res) => {
      tokenRequests.push(new URL(req.url ?? '/', 'http://127.0.0.1'));
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({
          access_token: 'test-token',
          expires_on: String(Math.floor(Date.now() / 1000) + 3600),
          resource: 'https://storage.azure.com',
          token_type: 'Bearer',
        }),
      );
    });
    await new Promise<void>((resolve) => identityEndpoint.listen(0, '127.0.0.1', resolve));
    for (const name of VARIABLES) saved.set(name, process.env[name]);
    for (const name of VARIABLES) delete process.env[name];
    process.env.IDENTITY_ENDPOINT = `http://127.0.0.1:${(identityEndpoint.address() as AddressInfo).port}/msi/token`;
    process.env.IDENTITY_HEADER = 'test-header';
    process.env.AZURE_CLIENT_ID = '5b8e2c1a-3d4f-4a6b-8c9d-0e1f2a3b4c5d';
  });

  after(async () => {
    for (const [name, value] of saved) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
    await new Promise<void>((resolve) => identityEndpoint.close(() => resolve()));
  });

  it('asks the identity endpoint for a Storage token for the identity AZURE_CLIENT_ID names', async () => {
    // Nothing listens on port 9 with TLS, so the table call itself fails after the token was fetched.
    const service = TableService.create({ endpoint: 'https://127.0.0.1:9', tablePrefix: 'mitest' });
    await assert.rejects(service.client('Leases').createTable());

    const request = tokenRequests.at(-1);
    assert.ok(request, 'DefaultAzureCredential asked the managed identity endpoint for a token');
    assert.equal(request.searchParams.get('client_id'), '5b8e2c1a-3d4f-4a6b-8c9d-0e1f2a3b4c5d');
    assert.match(request.searchParams.get('resource') ?? '', /^https:\/\/storage\.azure\.com/);
  });
});
