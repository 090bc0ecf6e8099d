import assert from 'node:assert/strict';
import { newOutboxAlert, outboxAlertId } from '../../../src/app/outbox-alert';
import type { OutboxAlert } from '../../../src/app/ports/alert-outbox';
import type { DriftCommand } from '../../../src/domain/drift-commands';
import { createInMemoryStores } from '../../../src/storage/in-memory-stores';
import type { StoreSet } from '../../../src/storage/store-set';
import { createTeamsEdge, type TeamsEdge } from '../../../bot/create-teams-edge';
import type { RunningBotServer } from '../../../bot/server/create-bot-server';
import { AAD, EngineActionSink, exampleDirectory, openEpisode } from '../../support/bot-fakes';
import { FakeBotConnector } from '../../support/fake-bot-connector';
import { ManualClock } from '../../support/manual-clock';
import { RecordingLogger } from '../../support/recording-logger';
import * as teams from '../../support/teams-activities';

const TENANT = 'tenant-1';
const TEAM = '19:team-general@thread.tacv2';
const ALERTS = '19:alerts@thread.tacv2';
const OTHER = '19:other@thread.tacv2';

describe('Teams edge over real HTTP (restify + local Bot Connector)', function () {
  let connector: FakeBotConnector;
  let stores: StoreSet;
  let clock: ManualClock;
  let edge: TeamsEdge;
  let server: RunningBotServer;
  let sink: EngineActionSink;
  const sleeps: Array<{ ms: number; requestsSoFar: number }> = [];

  beforeEach(async () => {
    connector = new FakeBotConnector();
    await connector.start();
    stores = createInMemoryStores();
    clock = new ManualClock(Date.UTC(2026, 7, 20, 10, 15, 0));
    sleeps.length = 0;
    sink = new EngineActionSink(stores.driftState, undefined, async (commands: readonly DriftCommand[]) => {
      // As the monitor does: an updateCards command re-renders every sent card of the episode.
      for (const command of commands) {
        if (command.type !== 'updateCards') continue;
        const rows = (await stores.outbox.listByEpisode(command.episode.id)).filter(
          (row) => row.status === 'sent',
        );
        await edge.notifier.updateCards(command.episode, command.change, rows);
      }
    });
    edge = createTeamsEdge({
      auth: { appId: '', isProduction: false, isLocal: true },
      routing: { admins: [AAD.sup], allowUnitManagers: false },
      tenantId: TENANT,
      stores,
      directory: exampleDirectory(),
      actions: sink,
      clock,
      logger: new RecordingLogger(),
      wfmUrl: 'https://apps.mypurecloud.ie/directory/#/admin/wfm',
      sleep: async (ms) => {
        sleeps.push({ ms, requestsSoFar: connector.requests.length });
        clock.advanceBy(ms);
      },
    });
    server = await edge.startServer({
      port: 0,
      host: '127.0.0.1',
      readiness: () => ({ store: true, genesys: false }),
      metrics: () => ({ genesys: { framesReceived: 3 } }),
    });
  });

  afterEach(async () => {
    await server.close();
    await connector.stop();
  });

  async function post(
    activity: object,
    headers: Record<string, string> = {},
  ): Promise<{ status: number; body: unknown }> {
    const response = await fetch(`${server.url}/api/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify(
        teams.fromTeams({ id: `in-${Math.random()}`, ...activity }, { serviceUrl: connector.url }),
      ),
    });
    const text = await response.text();
    return { status: response.status, body: text ? JSON.parse(text) : undefined };
  }

  function personalActivity(type: string, extra: object = {}): object {
    return teams.personalActivity(type, { tenantId: TENANT, from: teams.TEAMS_ACCOUNTS.ana }, { ...extra });
  }

  function channelActivity(type: string, channelId: string, extra: object = {}): object {
    return teams.channelActivity(
      type,
      {
        tenantId: TENANT,
        from: teams.TEAMS_ACCOUNTS.sup,
        team: { id: TEAM, name: 'Support' },
        channel: { id: channelId },
      },
      { ...extra },
    );
  }

  async function installTeam(): Promise<void> {
    connector.channels.set(TEAM, [
      { id: TEAM },
      { id: ALERTS, name: 'Alerts' },
      { id: OTHER, name: 'Other' },
    ]);
    connector.members.set(TEAM, [
      {
        id: '29:ben',
        objectId: AAD.ben,
        name: 'Ben Brown',
        email: 'ben.b@contoso.com',
        userPrincipalName: 'Ben.Brown@contoso.com',
      },
      {
        id: '29:sup',
        objectId: AAD.sup,
        name: 'Sam Supervisor',
        email: 'sam@contoso.com',
        userPrincipalName: 'sam@contoso.com',
      },
      { id: '29:cai', objectId: AAD.cai, name: 'Cai Chen', email: 'CAI.CHEN@contoso.com' },
    ]);
    const response = await post(channelActivity('installationUpdate', TEAM, { action: 'add' }));
    assert.equal(response.status, 200);
  }

  async function watchAllFrom(channelId: string): Promise<void> {
    await post(channelActivity('message', channelId, { text: '<at>Drift</at> watch all' }));
  }

  it('stores a personal install and links the Genesys agent by email, case-insensitively', async () => {
    connector.members.set('a:ana', [
      {
        id: '29:ana',
        objectId: AAD.ana,
        name: 'Ana Alvarez',
        email: 'Ana.Alvarez@Contoso.com',
        userPrincipalName: 'ana@contoso.onmicrosoft.com',
      },
    ]);
    const response = await post(personalActivity('installationUpdate', { action: 'add' }));
    assert.equal(response.status, 200);
    await edge.welcomes.idle();
    const record = await stores.conversations.get(AAD.ana);
    assert.equal(record?.agentId, 'agent-ana');
    assert.equal(record?.conversationId, 'a:ana');
    assert.equal(record?.serviceUrl, connector.url);
    const welcome = connector.find('POST', /^\/v3\/conversations\/a:ana\/activities/);
    assert.equal(welcome.length, 1);
    assert.match(JSON.stringify(welcome[0].body), /linked to your Genesys Cloud agent profile/);
  });

  it('stores a team install with its channels and links rostered agents across member pages', async () => {
    await installTeam();
    assert.equal(
      connector.find('GET', /pagedmembers$/).length,
      2,
      'three members at two per page take two pages',
    );
    const alerts = await stores.conversations.get(`channel:${ALERTS}`);
    assert.equal(alerts?.channelName, 'Alerts');
    assert.equal((await stores.conversations.get(`channel:${TEAM}`))?.channelName, 'General');
    const ben = await stores.conversations.get(AAD.ben);
    assert.equal(ben?.agentId, 'agent-ben', 'matched on the UPN when the email differs');
    assert.equal(ben?.conversationId, '', 'no chat yet: it is created on the first nudge');
    assert.equal((await stores.conversations.get(AAD.cai))?.agentId, 'agent-cai');
    assert.equal(
      await stores.conversations.get(AAD.sup),
      undefined,
      'members who are not agents are not stored',
    );
  });

  it('creates the personal chat with the object id in members[].id on the first nudge and delivers it', async () => {
    await installTeam();
    const episode = openEpisode({
      id: 'agent-ben:1',
      agentId: 'agent-ben',
      teamId: 'team-blue',
      stage: 'nudged',
      supervisorAlertedAt: undefined,
    });
    const row = await pendingRow(episode, 'nudge', 'agent');
    const result = await edge.notifier.deliver(row);
    assert.equal(result.status, 'sent');
    const create = connector.find('POST', /^\/v3\/conversations$/).at(-1)!;
    assert.deepEqual(
      (create.body as { members: { id: string }[] }).members.map((member) => member.id),
      [AAD.ben],
    );
    const conversationId = result.status === 'sent' ? result.conversationId : '';
    const sends = connector.find('POST', new RegExp(`^/v3/conversations/${conversationId}/activities`));
    assert.equal(sends.length, 1);
    assert.match(JSON.stringify(sends[0].body), /Quick check-in/);
    assert.equal((await stores.conversations.get(AAD.ben))?.conversationId, conversationId);
  });

  it('posts the supervisor alert as a new thread in the channel that watches all', async () => {
    await installTeam();
    await watchAllFrom(ALERTS);
    const row = await pendingRow(openEpisode(), 'supervisorAlert', 'supervisorChannel');
    const result = await edge.notifier.deliver(row);
    assert.equal(result.status, 'sent');
    assert.ok(result.status === 'sent' && result.conversationId.startsWith(`${ALERTS};messageid=`));
    const post = connector.find('POST', /^\/v3\/conversations$/).at(-1)!;
    assert.equal((post.body as { channelData: { channel: { id: string } } }).channelData.channel.id, ALERTS);
    assert.match(JSON.stringify(post.body), /Adherence drift: Ana Alvarez/);
  });

  it('acknowledges from the alert channel: answers with the updated card and PUTs it for everyone', async () => {
    const { episode, thread, activityId } = await alertedAna();
    const response = await post(channelActivity('invoke', `${thread}`, ackInvoke(episode.id, activityId)));
    assert.equal(response.status, 200);
    const body = response.body as { statusCode: number; type: string; value: unknown };
    assert.equal(body.statusCode, 200);
    assert.equal(body.type, 'application/vnd.microsoft.card.adaptive');
    assert.match(JSON.stringify(body.value), /Acknowledged by Sam Supervisor/);
    const puts = connector.find('PUT', new RegExp(`/activities/${activityId}$`));
    assert.equal(puts.length, 1, 'the card is replaced in place for every viewer');
    assert.match(JSON.stringify(puts[0].body), /Acknowledged by Sam Supervisor/);
    assert.equal(
      (await stores.driftState.get({ managementUnitId: 'mu-north', agentId: 'agent-ana' }))?.episode
        ?.acknowledged?.by.id,
      AAD.sup,
    );
  });

  it('refuses the same acknowledge from another channel with HTTP 200 and a message, changing nothing', async () => {
    const { episode, activityId } = await alertedAna();
    const response = await post(channelActivity('invoke', OTHER, ackInvoke(episode.id, activityId)));
    assert.equal(response.status, 200);
    const body = response.body as { statusCode: number; type: string; value: unknown };
    assert.equal(body.type, 'application/vnd.microsoft.activity.message');
    assert.match(String(body.value), /Only the supervisor channel/);
    assert.equal(connector.find('PUT', /activities/).length, 0);
    assert.equal(
      (await stores.driftState.get({ managementUnitId: 'mu-north', agentId: 'agent-ana' }))?.episode
        ?.acknowledged,
      undefined,
    );
  });

  it('honours a 429 Retry-After by pausing the whole tenant, then sends once the pause is over', async () => {
    await installTeam();
    await watchAllFrom(ALERTS);
    connector.failNext(1, {
      status: 429,
      code: 'Throttled',
      retryAfterInSeconds: 2,
      match: (method, path) => method === 'POST' && path === '/v3/conversations',
    });
    const before = connector.requests.length;
    const first = await edge.notifier.deliver(
      await pendingRow(openEpisode(), 'supervisorAlert', 'supervisorChannel'),
    );
    assert.deepEqual(first, { status: 'throttled', retryAfterMs: 2_000 });
    assert.equal(connector.requests.length, before + 1, 'the SDK did not retry the 429 on its own');
    // Another conversation of the same tenant waits for the pause before it reaches Teams.
    const nudge = await edge.notifier.deliver(
      await pendingRow(
        openEpisode({ id: 'agent-ben:2', agentId: 'agent-ben', teamId: 'team-blue' }),
        'nudge',
        'agent',
      ),
    );
    assert.equal(nudge.status, 'sent');
    // The one wait as long as the pause, before anything more reached Teams (the tenant's pacing waits are 21 ms each).
    assert.deepEqual(
      sleeps.filter((sleep) => sleep.ms >= 1_000),
      [{ ms: 2_000, requestsSoFar: before + 1 }],
    );
    const retried = await edge.notifier.deliver(
      await pendingRow(openEpisode(), 'supervisorAlert', 'supervisorChannel'),
    );
    assert.equal(retried.status, 'sent');
    const metrics = await (await fetch(`${server.url}/metrics`)).text();
    assert.match(metrics, /delivery_tenant_pauses_total 1/);
    assert.match(metrics, /genesys_frames_received_total 3/);
  });

  it('marks the reference dead on a 403 and reports the undelivered nudge on the supervisor card', async () => {
    await installTeam();
    await watchAllFrom(ALERTS);
    const ben = (await stores.conversations.get(AAD.ben))!;
    await stores.conversations.upsert({
      ...ben,
      conversationId: 'a:ben',
      reference: {},
    });
    connector.failNext(1, {
      status: 403,
      code: 'ConversationBlockedByUser',
      match: (method) => method === 'POST',
    });
    const episode = openEpisode({ id: 'agent-ben:3', agentId: 'agent-ben', teamId: 'team-blue' });
    const nudge = await edge.notifier.deliver(await pendingRow(episode, 'nudge', 'agent'));
    assert.equal(nudge.status, 'recipientGone');
    assert.match(nudge.status === 'recipientGone' ? nudge.reason : '', /ConversationBlockedByUser/);
    assert.match((await stores.conversations.get(AAD.ben))?.deadReason ?? '', /blocked the app/);
    const requests = connector.requests.length;
    assert.equal(
      (await edge.notifier.deliver(await pendingRow(episode, 'nudge', 'agent'))).status,
      'recipientGone',
    );
    assert.equal(connector.requests.length, requests, 'a dead reference is not tried again');
    // The dispatcher dead-letters the nudge; the supervisor card then says it did not arrive.
    const row = await stores.outbox.get(`${episode.id}|nudge|agent`);
    await stores.outbox.update({
      ...row!,
      status: 'deadLettered',
      lastError: `recipient gone: ${nudge.status === 'recipientGone' ? nudge.reason : ''}`,
    });
    const alert = await edge.notifier.deliver(
      await pendingRow(episode, 'supervisorAlert', 'supervisorChannel'),
    );
    assert.equal(alert.status, 'sent');
    assert.match(
      JSON.stringify(connector.find('POST', /^\/v3\/conversations$/).at(-1)!.body),
      /nudge could not be delivered: the user blocked the app/,
    );
  });

  it('answers /healthz 200 and /readyz 503 naming what is not up', async () => {
    assert.equal((await fetch(`${server.url}/healthz`)).status, 200);
    const ready = await fetch(`${server.url}/readyz`);
    assert.equal(ready.status, 503);
    assert.deepEqual(await ready.json(), { status: 'not ready', missing: ['genesys'] });
  });

  async function pendingRow(
    episode: ReturnType<typeof openEpisode>,
    kind: OutboxAlert['kind'],
    recipient: OutboxAlert['recipient'],
  ): Promise<OutboxAlert> {
    const id = outboxAlertId(episode.id, kind, recipient);
    const existing = await stores.outbox.get(id);
    if (existing) return existing;
    await stores.outbox.enqueue(newOutboxAlert(episode, kind, recipient, clock.now()));
    return (await stores.outbox.get(id))!;
  }

  /** Ana is drifting, her alert was delivered to the Alerts channel, and the ledger says where it landed. */
  async function alertedAna(): Promise<{
    episode: ReturnType<typeof openEpisode>;
    thread: string;
    activityId: string;
  }> {
    await installTeam();
    await watchAllFrom(ALERTS);
    const episode = openEpisode();
    await stores.driftState.modify({ managementUnitId: 'mu-north', agentId: 'agent-ana' }, () => ({
      next: {
        agentId: 'agent-ana',
        managementUnitId: 'mu-north',
        lastAdherenceState: 'OutOfAdherence',
        lastAdherenceChangedAt: episode.driftStartedAt,
        lastObservedAt: episode.driftStartedAt,
        episode,
      },
      result: undefined,
    }));
    const row = await pendingRow(episode, 'supervisorAlert', 'supervisorChannel');
    const result = await edge.notifier.deliver(row);
    assert.equal(result.status, 'sent');
    if (result.status !== 'sent') throw new Error('not sent');
    await stores.outbox.update({
      ...row,
      status: 'sent',
      conversationId: result.conversationId,
      activityId: result.activityId,
    });
    return { episode, thread: result.conversationId, activityId: result.activityId };
  }

  function ackInvoke(episodeId: string, replyToId: string): object {
    return {
      ...teams.cardActionInvoke('drift.acknowledge', { episodeId, verb: 'drift.acknowledge' }),
      replyToId,
    };
  }
});

describe('Bot endpoint with BOT_ID set', function () {
  it('answers 401 to a request without a Bot Framework token, without any network call', async () => {
    const edge = createTeamsEdge({
      auth: {
        appId: '00000000-0000-0000-0000-000000000001',
        appPassword: 'not-a-real-secret',
        tenantId: '00000000-0000-0000-0000-0000000000aa',
        type: 'SingleTenant',
        isProduction: true,
      },
      stores: createInMemoryStores(),
      directory: exampleDirectory(),
      actions: { act: async () => ({ result: 'stale' }) },
      clock: new ManualClock(),
      logger: new RecordingLogger(),
    });
    const server = await edge.startServer({
      port: 0,
      host: '127.0.0.1',
      readiness: () => ({ store: true, genesys: true }),
    });
    try {
      const response = await fetch(`${server.url}/api/messages`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          type: 'message',
          text: 'help',
          channelId: 'msteams',
          serviceUrl: 'http://127.0.0.1:9/',
          from: { id: '29:x' },
          conversation: { id: 'a:x', conversationType: 'personal' },
          recipient: { id: '28:bot' },
        }),
      });
      assert.equal(response.status, 401);
    } finally {
      await server.close();
    }
  });
});
