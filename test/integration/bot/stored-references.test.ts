import assert from 'node:assert/strict';
import { createTeamsEdge, type TeamsEdge } from '../../../bot/create-teams-edge';
import type { RunningBotServer } from '../../../bot/server/create-bot-server';
import type { ConversationRecord } from '../../../src/app/ports/conversation-store';
import { createInMemoryStores } from '../../../src/storage/in-memory-stores';
import type { StoreSet } from '../../../src/storage/store-set';
import { AAD, exampleDirectory } from '../../support/bot-fakes';
import { FakeBotConnector } from '../../support/fake-bot-connector';
import { ManualClock } from '../../support/manual-clock';
import { RecordingLogger } from '../../support/recording-logger';
import * as teams from '../../support/teams-activities';

const TENANT = '11111111-2222-4333-8444-555555555555';
const TEAM = '19:team-general@thread.tacv2';
const ALERTS = '19:alerts@thread.tacv2';
const OTHER_TEAM = '19:other-team@thread.tacv2';

describe('Stored conversation references survive malformed and hostile activities (real HTTP)', function () {
  let connector: FakeBotConnector;
  let stores: StoreSet;
  let clock: ManualClock;
  let edge: TeamsEdge;
  let server: RunningBotServer;

  beforeEach(async () => {
    connector = new FakeBotConnector();
    await connector.start();
    stores = createInMemoryStores();
    clock = new ManualClock(Date.UTC(2026, 7, 20, 10, 0, 0));
    edge = createTeamsEdge({
      auth: { appId: '', isProduction: false, isLocal: true },
      routing: { admins: [AAD.sup], allowUnitManagers: false },
      tenantId: TENANT,
      stores,
      directory: exampleDirectory(),
      actions: { act: async () => ({ result: 'stale' }) },
      clock,
      logger: new RecordingLogger(),
    });
    server = await edge.startServer({
      port: 0,
      host: '127.0.0.1',
      readiness: () => ({ store: true, genesys: true }),
    });
    // Ana installed the app and is linked; the team is installed with its General and Alerts channels.
    connector.members.set('a:ana', [
      { id: '29:ana', objectId: AAD.ana, name: 'Ana Alvarez', email: 'ana.alvarez@contoso.com' },
    ]);
    connector.channels.set(TEAM, [{ id: TEAM }, { id: ALERTS, name: 'Alerts' }]);
    assert.equal((await post(personal('installationUpdate', { action: 'add' }))).status, 200);
    assert.equal((await post(inChannel(TEAM, 'installationUpdate', { action: 'add' }))).status, 200);
    await edge.welcomes.idle();
    assert.equal((await stores.conversations.get(AAD.ana))?.agentId, 'agent-ana');
    assert.ok(await stores.conversations.get(`channel:${ALERTS}`));
  });

  afterEach(async () => {
    await server.close();
    await connector.stop();
  });

  async function post(activity: Record<string, unknown>): Promise<{ status: number; body: string }> {
    const response = await fetch(`${server.url}/api/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(teams.fromTeams(activity)),
    });
    return { status: response.status, body: await response.text() };
  }

  function personal(type: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
    const from = teams.TEAMS_ACCOUNTS.ana;
    return teams.personalActivity(type, { tenantId: TENANT, from }, { serviceUrl: connector.url, ...extra });
  }

  function inChannel(
    channelId: string,
    type: string,
    extra: Record<string, unknown> = {},
  ): Record<string, unknown> {
    return teams.channelActivity(
      type,
      {
        tenantId: TENANT,
        from: teams.TEAMS_ACCOUNTS.sup,
        team: { id: TEAM, name: 'Support' },
        channel: { id: channelId },
      },
      { serviceUrl: connector.url, ...extra },
    );
  }

  async function snapshot(): Promise<ConversationRecord[]> {
    const records: ConversationRecord[] = [];
    for await (const record of stores.conversations.list()) records.push(record);
    return records.sort((a, b) => a.key.localeCompare(b.key));
  }

  it('refuses an activity from a linked agent without a conversation or service URL, and keeps her reference', async () => {
    const before = await snapshot();
    const noConversation = await post(
      personal('message', { text: 'hi', conversation: undefined, serviceUrl: undefined }),
    );
    assert.equal(noConversation.status, 400);
    const emptyConversation = await post(
      personal('message', { text: 'hi', conversation: { id: '', conversationType: 'personal' } }),
    );
    assert.equal(emptyConversation.status, 400);
    const noType = await post(personal('installationUpdate', { action: 'add', conversation: { id: 'g:1' } }));
    assert.equal(noType.status, 400);
    assert.deepEqual(await snapshot(), before);
  });

  it("an uninstall can delete only the sender's own personal reference, from her own chat", async () => {
    const before = await snapshot();
    // An object id shaped like a channel key would have deleted the channel's record.
    const channelShaped = await post(
      personal('installationUpdate', {
        action: 'remove',
        from: { id: '29:x', aadObjectId: `channel:${ALERTS}` },
      }),
    );
    assert.equal(channelShaped.status, 400);
    // Ana's object id, but from another chat: not her uninstall.
    const elsewhere = await post(
      personal('installationUpdate', {
        action: 'remove',
        conversation: { id: 'a:someone-else', conversationType: 'personal', tenantId: TENANT },
      }),
    );
    assert.equal(elsewhere.status, 200);
    assert.deepEqual(await snapshot(), before);
    // From her own chat it works.
    await post(personal('installationUpdate', { action: 'remove' }));
    assert.equal(await stores.conversations.get(AAD.ana), undefined);
    assert.ok(await stores.conversations.get(`channel:${ALERTS}`), 'the channel stays');
  });

  it('a team uninstall from a conversation outside the team deletes nothing', async () => {
    const before = await snapshot();
    const response = await post(
      inChannel(OTHER_TEAM, 'conversationUpdate', { membersRemoved: [{ id: '28:bot', name: 'Drift' }] }),
    );
    assert.equal(response.status, 200);
    assert.deepEqual(await snapshot(), before);
    await post(inChannel(TEAM, 'conversationUpdate', { membersRemoved: [{ id: '28:bot', name: 'Drift' }] }));
    assert.equal(
      await stores.conversations.get(`channel:${ALERTS}`),
      undefined,
      'from the team itself it works',
    );
  });

  it('answers 400 to ids too long for a table key instead of failing the write', async () => {
    const before = await snapshot();
    const long = `29:${'a'.repeat(2_000)}`;
    const response = await post(
      personal('message', { text: 'hi', from: { id: long, aadObjectId: AAD.ben } }),
    );
    assert.equal(response.status, 400);
    const team = await post(
      inChannel(ALERTS, 'message', {
        text: 'status',
        channelData: { tenant: { id: TENANT }, team: { id: 'x'.repeat(5_000) }, channel: { id: ALERTS } },
      }),
    );
    assert.equal(team.status, 400);
    assert.deepEqual(await snapshot(), before);
  });
});
