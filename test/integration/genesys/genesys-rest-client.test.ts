import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { TransientError } from '../../../src/platform/errors';
import { RateLimiter } from '../../../src/platform/rate-limiter';
import { GenesysApiError } from '../../../src/genesys/genesys-api-error';
import { createGenesysMetrics } from '../../../src/genesys/genesys-metrics';
import { GenesysRestClient } from '../../../src/genesys/genesys-rest-client';
import { GenesysTokenProvider } from '../../../src/genesys/genesys-token-provider';
import { ManualClock } from '../../support/manual-clock';
import { RecordingLogger } from '../../support/recording-logger';

interface Seen {
  readonly method: string;
  readonly url: string;
  readonly headers: IncomingMessage['headers'];
  readonly body: string;
}

type Handler = (req: Seen, res: ServerResponse) => void;

const SECRET = 'top-secret-value';

describe('Genesys REST client against a local server', () => {
  let server: Server;
  let baseUrl: string;
  let seen: Seen[];
  let handler: Handler;
  let tokensIssued: number;
  let tokenLifetimeSeconds: number;
  let tokenAnswers: Array<{ status: number; headers?: Record<string, string> }>;

  beforeEach(async () => {
    seen = [];
    tokensIssued = 0;
    tokenLifetimeSeconds = 3600;
    tokenAnswers = [];
    handler = (_req, res) => json(res, 200, { ok: true });
    server = createServer((req, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString()));
      req.on('end', () => {
        const record = { method: req.method ?? '', url: req.url ?? '', headers: req.headers, body };
        if (record.url === '/oauth/token') {
          seen.push(record);
          const answer = tokenAnswers.shift();
          if (answer) {
            json(res, answer.status, { error: 'x' }, answer.headers);
            return;
          }
          tokensIssued++;
          json(res, 200, {
            access_token: `token-${tokensIssued}`,
            token_type: 'bearer',
            expires_in: tokenLifetimeSeconds,
          });
          return;
        }
        seen.push(record);
        handler(record, res);
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterEach(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  function build(overrides: { maxServerErrorRetries?: number; requestsPerMinute?: number } = {}) {
    const clock = new ManualClock(Date.parse('2026-08-20T14:00:00Z'));
    const logger = new RecordingLogger();
    const metrics = createGenesysMetrics();
    const sleeps: number[] = [];
    const sleep = async (ms: number) => {
      sleeps.push(ms);
      clock.advanceBy(ms);
    };
    const tokens = new GenesysTokenProvider({
      loginUrl: baseUrl,
      clientId: 'client-1',
      clientSecret: SECRET,
      tokenRefreshMarginInMs: 60_000,
      requestTimeoutInMs: 5_000,
      maxServerErrorRetries: 3,
      maxRetryAfterInMs: 180_000,
      retryBaseDelayInMs: 100,
      retryMaxDelayInMs: 1_000,
      clock,
      logger,
      metrics,
      sleep,
      random: () => 0.5,
    });
    const limiter = new RateLimiter({
      clock,
      windows: [{ limit: overrides.requestsPerMinute ?? 280, windowMs: 60_000 }],
    });
    const rest = new GenesysRestClient({
      apiUrl: baseUrl,
      requestTimeoutInMs: 5_000,
      maxRetryAfterInMs: 180_000,
      maxServerErrorRetries: overrides.maxServerErrorRetries ?? 3,
      retryBaseDelayInMs: 100,
      retryMaxDelayInMs: 1_000,
      tokens,
      limiter,
      clock,
      logger,
      metrics,
      sleep,
      random: () => 0.5,
    });
    return { rest, clock, logger, metrics, sleeps };
  }

  const apiCalls = () => seen.filter((s) => s.url !== '/oauth/token');

  it('gets a token with Basic auth and a client_credentials form, then sends it as a bearer with a correlation id', async () => {
    const { rest } = build();
    await rest.get('/api/v2/workforcemanagement/managementunits');
    const tokenCall = seen.find((s) => s.url === '/oauth/token')!;
    assert.equal(tokenCall.method, 'POST');
    assert.equal(
      tokenCall.headers.authorization,
      `Basic ${Buffer.from(`client-1:${SECRET}`).toString('base64')}`,
    );
    assert.equal(tokenCall.headers['content-type'], 'application/x-www-form-urlencoded');
    assert.equal(tokenCall.body, 'grant_type=client_credentials');
    const call = apiCalls()[0];
    assert.equal(call.headers.authorization, 'Bearer token-1');
    assert.match(String(call.headers['inin-correlation-id']), /^[0-9a-f-]{36}$/);
  });

  it('reuses the token until shortly before expires_in and then fetches a new one', async () => {
    const { rest, clock } = build();
    tokenLifetimeSeconds = 600;
    await rest.get('/api/v2/a');
    clock.advanceBy(500_000);
    await rest.get('/api/v2/b');
    assert.equal(tokensIssued, 1);
    clock.advanceBy(50_000); // 550 s: inside the 60 s margin (capped at a tenth of 600 s)
    await rest.get('/api/v2/c');
    assert.equal(tokensIssued, 2);
    assert.equal(apiCalls()[2].headers.authorization, 'Bearer token-2');
  });

  it('retries a throttled or unavailable token endpoint, waiting its Retry-After, then gets the token', async () => {
    const { rest, sleeps } = build();
    tokenAnswers = [{ status: 429, headers: { 'Retry-After': '2' } }, { status: 503 }];
    assert.deepEqual(await rest.get('/api/v2/x'), { ok: true });
    assert.deepEqual(sleeps, [2_000, 50]);
    assert.equal(seen.filter((s) => s.url === '/oauth/token').length, 3);
  });

  it('names the login URL, without retrying, when the token endpoint is not there', async () => {
    const { rest, sleeps } = build();
    tokenAnswers = [{ status: 404 }];
    await assert.rejects(
      rest.get('/api/v2/x'),
      (error: unknown) => error instanceof GenesysApiError && /GENESYS_LOGIN_URL/.test(error.message),
    );
    assert.deepEqual(sleeps, []);
    assert.equal(apiCalls().length, 0);
  });

  it('sends repeated query keys as Genesys expects (id=a&id=b)', async () => {
    const { rest } = build();
    await rest.get('/api/v2/users', { id: ['a', 'b'], pageSize: 2 });
    assert.equal(apiCalls()[0].url, '/api/v2/users?id=a&id=b&pageSize=2');
  });

  it('fetches a new token once after a 401 and retries the call', async () => {
    const { rest } = build();
    handler = (req, res) =>
      req.headers.authorization === 'Bearer token-1'
        ? json(res, 401, { code: 'bad.credentials' })
        : json(res, 200, { ok: 2 });
    assert.deepEqual(await rest.get('/api/v2/x'), { ok: 2 });
    assert.equal(tokensIssued, 2);
  });

  it('gives up with GenesysApiError when the new token is refused too', async () => {
    const { rest } = build();
    handler = (_req, res) =>
      json(res, 401, { code: 'bad.credentials', message: 'Invalid login credentials.' });
    await assert.rejects(
      rest.get('/api/v2/x'),
      (error: unknown) => error instanceof GenesysApiError && error.status === 401,
    );
    assert.equal(apiCalls().length, 2);
  });

  it('waits the Retry-After of a 429 and then succeeds, counting the 429', async () => {
    const { rest, sleeps, metrics } = build();
    let calls = 0;
    handler = (_req, res) =>
      ++calls === 1
        ? json(res, 429, { code: 'too.many.requests.retry.after' }, { 'Retry-After': '7' })
        : json(res, 200, { ok: true });
    await rest.get('/api/v2/x');
    assert.deepEqual(sleeps, [7_000]);
    assert.equal(metrics.rest429s, 1);
    assert.equal(apiCalls().length, 2);
    assert.equal(apiCalls()[0].headers['inin-correlation-id'], apiCalls()[1].headers['inin-correlation-id']);
  });

  it('gives up at once when Retry-After exceeds three minutes, reporting it as a TransientError', async () => {
    const { rest, sleeps, metrics } = build();
    handler = (_req, res) =>
      json(res, 429, { code: 'too.many.requests.retry.after' }, { 'Retry-After': '3600' });
    await assert.rejects(
      rest.get('/api/v2/x'),
      (error: unknown) => error instanceof TransientError && error.retryAfterMs === 3_600_000,
    );
    assert.deepEqual(sleeps, []);
    assert.equal(metrics.restGiveUps, 1);
  });

  it('retries 502, 503 and 504 with growing jittered delays and then succeeds', async () => {
    const { rest, sleeps } = build({ maxServerErrorRetries: 4 });
    const statuses = [502, 503, 504, 502];
    handler = (_req, res) => {
      const status = statuses.shift();
      json(res, status ?? 200, status ? { code: 'x' } : { ok: true });
    };
    assert.deepEqual(await rest.get('/api/v2/x'), { ok: true });
    assert.deepEqual(sleeps, [50, 100, 200, 400]);
  });

  it('stops retrying a 5xx after the bound with a TransientError', async () => {
    const { rest } = build({ maxServerErrorRetries: 2 });
    handler = (_req, res) => json(res, 503, { code: 'service.unavailable' });
    await assert.rejects(rest.get('/api/v2/x'), TransientError);
    assert.equal(apiCalls().length, 3);
  });

  it("does not retry a 500, as Genesys Cloud's own SDKs do not", async () => {
    const { rest, sleeps, metrics } = build();
    handler = (_req, res) => json(res, 500, { code: 'internal.server.error', message: 'boom' });
    await assert.rejects(
      rest.get('/api/v2/x'),
      (error: unknown) => error instanceof GenesysApiError && error.status === 500,
    );
    assert.equal(apiCalls().length, 1);
    assert.deepEqual(sleeps, []);
    assert.equal(metrics.rest5xxs, 1);
  });

  it('does not retry a 400 and names the status', async () => {
    const { rest } = build();
    handler = (_req, res) => json(res, 400, { code: 'bad.request', message: 'Too many topics' });
    await assert.rejects(
      rest.get('/api/v2/x'),
      (error: unknown) =>
        error instanceof GenesysApiError && error.status === 400 && error.code === 'bad.request',
    );
    assert.equal(apiCalls().length, 1);
  });

  it('answers an accepted status such as 404 on HEAD as a value', async () => {
    const { rest } = build();
    handler = (_req, res) => {
      res.writeHead(404);
      res.end();
    };
    const response = await rest.send({
      method: 'HEAD',
      path: '/api/v2/notifications/channels/c1',
      acceptStatuses: [404],
    });
    assert.equal(response.status, 404);
  });

  it('waits instead of exceeding the client-side request budget', async () => {
    const { rest, sleeps } = build({ requestsPerMinute: 3 });
    for (let i = 0; i < 4; i++) await rest.get('/api/v2/x');
    assert.deepEqual(sleeps, [60_000]);
  });

  it('never sends the bearer token to a download URL on another host', async () => {
    const { rest } = build();
    await rest.get(`${baseUrl.replace('127.0.0.1', 'localhost')}/downloads/abc?signature=1`);
    assert.equal(apiCalls()[0].headers.authorization, undefined);
  });

  it('never logs the client secret or a token', async () => {
    const { rest, logger } = build();
    let calls = 0;
    handler = (_req, res) => (++calls < 3 ? json(res, 503, {}) : json(res, 401, {}));
    await assert.rejects(rest.get('/api/v2/x'));
    const text = JSON.stringify(logger.entries);
    assert.ok(!text.includes(SECRET));
    assert.ok(!text.includes('token-1'));
  });
});

function json(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  res.writeHead(status, { 'Content-Type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
}
