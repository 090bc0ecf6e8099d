import assert from 'node:assert/strict';
import { createTeamsEdge, type TeamsEdge } from '../../../bot/create-teams-edge';
import type { RunningBotServer } from '../../../bot/server/create-bot-server';
import type { StoreSet } from '../../../src/storage/store-set';
import { createTableStores } from '../../../src/storage/table-stores';
import { createTestTableService } from '../../support/azurite';
import { AAD, exampleDirectory } from '../../support/bot-fakes';
import { FakeBotConnector } from '../../support/fake-bot-connector';
import { ManualClock } from '../../support/manual-clock';
import { RecordingLogger } from '../../support/recording-logger';
import * as teams from '../../support/teams-activities';

const TENANT = '11111111-2222-4333-8444-555555555555';
const TEAM = '19:team-general@thread.tacv2';
const BOT = teams.TEAMS_ACCOUNTS.bot;

/** One instance of the Teams edge on the shared tables, as a replica or a restarted process would be. */
interface Replica {
  readonly edge: TeamsEdge;
  readonly server: RunningBotServer;
}

describe('One welcome per scope, ever: install events, restarts, replicas and upgrades (Azurite, real HTTP)', function () {
  let connector: FakeBotConnector;
  let stores: StoreSet;
  let clock: ManualClock;
  const replicas: Replica[] = [];

  beforeEach(async () => {
    connector = new FakeBotConnector();
    await connector.start();
    stores = await createTableStores(await createTestTableService());
    clock = new ManualClock(Date.UTC(2026, 7, 20, 10, 0, 0));
    connector.members.set('a:ana', [
      { id: '29:ana', objectId: AAD.ana, name: 'Ana Alvarez', email: 'ana.alvarez@contoso.com' },
    ]);
    connector.members.set('a:ben', [
      { id: '29:ben', objectId: AAD.ben, name: 'Ben Brown', email: 'ben.brown@contoso.com' },
    ]);
    connector.channels.set(TEAM, [{ id: TEAM }]);
  });

  afterEach(async () => {
    for (const replica of replicas.splice(0)) await replica.server.close();
    await connector.stop();
  });

  async function startReplica(): Promise<Replica> {
    const edge = createTeamsEdge({
      auth: { appId: '', isProduction: false, isLocal: true },
      tenantId: TENANT,
      stores,
      directory: exampleDirectory(),
      actions: { act: async () => ({ result: 'stale' }) },
      clock,
      logger: new RecordingLogger(),
      // Waits (limiter, retry backoff) move the manual clock instead of real time.
      sleep: async (ms) => clock.advanceBy(ms),
    });
    const server = await edge.startServer({
      port: 0,
      host: '127.0.0.1',
      readiness: () => ({ store: true, genesys: true }),
    });
    const replica = { edge, server };
    replicas.push(replica);
    return replica;
  }

  async function stopReplica(replica: Replica): Promise<void> {
    replicas.splice(replicas.indexOf(replica), 1);
    await replica.server.close();
  }

  async function post(replica: Replica, activity: Record<string, unknown>): Promise<number> {
    const response = await fetch(`${replica.server.url}/api/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(teams.fromTeams(activity, { serviceUrl: connector.url })),
    });
    await response.text();
    return response.status;
  }

  function personal(
    who: 'ana' | 'ben',
    type: string,
    extra: Record<string, unknown> = {},
  ): Record<string, unknown> {
    return teams.personalActivity(
      type,
      { tenantId: TENANT, from: { id: `29:${who}`, aadObjectId: AAD[who] } },
      extra,
    );
  }

  function team(type: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
    return teams.channelActivity(
      type,
      {
        tenantId: TENANT,
        from: { id: '29:sup', aadObjectId: AAD.sup },
        team: { id: TEAM, name: 'Support' },
        channel: { id: TEAM },
      },
      extra,
    );
  }

  /** Welcome cards the Bot Connector accepted in one conversation. */
  function welcomesIn(conversationId: string): number {
    return connector
      .find('POST', new RegExp(`^/v3/conversations/${conversationId}/activities`))
      .filter(
        (request) =>
          (request.response?.status ?? 500) < 300 &&
          /Adherence drift assistant/.test(JSON.stringify(request.body)),
      ).length;
  }

  async function settle(): Promise<void> {
    for (const replica of replicas) await replica.edge.welcomes.idle();
  }

  it('welcomes a person and a team once when both install events arrive at two replicas at once, and never again after a restart', async () => {
    const a = await startReplica();
    const b = await startReplica();
    const added = { membersAdded: [BOT] };
    const statuses = await Promise.all([
      post(a, personal('ana', 'installationUpdate', { action: 'add' })),
      post(b, personal('ana', 'conversationUpdate', added)),
      post(b, team('installationUpdate', { action: 'add' })),
      post(a, team('conversationUpdate', added)),
    ]);
    assert.deepEqual(statuses, [200, 200, 200, 200]);
    await settle();
    assert.equal(welcomesIn('a:ana'), 1);
    assert.equal(welcomesIn(TEAM), 1);
    assert.match(
      JSON.stringify(connector.find('POST', /^\/v3\/conversations\/a:ana\/activities/)[0].body),
      /Hi Ana! You're linked/,
    );

    // A restart (a new process on the same tables), an hour later; Teams delivers the install again.
    await stopReplica(a);
    await stopReplica(b);
    clock.advanceBy(3_600_000);
    const restarted = await startReplica();
    await post(restarted, personal('ana', 'installationUpdate', { action: 'add' }));
    await post(restarted, team('installationUpdate', { action: 'add' }));
    await settle();
    assert.equal(welcomesIn('a:ana'), 1);
    assert.equal(welcomesIn(TEAM), 1);
  });

  it('re-stores references on an app upgrade without a welcome, and a later install event does not welcome either', async () => {
    const replica = await startReplica();
    // Ben had the app before welcomes were recorded: his upgrade must not greet him.
    const upgraded = `${connector.url}moved/`;
    await post(
      replica,
      personal('ben', 'installationUpdate', { action: 'add-upgrade', serviceUrl: upgraded }),
    );
    await post(replica, team('installationUpdate', { action: 'add-upgrade' }));
    await settle();
    assert.equal(
      (await stores.conversations.get(AAD.ben))?.serviceUrl,
      upgraded,
      'the reference is re-stored',
    );
    assert.equal((await stores.conversations.get(`channel:${TEAM}`))?.channelName, 'General');
    await post(replica, personal('ben', 'installationUpdate', { action: 'add' }));
    await settle();
    assert.equal(welcomesIn('a:ben'), 0);
    assert.equal(welcomesIn(TEAM), 0);
    assert.equal(connector.find('POST', /\/activities/).length, 0, 'nothing at all was posted');
  });

  it('sends a welcome left pending by a stop when the next instance starts', async () => {
    const first = await startReplica();
    // The connector refuses the first attempt as a network error would; the instance then stops.
    connector.failNext(1, {
      status: 503,
      match: (method, path) => method === 'POST' && path.startsWith('/v3/conversations/a:ana'),
    });
    await post(first, personal('ana', 'installationUpdate', { action: 'add' }));
    await stopReplica(first);
    const pending = await stores.welcomes.get('personal', AAD.ana);
    assert.ok(pending?.status === 'pending' || pending?.status === 'sent', `status ${pending?.status}`);
    const next = await startReplica();
    await settle();
    await next.edge.welcomes.idle();
    assert.equal((await stores.welcomes.get('personal', AAD.ana))?.status, 'sent');
    assert.equal(welcomesIn('a:ana'), 1);
  });
});
