import assert from 'node:assert/strict';
import type { RunningSimulator } from '../../../src/simulator/genesys-simulator';
import { ApiClient, requestToken, startTestSimulator } from '../../support/simulator-test-kit';

describe('Genesys simulator OAuth (client credentials)', () => {
  let sim: RunningSimulator;
  beforeEach(async () => {
    sim = await startTestSimulator({ tokenExpiresInSeconds: 300 });
  });
  afterEach(() => sim.stop());

  it('issues a bearer token with its lifetime for good client credentials', async () => {
    const res = await requestToken(sim);
    assert.equal(res.status, 200);
    const body = (await res.json()) as Record<string, unknown>;
    assert.equal(typeof body.access_token, 'string');
    assert.equal(body.token_type, 'bearer');
    assert.equal(body.expires_in, 300);
  });

  it('answers 401 with an error body for a wrong secret', async () => {
    const res = await requestToken(sim, sim.clientId, 'wrong');
    assert.equal(res.status, 401);
    const body = (await res.json()) as Record<string, unknown>;
    assert.equal(body.status, 401);
    assert.equal(typeof body.message, 'string');
    assert.equal(typeof body.code, 'string');
  });

  it('answers 400 for a grant type other than client_credentials', async () => {
    const res = await fetch(`${sim.loginUrl}/oauth/token`, {
      method: 'POST',
      headers: {
        Authorization: `Basic ${Buffer.from(`${sim.clientId}:${sim.clientSecret}`).toString('base64')}`,
        'Content-Type': 'application/x-www-form-urlencoded',
      },
      body: 'grant_type=password',
    });
    assert.equal(res.status, 400);
  });

  it('rejects API calls without a token, with an unknown token, and once the token expired in simulator time', async () => {
    const api = await ApiClient.login(sim);
    assert.equal((await api.request('GET', '/api/v2/workforcemanagement/businessunits')).status, 200);
    assert.equal((await fetch(`${sim.apiUrl}/api/v2/workforcemanagement/businessunits`)).status, 401);
    assert.equal(
      (await new ApiClient(sim, 'not-a-token').request('GET', '/api/v2/workforcemanagement/businessunits'))
        .status,
      401,
    );
    sim.control.advance(300_000);
    const expired = await api.json('GET', '/api/v2/workforcemanagement/businessunits');
    assert.equal(expired.status, 401);
    assert.equal(expired.body.code, 'bad.credentials');
  });
});
