import assert from 'node:assert/strict';
import { readdir, readFile, stat } from 'node:fs/promises';
import { networkInterfaces, tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { createTeamsEdge, type TeamsEdge } from '../../../bot/create-teams-edge';
import type { RunningBotServer } from '../../../bot/server/create-bot-server';
import { createInMemoryStores } from '../../../src/storage/in-memory-stores';
import { AAD, exampleDirectory } from '../../support/bot-fakes';
import { FakeBotConnector } from '../../support/fake-bot-connector';
import { ManualClock } from '../../support/manual-clock';
import { rawPost } from '../../support/raw-http';
import { RecordingLogger } from '../../support/recording-logger';
import * as teams from '../../support/teams-activities';

const BOT_ID = '00000000-0000-4000-8000-000000000b07';
const BOT_TENANT = '00000000-0000-4000-8000-0000000000aa';

type AuthMode = 'off' | 'on';

/** A running edge (in-memory stores) with Bot Framework auth on or off, and a Bot Connector stand-in. */
async function startEdge(mode: AuthMode): Promise<{
  edge: TeamsEdge;
  server: RunningBotServer;
  connector: FakeBotConnector;
  logger: RecordingLogger;
  stop(): Promise<void>;
}> {
  const connector = new FakeBotConnector();
  await connector.start();
  const logger = new RecordingLogger();
  const edge = createTeamsEdge({
    auth:
      mode === 'on'
        ? {
            appId: BOT_ID,
            appPassword: 'not-a-secret',
            tenantId: BOT_TENANT,
            type: 'SingleTenant',
            isProduction: true,
          }
        : { appId: '', isProduction: false, isLocal: true },
    routing: { admins: [AAD.sup], allowUnitManagers: false },
    stores: createInMemoryStores(),
    directory: exampleDirectory(),
    actions: { act: async () => ({ result: 'stale' }) },
    clock: new ManualClock(),
    logger,
  });
  const server = await edge.startServer({
    port: 0,
    host: '127.0.0.1',
    readiness: () => ({ store: true, genesys: true }),
  });
  return {
    edge,
    server,
    connector,
    logger,
    stop: async () => {
      await server.close();
      await connector.stop();
    },
  };
}

/** A well-formed personal message activity (changed per case). */
function personalMessage(
  serviceUrl: string,
  overrides: Record<string, unknown> = {},
): Record<string, unknown> {
  const ana = { tenantId: BOT_TENANT, from: teams.TEAMS_ACCOUNTS.ana };
  return teams.fromTeams(teams.personalActivity('message', ana, { id: 'in-1', text: 'help', ...overrides }), {
    serviceUrl,
  });
}

const JSON_HEADERS = { 'content-type': 'application/json' };

for (const mode of ['off', 'on'] as const) {
  describe(`Teams edge under hostile input, Bot Framework auth ${mode} (real HTTP)`, function () {
    let running: Awaited<ReturnType<typeof startEdge>>;
    let messages: string;

    before(async () => {
      running = await startEdge(mode);
      messages = `${running.server.url}/api/messages`;
    });

    after(async () => {
      await running.stop();
    });

    async function assertAlive(): Promise<void> {
      const health = await fetch(`${running.server.url}/healthz`);
      assert.equal(health.status, 200, 'the process still answers');
    }

    function errorCode(body: string | undefined): string | undefined {
      return (JSON.parse(body ?? '{}') as { error?: { code?: string } }).error?.code;
    }

    it('answers 415 to an 18-byte body labelled gzip that is not gzip, and keeps running', async () => {
      const fake = Buffer.from('not gzip at all!!!');
      assert.equal(fake.length, 18);
      const response = await rawPost(messages, { ...JSON_HEADERS, 'content-encoding': 'gzip' }, fake);
      assert.equal(response.status, 415);
      assert.equal(errorCode(response.body), 'unsupportedContentEncoding');
      await assertAlive();
    });

    it('answers 415 to a gzip bomb without inflating it, and keeps running', async () => {
      // 64 MB of zeros in about 64 KB: inflated without a cap it would take the memory the bug report describes.
      const bomb = gzipSync(Buffer.alloc(64 * 1024 * 1024), { level: 9 });
      assert.ok(bomb.length < 100 * 1024);
      for (const encoding of ['gzip', 'deflate', 'br', 'x-gzip, identity']) {
        const response = await rawPost(messages, { ...JSON_HEADERS, 'content-encoding': encoding }, bomb);
        assert.equal(response.status, 415, `Content-Encoding: ${encoding}`);
      }
      await assertAlive();
    });

    it('answers 415 to a multipart upload and writes no file to the temp folder', async () => {
      const marker = `drift-upload-marker-${Math.random().toString(36).slice(2)}`;
      const boundary = 'XyZboundary';
      const body = Buffer.from(
        [
          `--${boundary}`,
          'Content-Disposition: form-data; name="file"; filename="evil.json"',
          'Content-Type: application/json',
          '',
          `{"marker":"${marker}","padding":"${'x'.repeat(4_000)}"}`,
          `--${boundary}--`,
          '',
        ].join('\r\n'),
      );
      const startedAt = Date.now();
      const response = await rawPost(
        messages,
        { 'content-type': `multipart/form-data; boundary=${boundary}` },
        body,
      );
      assert.equal(response.status, 415);
      assert.equal(errorCode(response.body), 'unsupportedContentType');
      assert.deepEqual(await tempFilesContaining(marker, startedAt), []);
      await assertAlive();
    });

    it('answers 415 to form, text and CSV bodies and to a charset other than utf-8', async () => {
      const cases: Array<[Record<string, string>, string]> = [
        [{ 'content-type': 'application/x-www-form-urlencoded' }, 'type=message'],
        [{ 'content-type': 'text/plain' }, '{"type":"message"}'],
        [{ 'content-type': 'text/csv' }, 'type,text\nmessage,hi'],
        [{}, '{"type":"message"}'],
        [{ 'content-type': 'application/json; charset=utf-16' }, '{"type":"message"}'],
      ];
      for (const [headers, body] of cases) {
        const response = await rawPost(messages, headers, Buffer.from(body));
        assert.equal(response.status, 415, JSON.stringify(headers));
      }
      await assertAlive();
    });

    it('answers 413 once more than 1 MB has been read, whatever the headers say, and drops the connection', async () => {
      const declared = await rawPost(
        messages,
        { ...JSON_HEADERS, 'content-length': String(2 * 1024 * 1024) },
        Buffer.alloc(0),
      );
      assert.equal(declared.status, 413, declared.error);
      // Chunked: no length announced, so only counting the bytes read can stop it.
      let sent = 0;
      const chunk = Buffer.alloc(64 * 1024, 0x20);
      const stream = new Readable({
        read() {
          if (sent >= 64 * 1024 * 1024) this.push(null);
          else {
            sent += chunk.length;
            this.push(chunk);
          }
        },
      });
      const chunked = await rawPost(messages, JSON_HEADERS, stream);
      assert.ok(chunked.status === 413 || chunked.error !== undefined, `answered ${chunked.status}`);
      if (chunked.status !== undefined) assert.equal(errorCode(chunked.body), 'bodyTooLarge');
      assert.ok(sent < 64 * 1024 * 1024, 'the server stopped reading long before the end');
      await assertAlive();
    });

    it('answers 400 to JSON nested deeper than 32 levels, invalid JSON, invalid UTF-8 and a non-object', async () => {
      const cases: Array<[Buffer, string]> = [
        [Buffer.from(`${'['.repeat(100_000)}${']'.repeat(100_000)}`), 'jsonTooDeep'],
        [Buffer.from(`{"type":"message","value":${'{"a":'.repeat(40)}1${'}'.repeat(40)}}`), 'jsonTooDeep'],
        [Buffer.from('{"type":"message",'), 'invalidJson'],
        [Buffer.from([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x7d]), 'invalidUtf8'],
        [Buffer.from('[1,2,3]'), 'notAnObject'],
      ];
      for (const [body, reason] of cases) {
        const response = await rawPost(messages, JSON_HEADERS, body);
        assert.equal(response.status, 400, reason);
        assert.equal(errorCode(response.body), reason);
      }
      await assertAlive();
    });

    it('answers 400 with the reason to malformed activities before botbuilder sees them', async () => {
      const url = running.connector.url;
      const long = 'x'.repeat(300);
      const cases: Array<[Record<string, unknown>, string]> = [
        [personalMessage(url, { type: 42 }), 'invalidType'],
        [personalMessage(url, { type: { $gt: '' } }), 'invalidType'],
        [personalMessage(url, { serviceUrl: 'javascript:alert(1)' }), 'invalidServiceUrl'],
        [personalMessage(url, { serviceUrl: 'file:///etc/passwd' }), 'invalidServiceUrl'],
        [personalMessage(url, { serviceUrl: undefined }), 'invalidServiceUrl'],
        [
          personalMessage(url, { conversation: { id: '', conversationType: 'personal' } }),
          'invalidConversation',
        ],
        [personalMessage(url, { conversation: undefined }), 'invalidConversation'],
        [personalMessage(url, { conversation: { id: 'a:ana' } }), 'invalidConversationType'],
        [personalMessage(url, { from: { id: '' } }), 'invalidFrom'],
        [
          personalMessage(url, { from: { id: '29:ana', aadObjectId: 'channel:19:ops@thread.tacv2' } }),
          'invalidAadObjectId',
        ],
        [personalMessage(url, { from: { id: long } }), 'invalidFrom'],
        [
          personalMessage(url, { conversation: { id: long, conversationType: 'personal' } }),
          'invalidConversation',
        ],
        [personalMessage(url, { channelData: { team: { id: long } } }), 'invalidChannelData'],
        [personalMessage(url, { channelId: 'emulator' }), 'unsupportedChannel'],
        [personalMessage(url, { text: { html: '<b>' } }), 'invalidText'],
        [personalMessage(url, { type: 'invoke', name: 'task/fetch', value: {} }), 'unsupportedInvoke'],
        [
          personalMessage(url, { type: 'invoke', name: 'adaptiveCard/action', value: { action: 'x' } }),
          'invalidInvokeValue',
        ],
        [personalMessage(url, { type: 'conversationUpdate', membersAdded: [{ id: '' }] }), 'invalidMembers'],
      ];
      for (const [activity, reason] of cases) {
        const response = await rawPost(messages, JSON_HEADERS, Buffer.from(JSON.stringify(activity)));
        assert.equal(response.status, 400, `${reason}: ${response.body}`);
        assert.equal(errorCode(response.body), reason);
      }
      await assertAlive();
    });

    it('counts every refusal by reason in /metrics', async () => {
      const before = running.server.edgeMetrics.rejectedRequests.invalidType ?? 0;
      await rawPost(
        messages,
        JSON_HEADERS,
        Buffer.from(JSON.stringify(personalMessage('http://x/', { type: 7 }))),
      );
      const metrics = await (await fetch(`${running.server.url}/metrics`)).text();
      assert.match(metrics, new RegExp(`edge_rejected_requests_total\\{key="invalidType"\\} ${before + 1}`));
      assert.match(metrics, /edge_rejected_requests_total\{key="unsupportedContentEncoding"\} \d+/);
    });
  });
}

describe('Teams edge authentication', function () {
  it('answers 401 or 503 with fixed text when the signing keys cannot be fetched, logging through our logger only', async () => {
    const running = await startEdge('on');
    const printed: string[] = [];
    const write = process.stderr.write.bind(process.stderr);
    process.stderr.write = (chunk: string | Uint8Array, ...rest: unknown[]) => {
      printed.push(String(chunk));
      return (write as (...args: unknown[]) => boolean)(chunk, ...rest);
    };
    try {
      const b64 = (value: object): string => Buffer.from(JSON.stringify(value)).toString('base64url');
      // A token that looks like Teams' (issuer api.botframework.com): checking it needs the Bot Framework signing keys,
      // which this machine cannot fetch (no route to login.botframework.com); with network, the key id is unknown.
      const token = `${b64({ alg: 'RS256', kid: 'no-such-key', typ: 'JWT' })}.${b64({
        iss: 'https://api.botframework.com',
        aud: BOT_ID,
        exp: 4_102_444_800,
        serviceurl: running.connector.url,
      })}.c2lnbmF0dXJl`;
      const response = await fetch(`${running.server.url}/api/messages`, {
        method: 'POST',
        headers: { ...JSON_HEADERS, authorization: `Bearer ${token}` },
        body: JSON.stringify(personalMessage(running.connector.url)),
      });
      const body = (await response.json()) as { error: { code: string; message: string } };
      assert.ok([401, 503].includes(response.status), `answered ${response.status}`);
      assert.deepEqual(
        body,
        response.status === 503
          ? {
              error: {
                code: 'authenticationUnavailable',
                message: 'The bot cannot check Bot Framework tokens right now; try again later.',
              },
            }
          : { error: { code: 'unauthorized', message: 'A valid Bot Framework token is required.' } },
      );
      assert.deepEqual(
        printed.filter((line) => /botframework|Error|at /.test(line)),
        [],
        'nothing from botbuilder on stderr',
      );
      assert.ok(
        running.logger.entries.some((entry) => /Bot Framework token/.test(entry.msg ?? '')),
        'our logger has it',
      );
      assert.equal((await fetch(`${running.server.url}/healthz`)).status, 200);
    } finally {
      process.stderr.write = write;
      await running.stop();
    }
  });

  it('listens on loopback only while auth is off, whatever host it is asked for', async () => {
    const edge = createTeamsEdge({
      auth: { appId: '', isProduction: false, isLocal: true },
      stores: createInMemoryStores(),
      directory: exampleDirectory(),
      actions: { act: async () => ({ result: 'stale' }) },
      clock: new ManualClock(),
      logger: new RecordingLogger(),
    });
    const server = await edge.startServer({
      port: 0,
      host: '0.0.0.0',
      readiness: () => ({ store: true, genesys: true }),
    });
    try {
      assert.equal(server.host, '127.0.0.1');
      const external = Object.values(networkInterfaces())
        .flat()
        .find((address) => address && address.family === 'IPv4' && !address.internal);
      if (external) {
        const response = await fetch(`http://${external.address}:${server.port}/healthz`).then(
          (answer) => answer.status,
          (error: Error) => error.cause ?? error,
        );
        assert.notEqual(response, 200, `reachable on ${external.address}`);
      }
    } finally {
      await server.close();
    }
  });
});

/** Files in the temp folder changed since `since` whose content holds `marker` (what a multipart parser would leave). */
async function tempFilesContaining(marker: string, since: number): Promise<string[]> {
  const found: string[] = [];
  for (const name of await readdir(tmpdir())) {
    const path = join(tmpdir(), name);
    try {
      const info = await stat(path);
      if (!info.isFile() || info.mtimeMs < since - 1_000 || info.size > 1024 * 1024) continue;
      if ((await readFile(path, 'utf8')).includes(marker)) found.push(path);
    } catch {
      // A file another process removed meanwhile.
    }
  }
  return found;
}
