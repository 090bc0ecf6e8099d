import assert from 'node:assert/strict';
import type { RunningApplication } from '../../../bot/application';
import type { RunningSimulator } from '../../../src/simulator/genesys-simulator';
import type { AgentView } from '../../../src/simulator/simulator-control';
import { startE2eStack, type E2eStack } from '../../support/e2e-stack';
import { eventually } from '../../support/eventually';
import { findAction } from '../../support/card-buttons';
import type { ConnectorRequest, FakeBotConnector } from '../../support/fake-bot-connector';
import * as teams from '../../support/teams-activities';

// Real time with short thresholds: every part runs on its own clock as in production, and the test only asserts
// lower bounds (nothing arrives before drift start + threshold) and the order of arrivals, never how fast.
const NUDGE_AFTER_MS = 2_000;
const SUPERVISOR_AFTER_MS = 4_000;
// The simulator's units carry adherenceExceptionThresholdSeconds 900, which wins over this for the formal exception.
const EXCEPTION_AFTER = 'PT8S';

// With this seed the first agent's shift starts 30 minutes before the simulator's 15-minute slot, so at any start
// time the agent is in an on-queue block with an hour left: no schedule boundary passes while the test runs.
const SIMULATOR_SEED = 'e2e-2';
const ANA = { name: 'Ana Alvarez', email: 'ana.alvarez@contoso.example' };

const TENANT_ID = '7e2e7e2e-0000-4000-8000-00000000e2e0';
const BOT = { id: '28:e2e-adherence-drift', name: 'Adherence Drift' };
const ANA_TEAMS = { id: '29:e2e-ana', aadObjectId: 'a0a0a0a0-0000-4000-8000-0000000e2ea0', name: ANA.name };
const SAM_TEAMS = {
  id: '29:e2e-sam',
  aadObjectId: '50505050-0000-4000-8000-0000000e2e50',
  name: 'Sam Supervisor',
};
const ANA_CHAT = 'a:e2e-ana-personal';
// Teams: the General channel's id is the team id; the team's other channels have their own thread ids.
const TEAM = { id: '19:e2e-team@thread.tacv2', name: 'Support Floor' };
const ALERTS_CHANNEL = { id: '19:e2e-adherence@thread.tacv2', name: 'Adherence' };

describe('Adherence Drift end to end: Genesys simulator, Azurite, the application and a Bot Connector stand-in', function () {
  this.timeout(90_000);
  let stack: E2eStack | undefined;
  let simulator: RunningSimulator | undefined;
  let connector: FakeBotConnector | undefined;
  let app: RunningApplication | undefined;
  let logLines: string[] = [];

  before(async function () {
    stack = await startE2eStack({
      simulatorSeed: SIMULATOR_SEED,
      agent: ANA,
      env: {
        DRIFT_NUDGE_AFTER: `${NUDGE_AFTER_MS / 1_000}`,
        DRIFT_SUPERVISOR_AFTER: `${SUPERVISOR_AFTER_MS / 1_000}`,
        DRIFT_EXCEPTION_AFTER: EXCEPTION_AFTER,
        NODE_ENV: 'test',
        // Sam may route alerts (the supervisors' team types `watch all`); the bot belongs to the test tenant.
        WATCH_ADMINS: SAM_TEAMS.aadObjectId,
        BOT_TENANT_ID: TENANT_ID,
        LOG_LEVEL: 'debug',
      },
      logLevel: 'debug',
      name: 'e2e',
      host: '127.0.0.1',
    });
    ({ simulator, connector, app, logLines } = stack);
  });

  after(async () => {
    await stack?.stop();
  });

  afterEach(function () {
    // The application's own log explains a failure far better than a missing request does.
    if (this.currentTest?.state === 'failed')
      console.error(`application log (last 150 lines):\n${logLines.slice(-150).join('')}`);
  });

  it('listens on the port the OS picked and is ready once storage and the Genesys stream are up', async () => {
    const running = started();
    assert.ok(running.app.server.port > 0, 'PORT=0 resolves to a real port');
    assert.equal(running.app.server.url, `http://127.0.0.1:${running.app.server.port}`);
    const ready = await fetch(`${running.app.server.url}/readyz`);
    assert.equal(ready.status, 200, `readyz: ${await ready.text()}`);
  });

  it('nudges the drifting agent, then alerts the supervisor channel, then updates the card for everyone when a supervisor acknowledges', async () => {
    const { app, simulator, connector } = started();
    const ana = simulator.control.listAgents().find((agent) => agent.email === ANA.email);
    assert.ok(ana, 'the simulator gave the first agent the Teams user identity');
    assert.equal(
      ana.scheduledActivityCategory,
      'OnQueueWork',
      `seed ${SIMULATOR_SEED}: the agent must be scheduled to work now`,
    );
    assert.equal(
      ana.adherenceState,
      'InAdherence',
      `seed ${SIMULATOR_SEED}: the agent must start in adherence`,
    );

    // --- Teams installs the app for Ana (personal) and in the supervisors' team; a channel is told to watch all.
    connector.members.set(ANA_CHAT, [
      {
        id: ANA_TEAMS.id,
        objectId: ANA_TEAMS.aadObjectId,
        name: ANA.name,
        email: ANA.email,
        userPrincipalName: ANA.email,
        tenantId: TENANT_ID,
      },
    ]);
    connector.members.set(TEAM.id, [
      {
        id: SAM_TEAMS.id,
        objectId: SAM_TEAMS.aadObjectId,
        name: SAM_TEAMS.name,
        email: 'sam.supervisor@contoso.example',
        tenantId: TENANT_ID,
      },
      {
        id: ANA_TEAMS.id,
        objectId: ANA_TEAMS.aadObjectId,
        name: ANA.name,
        email: ANA.email,
        tenantId: TENANT_ID,
      },
    ]);
    connector.channels.set(TEAM.id, [{ id: TEAM.id }, ALERTS_CHANNEL]);

    // Teams sends both events on an install: conversationUpdate (bot added) and installationUpdate (add).
    await postActivity(personal('conversationUpdate', { membersAdded: [{ id: BOT.id }] }));
    await postActivity(personal('installationUpdate', { action: 'add' }));
    const welcome = await waitForRequest(
      'the personal welcome',
      (request) => request.method === 'POST' && isActivityIn(request, ANA_CHAT),
    );
    assert.match(JSON.stringify(welcome.body), /linked to your Genesys Cloud agent profile/);

    await postActivity(
      inChannel(TEAM.id, 'conversationUpdate', {
        membersAdded: [{ id: BOT.id }],
        channelData: { ...channelData(TEAM.id), eventType: 'teamMemberAdded' },
      }),
    );
    await postActivity(inChannel(TEAM.id, 'installationUpdate', { action: 'add' }));
    const mention = `<at>${BOT.name}</at>`;
    const watched = await postActivity(
      inChannel(ALERTS_CHANNEL.id, 'message', {
        text: `${mention} watch all`,
        // A channel message reaches the bot only when it mentions it; Teams puts the mention in text and entities.
        entities: [{ type: 'mention', text: mention, mentioned: { id: BOT.id, name: BOT.name } }],
      }),
    );
    assert.equal(watched.status, 200);
    const watchReply = await waitForRequest(
      'the watch confirmation',
      (request) => request.method === 'POST' && isActivityIn(request, ALERTS_CHANNEL.id),
    );
    assert.match(JSON.stringify(watchReply.body), /now gets drift alerts for all/i);

    // Events of a unit whose lease is not held yet are dropped (the adoption's Genesys restore catches up later):
    // waiting for the lease keeps the drift on the live event path.
    await waitUntil("the lease on the agent's unit", () => app.ownership.ownsUnit(ana.managementUnitId));

    // --- The agent drifts: Away and off queue while scheduled for on-queue work.
    const mark = connector.requests.length;
    const drifting: AgentView = simulator.control.setAgentActivity(ana.id, {
      systemPresence: 'Away',
      routingStatus: 'OFF_QUEUE',
    });
    assert.equal(drifting.adherenceState, 'OutOfAdherence');
    const driftStartedAt = Date.parse(drifting.adherenceChangeTime);

    const nudge = await waitForRequest(
      'the nudge in the personal chat',
      (request) => request.method === 'POST' && isActivityIn(request, ANA_CHAT),
      mark,
    );
    assert.match(JSON.stringify(nudge.body), /Quick check-in/);
    assert.ok(
      nudge.receivedAt >= driftStartedAt + NUDGE_AFTER_MS,
      `nudge ${nudge.receivedAt - driftStartedAt} ms after drift start, before the ${NUDGE_AFTER_MS} ms threshold`,
    );

    const alert = await waitForRequest(
      'the supervisor card in the channel',
      (request) => request.method === 'POST' && request.path === '/v3/conversations',
      mark,
    );
    const alertBody = alert.body as {
      isGroup?: boolean;
      channelData?: { channel?: { id?: string } };
      activity?: { attachments?: Array<{ content: unknown }> };
    };
    assert.equal(alertBody.isGroup, true);
    assert.equal(
      alertBody.channelData?.channel?.id,
      ALERTS_CHANNEL.id,
      'posted as a new thread in the channel that watches all',
    );
    const card = alertBody.activity?.attachments?.[0]?.content;
    assert.match(JSON.stringify(card), new RegExp(`Adherence drift: ${ANA.name}`));
    assert.ok(
      alert.receivedAt >= driftStartedAt + SUPERVISOR_AFTER_MS,
      `alert ${alert.receivedAt - driftStartedAt} ms after drift start, before the ${SUPERVISOR_AFTER_MS} ms threshold`,
    );
    assert.ok(
      requestIndex(nudge) < requestIndex(alert),
      'the nudge reached Teams before the supervisor card',
    );

    // --- A supervisor clicks Acknowledge: Teams sends the button's verb and data, from the card's thread.
    const acknowledge = findAction(card, 'Acknowledge');
    assert.ok(acknowledge, 'the open alert card has an Acknowledge button');
    const created = alert.response?.body as { id: string; activityId: string };
    // What the Bot Connector had seen when the click came: the update must come after it.
    const clickMark = connector.requests.length;
    const invoke = await postActivity(
      inChannel(ALERTS_CHANNEL.id, 'invoke', {
        ...teams.cardActionInvoke(acknowledge.verb, acknowledge.data),
        conversation: { id: created.id, conversationType: 'channel', isGroup: true, tenantId: TENANT_ID },
        replyToId: created.activityId,
      }),
    );
    assert.equal(invoke.status, 200);
    const answer = invoke.body as { statusCode: number; type: string; value: unknown };
    assert.equal(answer.statusCode, 200);
    assert.equal(
      answer.type,
      'application/vnd.microsoft.card.adaptive',
      'the invoke answers with the updated card',
    );
    assert.match(JSON.stringify(answer.value), /Acknowledged by Sam Supervisor/);
    assert.equal(
      findAction(answer.value, 'Acknowledge'),
      undefined,
      'an acknowledged card offers no second Acknowledge',
    );

    // The ledger keeps where the card landed; the update replaces exactly that activity for every viewer.
    const episodeId = (acknowledge.data as { episodeId: string }).episodeId;
    const row = (await app.stores.outbox.listByEpisode(episodeId)).find(
      (candidate) => candidate.recipient === 'supervisorChannel',
    );
    assert.equal(row?.status, 'sent');
    assert.equal(row?.conversationId, created.id);
    assert.equal(row?.activityId, created.activityId);
    const put = await waitForRequest(
      'the updated card',
      (request) =>
        request.method === 'PUT' &&
        request.path === `/v3/conversations/${created.id}/activities/${created.activityId}`,
      mark,
    );
    assert.match(JSON.stringify(put.body), /Acknowledged by Sam Supervisor/);
    assert.ok(
      requestIndex(put) >= clickMark && requestIndex(put) > requestIndex(alert),
      'the card is updated after the click',
    );

    // /metrics shows how late each message went out after it was due (never early), and an empty outbox.
    const metrics = await (await fetch(`${app.server.url}/metrics`)).text();
    for (const [kind, recipient] of [
      ['nudge', 'agent'],
      ['supervisorAlert', 'supervisorChannel'],
    ]) {
      const series = `\\{kind="${kind}",recipient="${recipient}"\\}`;
      assert.match(metrics, new RegExp(`^drift_alert_lateness_seconds_count${series} 1$`, 'm'));
      const sum = Number(
        new RegExp(`^drift_alert_lateness_seconds_sum${series} (\\S+)$`, 'm').exec(metrics)?.[1],
      );
      assert.ok(sum >= 0, `${kind} went out ${sum} s after it was due`);
    }
    assert.match(metrics, /^drift_outbox_pending_alerts 0$/m);
  });

  function started(): { app: RunningApplication; simulator: RunningSimulator; connector: FakeBotConnector } {
    if (!app || !simulator || !connector) throw new Error('the stack did not start (see before)');
    return { app, simulator, connector };
  }

  function requestIndex(request: ConnectorRequest): number {
    return started().connector.requests.indexOf(request);
  }

  /** POSTs an activity to /api/messages as the Teams service does (serviceUrl = the Bot Connector stand-in). */
  async function postActivity(activity: Record<string, unknown>): Promise<teams.BotAnswer> {
    const { app, connector } = started();
    return teams.postToBot(app.server.url, activity, { serviceUrl: connector.url, recipient: BOT });
  }

  function personal(type: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
    return teams.personalActivity(
      type,
      { tenantId: TENANT_ID, from: ANA_TEAMS, conversationId: ANA_CHAT },
      extra,
    );
  }

  function channelData(channelId: string): Record<string, unknown> {
    return { tenant: { id: TENANT_ID }, team: TEAM, channel: channelOf(channelId) };
  }

  function inChannel(
    channelId: string,
    type: string,
    extra: Record<string, unknown> = {},
  ): Record<string, unknown> {
    const scope = { tenantId: TENANT_ID, from: SAM_TEAMS, team: TEAM, channel: channelOf(channelId) };
    return teams.channelActivity(type, scope, extra);
  }

  /** The first request from `fromIndex` on that matches, polled until it arrives (or the test gives up). */
  async function waitForRequest(
    what: string,
    matches: (request: ConnectorRequest) => boolean,
    fromIndex = 0,
  ): Promise<ConnectorRequest> {
    const { connector } = started();
    let found: ConnectorRequest | undefined;
    await waitUntil(what, () => {
      found = connector.requests
        .slice(fromIndex)
        .find((request) => matches(request) && request.response !== undefined);
      return found !== undefined;
    });
    return found!;
  }

  async function waitUntil(what: string, isDone: () => boolean): Promise<void> {
    await eventually(what, isDone, {
      explain: () =>
        `the Bot Connector saw:\n  ${started()
          .connector.requests.map((request) => `${request.method} ${request.path}`)
          .join('\n  ')}`,
    });
  }
});

/** The team's General channel (its id is the team's) or the alerts channel. */
function channelOf(channelId: string): { id: string; name?: string } {
  return channelId === TEAM.id ? { id: TEAM.id } : ALERTS_CHANNEL;
}

/** A POST or PUT of an activity in the conversation: a new message, or a reply (`/activities/<replyToId>`). */
function isActivityIn(request: ConnectorRequest, conversationId: string): boolean {
  const prefix = `/v3/conversations/${conversationId}/activities`;
  return (
    request.path === prefix ||
    (request.path.startsWith(`${prefix}/`) && !request.path.slice(prefix.length + 1).includes('/'))
  );
}
