import assert from 'node:assert/strict';
import { TableService } from '../../../src/storage/table-service';
import { azuriteConnectionString } from '../../../src/storage/azurite-server';

const fakeCredential = { getToken: async () => ({ token: 't', expiresOnTimestamp: 0 }) };

describe('TableService', () => {
  it('names every table after the prefix', () => {
    const service = TableService.create({
      connectionString: azuriteConnectionString(10002),
      tablePrefix: 'adherence',
    });
    assert.equal(service.tableName('DriftState'), 'adherenceDriftState');
    assert.equal(service.client('AlertOutbox').tableName, 'adherenceAlertOutbox');
    assert.equal(service.client('AlertOutbox'), service.client('AlertOutbox'));
  });

  it('builds clients on an https endpoint with an Entra ID credential', () => {
    const service = TableService.create({
      endpoint: 'https://acct.table.core.windows.net',
      tablePrefix: 'prod1',
      credential: fakeCredential,
    });
    assert.equal(service.client('Leases').url, 'https://acct.table.core.windows.net');
  });

  it('names every bad setting at once', () => {
    assert.throws(
      () =>
        TableService.create({
          endpoint: 'http://storage.example.com',
          tablePrefix: '1bad-prefix',
          credential: fakeCredential,
        }),
      (error: Error) =>
        error.name === 'ConfigError' &&
        /TABLE_PREFIX/.test(error.message) &&
        /AZURE_TABLES_ENDPOINT: plain http/.test(error.message),
    );
    assert.throws(
      () => TableService.create({ tablePrefix: 'ok' }),
      /AZURE_TABLES_CONNECTION_STRING or AZURE_TABLES_ENDPOINT/,
    );
  });

  it('accepts plain http only to a loopback host', () => {
    assert.doesNotThrow(() =>
      TableService.create({ connectionString: 'UseDevelopmentStorage=true', tablePrefix: 'x' }),
    );
    assert.throws(
      () =>
        TableService.create({
          connectionString:
            'DefaultEndpointsProtocol=http;AccountName=a;AccountKey=aGVsbG8=;TableEndpoint=http://10.0.0.5:10002/a;',
          tablePrefix: 'x',
        }),
      /AZURE_TABLES_CONNECTION_STRING: plain http/,
    );
  });
});
