import assert from 'node:assert/strict';
import { resolveGenesysClientOptions } from '../../../src/genesys/genesys-client-options';

describe('resolveGenesysClientOptions', () => {
  it('fills tunables with defaults, keeps given ones, ignores undefined and trims URL slashes', () => {
    const resolved = resolveGenesysClientOptions({
      apiUrl: 'https://api.mypurecloud.ie/',
      loginUrl: 'https://login.mypurecloud.ie//',
      clientId: 'id',
      clientSecret: 'secret',
      maxTopicsPerChannel: undefined,
      pongTimeoutInMs: 1234,
    });
    assert.equal(resolved.apiUrl, 'https://api.mypurecloud.ie');
    assert.equal(resolved.loginUrl, 'https://login.mypurecloud.ie');
    assert.equal(resolved.maxTopicsPerChannel, 1000);
    assert.equal(resolved.pongTimeoutInMs, 1234);
    assert.equal(resolved.maxRetryAfterInMs, 180_000);
    assert.ok(resolved.requestsPerMinute < 300);
    assert.equal(resolved.adherenceTopicScope, 'managementUnit');
    assert.equal(resolved.reconnectMaxDelayInMs, 5_000, 'a vanished channel is replaced within seconds');
    assert.equal(resolved.directoryRefreshIntervalInMs, 15 * 60_000);
  });
});
