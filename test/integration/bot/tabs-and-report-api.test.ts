import assert from 'node:assert/strict';
import { createTeamsEdge } from '../../../bot/create-teams-edge';
import type { RunningBotServer } from '../../../bot/server/create-bot-server';
import { readSettings } from '../../../src/config/settings';
import type { TabSettings } from '../../../src/config/settings';
import { createInMemoryStores } from '../../../src/storage/in-memory-stores';
import type { StoreSet } from '../../../src/storage/store-set';
import { EngineActionSink, exampleDirectory, openEpisode } from '../../support/bot-fakes';
import { FakeBotConnector } from '../../support/fake-bot-connector';
import { LocalTokenIssuer } from '../../support/local-token-issuer';
import { ManualClock } from '../../support/manual-clock';
import { RecordingLogger } from '../../support/recording-logger';
import { historyFor, storeHistory, watchFrom } from '../../support/tab-fixtures';

const APP_ID = '0d4c2a51-7a3e-4b8e-9f1a-3c2b1a0f9e8d';
const TENANT = '6f1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d';
const DOMAIN = 'drift.contoso.test';
const SAM = { oid: '5a3b1c2d-0000-4000-8000-00000000000a', name: 'Sam Supervisor' };
const RITA = { oid: '5a3b1c2d-0000-4000-8000-00000000000b', name: 'Rita South' };
const ANA = { oid: '5a3b1c2d-0000-4000-8000-00000000000c', name: 'Ana Alvarez' };
const BEN = { oid: '5a3b1c2d-0000-4000-8000-00000000000d', name: 'Ben Brown', upn: 'Ben.Brown@contoso.com' };
const NORTH_TEAM = { teamId: '19:north-sup@thread.tacv2', channelId: '19:north-alerts@thread.tacv2' };
const SOUTH_TEAM = { teamId: '19:south-sup@thread.tacv2', channelId: '19:south-alerts@thread.tacv2' };
const NOW = Date.UTC(2026, 7, 20, 10, 20, 0);
const DAY = 86_400_000;

/** Tab settings as production reads them (BOT_ID set), with the key set served by the local issuer. */
function productionTabSettings(jwksUrl: string): TabSettings {
  return readSettings({
    BOT_ID: APP_ID,
    BOT_TENANT_ID: TENANT,
    BOT_PASSWORD: 'not-a-real-secret',
    TAB_DOMAIN: DOMAIN,
    TAB_SSO_JWKS_URL: jwksUrl,
  }).tabs;
}

describe('Report API and tab data over HTTP (restify, Teams SSO tokens from a local key set)', function () {
  let issuer: LocalTokenIssuer;
  let connector: FakeBotConnector;
  let stores: StoreSet;
  let clock: ManualClock;
  let server: RunningBotServer;

  before(async () => {
    issuer = new LocalTokenIssuer();
    await issuer.start();
  });

  after(async () => {
    await issuer.stop();
  });

  beforeEach(async () => {
    connector = new FakeBotConnector();
    await connector.start();
    connector.pageSize = 500;
    stores = createInMemoryStores();
    clock = new ManualClock(NOW);
    const directory = exampleDirectory();
    await watchFrom(
      stores,
      {
        ...NORTH_TEAM,
        teamName: 'North supervisors',
        channelName: 'Alerts',
        serviceUrl: connector.url,
        tenantId: TENANT,
      },
      { scope: 'managementUnit', targetId: 'mu-north' },
      NOW,
    );
    await watchFrom(
      stores,
      {
        ...SOUTH_TEAM,
        teamName: 'South supervisors',
        channelName: 'Alerts',
        serviceUrl: connector.url,
        tenantId: TENANT,
      },
      { scope: 'team', targetId: 'team-green' },
      NOW,
    );
    connector.members.set(NORTH_TEAM.teamId, [
      { id: '29:sam', objectId: SAM.oid, name: SAM.name, tenantId: TENANT },
    ]);
    connector.members.set(SOUTH_TEAM.teamId, [
      { id: '29:rita', objectId: RITA.oid, name: RITA.name, tenantId: TENANT },
    ]);
    await stores.conversations.upsert({
      key: ANA.oid,
      kind: 'personal',
      tenantId: TENANT,
      serviceUrl: connector.url,
      conversationId: 'a:ana',
      reference: {},
      aadObjectId: ANA.oid,
      agentId: 'agent-ana',
      updatedAt: NOW,
    });
    const anaOpen = openEpisode();
    await stores.driftState.modify({ managementUnitId: 'mu-north', agentId: 'agent-ana' }, () => ({
      next: {
        agentId: 'agent-ana',
        managementUnitId: 'mu-north',
        lastAdherenceState: 'OutOfAdherence',
        lastAdherenceChangedAt: anaOpen.driftStartedAt,
        lastObservedAt: anaOpen.driftStartedAt,
        episode: anaOpen,
      },
      result: undefined,
    }));
    const caiOpen = openEpisode({
      id: 'agent-cai:1',
      agentId: 'agent-cai',
      managementUnitId: 'mu-south',
      teamId: 'team-green',
    });
    await stores.driftState.modify({ managementUnitId: 'mu-south', agentId: 'agent-cai' }, () => ({
      next: {
        agentId: 'agent-cai',
        managementUnitId: 'mu-south',
        lastAdherenceState: 'OutOfAdherence',
        lastAdherenceChangedAt: caiOpen.driftStartedAt,
        lastObservedAt: caiOpen.driftStartedAt,
        episode: caiOpen,
      },
      result: undefined,
    }));
    await storeHistory(
      stores.history,
      historyFor(
        [
          { id: 'agent-ana', name: 'Ana Alvarez', managementUnitId: 'mu-north', teamId: 'team-red' },
          { id: 'agent-ben', name: 'Ben Brown', managementUnitId: 'mu-north', teamId: 'team-blue' },
          { id: 'agent-cai', name: 'Cai Chen', managementUnitId: 'mu-south', teamId: 'team-green' },
        ],
        NOW,
        30,
      ),
    );
    const edge = createTeamsEdge({
      auth: { appId: '', isProduction: false, isLocal: true },
      stores,
      directory,
      actions: new EngineActionSink(stores.driftState),
      clock,
      logger: new RecordingLogger(),
      tabs: { settings: productionTabSettings(issuer.jwksUrl) },
    });
    server = await edge.startServer({
      port: 0,
      host: '127.0.0.1',
      readiness: () => ({ store: true, genesys: true }),
    });
  });

  afterEach(async () => {
    await server.close();
    await connector.stop();
  });

  function token(
    who: { readonly oid: string; readonly name: string; readonly upn?: string },
    claims: Record<string, unknown> = {},
    options: { readonly forged?: boolean } = {},
  ): Promise<string> {
    return issuer.sign(
      {
        aud: `api://${DOMAIN}/${APP_ID}`,
        iss: `https://login.microsoftonline.com/${TENANT}/v2.0`,
        tid: TENANT,
        oid: who.oid,
        name: who.name,
        ...(who.upn ? { preferred_username: who.upn } : {}),
        ...claims,
      },
      { now: clock.now(), ...options },
    );
  }

  async function get(
    path: string,
    bearer?: string,
    headers: Record<string, string> = {},
  ): Promise<{ status: number; body: Record<string, unknown>; headers: Headers }> {
    const response = await fetch(`${server.url}${path}`, {
      headers: { ...(bearer ? { authorization: `Bearer ${bearer}` } : {}), ...headers },
    });
    const text = await response.text();
    return {
      status: response.status,
      body: text ? (JSON.parse(text) as Record<string, unknown>) : {},
      headers: response.headers,
    };
  }

  describe('GET /api/reports/drift', () => {
    it('answers a supervisor with buildDriftReport over the unit their channel watches, and nothing of other units', async () => {
      const from = new Date(NOW - 14 * DAY).toISOString();
      const { status, body } = await get(`/api/reports/drift?from=${from}&to=${NOW}`, await token(SAM));
      assert.equal(status, 200, JSON.stringify(body));
      assert.equal(body.from, NOW - 14 * DAY);
      assert.equal(body.to, NOW);
      assert.equal(body.timeZone, 'Europe/Dublin', "the unit's own time zone");
      const agents = (body.topAgents as { agentId: string }[]).map((agent) => agent.agentId).sort();
      assert.deepEqual(agents, ['agent-ana', 'agent-ben'], 'Cai is in mu-south');
      assert.ok((body.episodes as number) > 0);
      assert.ok('byHourOfDay' in body && 'nudges' in body && 'supervisorAlerts' in body);
    });

    it('covers only the watched team when the channel watches a team, and refuses another unit with 403', async () => {
      const rita = await token(RITA);
      const all = await get('/api/reports/drift', rita);
      assert.equal(all.status, 200);
      assert.deepEqual(
        (all.body.topAgents as { agentId: string }[]).map((agent) => agent.agentId),
        ['agent-cai'],
      );
      const south = await get('/api/reports/drift?managementUnit=mu-south', rita);
      assert.equal(south.status, 200);
      const north = await get('/api/reports/drift?managementUnit=mu-north', rita);
      assert.equal(north.status, 403);
      assert.equal(north.body.error, 'unitNotVisible');
    });

    it('defaults to the 7 days up to now and accepts epoch milliseconds', async () => {
      const { status, body } = await get('/api/reports/drift', await token(SAM));
      assert.equal(status, 200);
      assert.deepEqual([body.from, body.to], [NOW - 7 * DAY, NOW]);
      const epoch = await get(`/api/reports/drift?from=${NOW - DAY}&to=${NOW}`, await token(SAM));
      assert.deepEqual([epoch.body.from, epoch.body.to], [NOW - DAY, NOW]);
    });

    for (const [query, reason] of [
      ['from=yesterday', /neither ISO-8601/],
      ['from=2026-08-20T08:00:00', /time zone offset/],
      ['from=2026-02-30', /neither ISO-8601/],
      [`from=${NOW}&to=${NOW - DAY}`, /before "to"/],
      [`from=${NOW - 93 * DAY}&to=${NOW}`, /at most 92 days/],
      ['managementUnitId=mu-north', /unknown parameter "managementUnitId"/],
      ['from=1&from=2', /give "from" once/],
      ['managementUnit=mu-nowhere', /unknown management unit/],
    ] as const) {
      it(`answers 400 with the reason for ${query}`, async () => {
        // A watch-all channel: an unknown unit is then a bad parameter, not a unit outside the viewer's scope.
        await watchFrom(
          stores,
          {
            teamId: NORTH_TEAM.teamId,
            teamName: 'North',
            channelId: '19:all@thread.tacv2',
            channelName: 'All',
            serviceUrl: connector.url,
          },
          { scope: 'all' },
          NOW,
        );
        const { status, body } = await get(`/api/reports/drift?${query}`, await token(SAM));
        assert.equal(status, 400, JSON.stringify(body));
        assert.equal(body.error, 'badRequest');
        assert.match(String(body.message), reason);
      });
    }

    it('answers 401 without a token or with a forged, expired, misdirected or scope-less one', async () => {
      const nowSeconds = Math.floor(NOW / 1000);
      const refusals = {
        none: undefined,
        notJwt: 'not-a-token',
        forged: await token(SAM, {}, { forged: true }),
        expired: await token(SAM, { iat: nowSeconds - 7200, nbf: nowSeconds - 7200, exp: nowSeconds - 3600 }),
        otherAudience: await token(SAM, {
          aud: 'api://elsewhere.example/00000000-0000-0000-0000-000000000000',
        }),
        otherIssuer: await token(SAM, { iss: 'https://login.microsoftonline.com/common/v2.0' }),
        otherTenant: await token(SAM, { tid: '00000000-0000-4000-8000-000000000000' }),
        noScope: await token(SAM, { scp: 'User.Read' }),
      };
      for (const [name, bearer] of Object.entries(refusals)) {
        const { status, body, headers } = await get('/api/reports/drift', bearer);
        assert.equal(status, 401, `${name}: ${JSON.stringify(body)}`);
        assert.equal(headers.get('www-authenticate'), 'Bearer', name);
      }
    });

    it('accepts a v1.0 token (sts.windows.net issuer) and one whose audience is the client id', async () => {
      const v1 = await token(SAM, { iss: `https://sts.windows.net/${TENANT}/`, ver: '1.0' });
      assert.equal((await get('/api/reports/drift', v1)).status, 200);
      const byClientId = await token(SAM, { aud: APP_ID });
      assert.equal((await get('/api/reports/drift', byClientId)).status, 200);
    });

    it('answers 403 to an agent and to someone in no watching team', async () => {
      const agent = await get('/api/reports/drift', await token(ANA));
      assert.equal(agent.status, 403);
      assert.equal(agent.body.error, 'notSupervisor');
      const stranger = await get(
        '/api/reports/drift',
        await token({ oid: '5a3b1c2d-0000-4000-8000-0000000000ff', name: 'Somebody' }),
      );
      assert.equal(stranger.status, 403);
    });

    it('answers 503 when Teams cannot say who is in the team', async () => {
      connector.failNext(10, { status: 502, match: (_method, path) => path.includes('pagedmembers') });
      const unavailable = await get('/api/reports/drift', await token(SAM));
      assert.equal(unavailable.status, 503);
      assert.equal(unavailable.body.error, 'membershipUnavailable');
    });

    it('reads a team roster once for several requests', async () => {
      const sam = await token(SAM);
      for (let i = 0; i < 3; i += 1) assert.equal((await get('/api/reports/drift', sam)).status, 200);
      const rosterReads = connector.requests.filter(
        (request) =>
          request.method === 'GET' && request.path === `/v3/conversations/${NORTH_TEAM.teamId}/pagedmembers`,
      );
      assert.equal(rosterReads.length, 1);
    });
  });

  describe('tab data', () => {
    it('shows a supervisor who is drifting now in their units only, with an ETag for unchanged answers', async () => {
      const sam = await token(SAM);
      const first = await get('/tabs/api/board/now', sam);
      assert.equal(first.status, 200, JSON.stringify(first.body));
      const rows = first.body.rows as {
        agentId: string;
        stage: string;
        scheduled: string;
        actual: string;
        minutes: number;
      }[];
      assert.deepEqual(
        rows.map((row) => row.agentId),
        ['agent-ana'],
      );
      assert.equal(rows[0].stage, 'supervisorAlerted');
      assert.equal(rows[0].scheduled, 'Phones (On queue)');
      assert.equal(rows[0].actual, 'Break');
      assert.equal(rows[0].minutes, 17);
      const etag = first.headers.get('etag')!;
      const again = await fetch(`${server.url}/tabs/api/board/now`, {
        headers: { authorization: `Bearer ${sam}`, 'if-none-match': etag },
      });
      assert.equal(again.status, 304);
    });

    it("gives a supervisor the chosen week's charts with the five weeks before it, without per-agent figures", async () => {
      const { status, body } = await get('/tabs/api/board/week?week=2026-08-12', await token(SAM));
      assert.equal(status, 200, JSON.stringify(body));
      assert.equal((body.week as { weekStart: string }).weekStart, '2026-08-10');
      assert.equal((body.weekOverWeek as unknown[]).length, 6);
      assert.ok(!('topAgents' in (body.report as object)), 'no leaderboard of people');
      assert.equal((await get('/tabs/api/board/week?week=next-monday', await token(SAM))).status, 400);
      assert.equal((await get('/tabs/api/board/week?week=2026-09-07', await token(SAM))).status, 400);
    });

    it('limits a channel tab to that channel and refuses a channel of a team the viewer is not in', async () => {
      const sam = await token(SAM);
      const own = await get(`/tabs/api/board/now?channel=${encodeURIComponent(NORTH_TEAM.channelId)}`, sam);
      assert.equal(own.status, 200);
      const other = await get(`/tabs/api/board/now?channel=${encodeURIComponent(SOUTH_TEAM.channelId)}`, sam);
      assert.equal(other.status, 403);
    });

    it('shows an agent their own day and refuses them the board', async () => {
      const ana = await token(ANA);
      const me = await get('/tabs/api/me', ana);
      assert.equal(me.status, 200, JSON.stringify(me.body));
      assert.equal((me.body.agent as { name: string }).name, 'Ana Alvarez');
      assert.equal((me.body.current as { scheduled: string }).scheduled, 'On queue');
      const today = me.body.today as { episodeId: string }[];
      assert.ok(
        today.every((episode) => episode.episodeId.startsWith('agent-ana:')),
        'only her own episodes',
      );
      assert.deepEqual(me.body.thresholds, {
        nudgeAfterMs: 360_000,
        supervisorAfterMs: 600_000,
        exceptionAfterMs: 900_000,
      });
      assert.equal((await get('/tabs/api/board/now', ana)).status, 403);
    });

    it('links an agent without a stored chat by the sign-in name in the token', async () => {
      const me = await get('/tabs/api/me', await token(BEN));
      assert.equal(me.status, 200);
      assert.equal((me.body.agent as { name: string }).name, 'Ben Brown');
      assert.equal(me.body.current, undefined, 'Ben is on schedule');
    });

    it('tells a supervisor who is no agent that the drift window is for agents', async () => {
      const me = await get('/tabs/api/me', await token(SAM));
      assert.equal(me.status, 403);
      assert.equal(me.body.error, 'notAnAgent');
    });

    it('serves the pages for Teams with a CSP that lets only Teams frame them, and the libraries from this server', async () => {
      const page = await fetch(`${server.url}/tabs/board`);
      assert.equal(page.status, 200);
      assert.match(
        page.headers.get('content-security-policy') ?? '',
        /frame-ancestors teams\.microsoft\.com/,
      );
      assert.match(await page.text(), /src="\/tabs\/assets\/teams-js\.js"/);
      for (const name of [
        'chart.js',
        'teams-js.js',
        'theme.css',
        'board.js',
        'board-now.js',
        'board-week.js',
        'me.js',
        'tab-shell.js',
        'tabs.css',
      ])
        assert.equal((await fetch(`${server.url}/tabs/assets/${name}`)).status, 200, name);
      assert.equal((await fetch(`${server.url}/tabs/assets/..%2F..%2Fpackage.json`)).status, 404);
      assert.equal((await get('/tabs/api/local/people')).status, 404, 'no persona picker with SSO');
    });

    it('refuses unknown parameters on the tab data', async () => {
      const { status, body } = await get('/tabs/api/board/now?unit=mu-north', await token(SAM));
      assert.equal(status, 400);
      assert.match(String(body.message), /unknown parameter "unit"/);
    });
  });
});

describe('Report API and tabs in local mode (no BOT_ID)', function () {
  let server: RunningBotServer;

  beforeEach(async () => {
    const stores = createInMemoryStores();
    const clock = new ManualClock(NOW);
    await storeHistory(
      stores.history,
      historyFor(
        [{ id: 'agent-cai', name: 'Cai Chen', managementUnitId: 'mu-south', teamId: 'team-green' }],
        NOW,
        3,
      ),
    );
    const edge = createTeamsEdge({
      auth: { appId: '', isProduction: false, isLocal: true },
      stores,
      directory: exampleDirectory(),
      actions: new EngineActionSink(stores.driftState),
      clock,
      logger: new RecordingLogger(),
      tabs: { settings: readSettings({ LOCAL_MODE: 'true' }).tabs },
    });
    server = await edge.startServer({
      port: 0,
      host: '127.0.0.1',
      readiness: () => ({ store: true, genesys: true }),
    });
  });

  afterEach(async () => {
    await server.close();
  });

  it('serves every unit on loopback without sign-in', async () => {
    const response = await fetch(`${server.url}/api/reports/drift`);
    assert.equal(response.status, 200);
    const body = (await response.json()) as { episodes: number; timeZone: string };
    assert.ok(body.episodes > 0);
    assert.equal(body.timeZone, 'UTC', 'two units with different zones');
  });

  it("lets the page choose who the user is and shows that agent's day", async () => {
    const people = (await (await fetch(`${server.url}/tabs/api/local/people`)).json()) as {
      people: { id: string; role: string }[];
    };
    assert.ok(people.people.some((person) => person.id === 'agent:agent-cai'));
    const unchosen = await fetch(`${server.url}/tabs/api/me`);
    assert.equal(unchosen.status, 401);
    const me = await fetch(`${server.url}/tabs/api/me`, { headers: { 'x-local-viewer': 'agent:agent-cai' } });
    assert.equal(me.status, 200);
    assert.equal(((await me.json()) as { agent: { name: string } }).agent.name, 'Cai Chen');
    const page = await fetch(`${server.url}/tabs/me`);
    assert.doesNotMatch(await page.text(), /teams-js/, 'no Teams library outside Teams');
  });
});
