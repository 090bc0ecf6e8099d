import assert from 'node:assert/strict';
import type { RunningApplication } from '../../../bot/application';
import type { ConversationRecord } from '../../../src/app/ports/conversation-store';
import type { RouteRecord } from '../../../src/app/ports/route-store';
import type { RunningSimulator } from '../../../src/simulator/genesys-simulator';
import { generateFuzzCases, type FuzzCase } from '../../support/activity-fuzzer';
import { eventually } from '../../support/eventually';
import { startE2eStack, type E2eStack } from '../../support/e2e-stack';
import type { ConnectorRequest, FakeBotConnector } from '../../support/fake-bot-connector';
import { rawPost } from '../../support/raw-http';
import * as teams from '../../support/teams-activities';

// Seeded: a failure names its seed and case, and FUZZ_SEED=<seed> replays exactly the same 10,000 requests.
const SEED = Number(process.env.FUZZ_SEED ?? 20_260_820);
const CASES = 10_000;
const CONCURRENCY = 16;

const NUDGE_AFTER_MS = 2_000;
const SIMULATOR_SEED = 'e2e-2';
const ANA = { name: 'Ana Alvarez', email: 'ana.alvarez@contoso.example' };
const TENANT_ID = '7e2e7e2e-0000-4000-8000-00000000f022';
const BOT = { id: '28:fuzz-adherence-drift', name: 'Adherence Drift' };
const ANA_TEAMS = { id: '29:fuzz-ana', aadObjectId: 'a0a0a0a0-0000-4000-8000-00000000f0a0', name: ANA.name };
const SAM_TEAMS = {
  id: '29:fuzz-sam',
  aadObjectId: '50505050-0000-4000-8000-00000000f050',
  name: 'Sam Supervisor',
};
const ANA_CHAT = 'a:fuzz-ana-personal';
const TEAM = { id: '19:fuzz-team@thread.tacv2', name: 'Support Floor' };
const ALERTS_CHANNEL = { id: '19:fuzz-adherence@thread.tacv2', name: 'Adherence' };

describe('Teams edge fuzz: 10,000 seeded hostile activities against the running product (simulator, Azurite, Bot Connector stand-in)', function () {
  this.timeout(600_000);
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
        DRIFT_SUPERVISOR_AFTER: '4',
        DRIFT_EXCEPTION_AFTER: 'PT8S',
        WATCH_ADMINS: SAM_TEAMS.aadObjectId,
        BOT_TENANT_ID: TENANT_ID,
        LOG_LEVEL: 'warn',
      },
      logLevel: 'warn',
      name: 'fuzz',
      maxLogLines: 5_000,
    });
    ({ simulator, connector, app, logLines } = stack);
  });

  after(async () => {
    await stack?.stop();
  });

  afterEach(function () {
    if (this.currentTest?.state === 'failed')
      console.error(`fuzz seed ${SEED}; application log (last 80 lines):\n${logLines.slice(-80).join('')}`);
  });

  it('lives through every request, answers each with 2xx or a 4xx that names its reason (counted), keeps linked references, and still nudges on time', async () => {
    const { app, simulator, connector } = started();
    // No host was given and auth is off (no BOT_ID): the application listens on loopback only.
    assert.equal(app.server.host, '127.0.0.1');
    const ana = simulator.control.listAgents().find((agent) => agent.email === ANA.email);
    assert.ok(ana && ana.adherenceState === 'InAdherence' && ana.scheduledActivityCategory === 'OnQueueWork');

    // --- A linked agent and a watching channel, installed as Teams would.
    connector.members.set(ANA_CHAT, [
      {
        id: ANA_TEAMS.id,
        objectId: ANA_TEAMS.aadObjectId,
        name: ANA.name,
        email: ANA.email,
        tenantId: TENANT_ID,
      },
    ]);
    connector.channels.set(TEAM.id, [{ id: TEAM.id }, ALERTS_CHANNEL]);
    assert.equal(await postActivity(personal('installationUpdate', { action: 'add' })), 200);
    assert.equal(await postActivity(inChannel(TEAM.id, 'installationUpdate', { action: 'add' })), 200);
    const mention = `<at>${BOT.name}</at>`;
    assert.equal(
      await postActivity(inChannel(ALERTS_CHANNEL.id, 'message', { text: `${mention} watch all` })),
      200,
    );
    await eventually('the watch route', async () => (await routes()).length === 1);
    await eventually(
      'Ana linked',
      async () => (await app.stores.conversations.get(ANA_TEAMS.aadObjectId))?.agentId === ana.id,
    );
    const referencesBefore = await references();
    const routesBefore = await routes();

    // --- 10,000 hostile requests, a few at a time.
    const failures: unknown[] = [];
    const onFailure = (error: unknown): void => void failures.push(error);
    process.on('unhandledRejection', onFailure);
    process.on('uncaughtException', onFailure);
    const rejectedBefore = { ...app.server.edgeMetrics.rejectedRequests };
    const refusals: Record<string, number> = {};
    const statuses: Record<string, number> = {};
    const cases = generateFuzzCases(SEED, CASES, {
      serviceUrl: connector.url,
      tenantId: TENANT_ID,
      protectedObjectIds: [ANA_TEAMS.aadObjectId, SAM_TEAMS.aadObjectId],
      protectedConversationIds: [ANA_CHAT, TEAM.id, ALERTS_CHANNEL.id],
    });
    let sent = 0;
    try {
      await Promise.all(
        Array.from({ length: CONCURRENCY }, async () => {
          for (let next = cases.next(); !next.done; next = cases.next()) {
            const outcome = await send(next.value);
            sent += 1;
            statuses[outcome.status] = (statuses[outcome.status] ?? 0) + 1;
            if (outcome.reason !== undefined) refusals[outcome.reason] = (refusals[outcome.reason] ?? 0) + 1;
          }
        }),
      );
    } finally {
      process.off('unhandledRejection', onFailure);
      process.off('uncaughtException', onFailure);
    }
    assert.equal(sent, CASES);
    assert.deepEqual(failures, [], 'no unhandled rejection or uncaught exception');
    assert.equal((await fetch(`${app.server.url}/healthz`)).status, 200, 'the process lives');

    // Every refusal is counted under the reason it gave, and nothing else was counted.
    const metrics = await (await fetch(`${app.server.url}/metrics`)).text();
    const counted: Record<string, number> = {};
    for (const [, reason, value] of metrics.matchAll(
      /^edge_rejected_requests_total\{key="([^"]+)"\} (\d+)$/gm,
    ))
      counted[reason] = Number(value) - (rejectedBefore[reason] ?? 0);
    for (const reason of Object.keys(counted)) if (counted[reason] === 0) delete counted[reason];
    assert.deepEqual(counted, refusals);
    assert.ok(Object.keys(refusals).length >= 15, `varied refusals: ${JSON.stringify(refusals)}`);
    assert.ok((statuses['200'] ?? 0) > 500, `some cases were accepted: ${JSON.stringify(statuses)}`);
    // Card actions refused with HTTP 200 and a message (unknown episodes, wrong channel) are counted too.
    assert.match(metrics, /^teams_card_actions_refused_total\{key="(invalid|stale|forbidden)"\} [1-9]\d*$/m);

    // The linked agent's reference and the channels and their route are exactly as before.
    assert.deepEqual(await references(), referencesBefore);
    assert.deepEqual(await routes(), routesBefore);

    // --- A drift afterwards is nudged, not before its threshold.
    await eventually("the lease on Ana's unit", async () => app.ownership.ownsUnit(ana.managementUnitId));
    const mark = connector.requests.length;
    const drifting = simulator.control.setAgentActivity(ana.id, {
      systemPresence: 'Away',
      routingStatus: 'OFF_QUEUE',
    });
    assert.equal(drifting.adherenceState, 'OutOfAdherence');
    const driftStartedAt = Date.parse(drifting.adherenceChangeTime);
    let nudge: ConnectorRequest | undefined;
    await eventually('the nudge in her personal chat', async () => {
      nudge = connector.requests
        .slice(mark)
        .find(
          (request) =>
            request.method === 'POST' &&
            request.path.startsWith(`/v3/conversations/${ANA_CHAT}/activities`) &&
            /Quick check-in/.test(JSON.stringify(request.body)) &&
            request.response !== undefined,
        );
      return nudge !== undefined;
    });
    assert.ok(
      nudge!.receivedAt >= driftStartedAt + NUDGE_AFTER_MS,
      `nudge ${nudge!.receivedAt - driftStartedAt} ms after drift start, before the ${NUDGE_AFTER_MS} ms threshold`,
    );
  });

  /** Posts one case; the status, and the reason a 4xx gave (asserting it gave one). */
  async function send(fuzz: FuzzCase): Promise<{ status: string; reason?: string }> {
    const { app } = started();
    const response = await rawPost(`${app.server.url}/api/messages`, fuzz.headers, fuzz.body);
    const where = `seed ${SEED}, case ${fuzz.index} (${fuzz.kind})`;
    if (response.status === undefined) {
      // Only an oversized body may be cut off (answered 413, then the connection is dropped mid-upload).
      assert.equal(fuzz.kind, 'huge', `${where}: no answer (${response.error})`);
      return { status: '413', reason: 'bodyTooLarge' };
    }
    const { status } = response;
    assert.ok(
      (status >= 200 && status < 300) || (status >= 400 && status < 500),
      `${where}: answered ${status} ${response.body?.slice(0, 300)}`,
    );
    if (status < 400) return { status: String(status) };
    let reason: unknown;
    try {
      reason = (JSON.parse(response.body ?? '') as { error?: { code?: unknown } }).error?.code;
    } catch {
      reason = undefined;
    }
    assert.equal(
      typeof reason,
      'string',
      `${where}: ${status} without a reason: ${response.body?.slice(0, 300)}`,
    );
    return { status: String(status), reason: reason as string };
  }

  function started(): { app: RunningApplication; simulator: RunningSimulator; connector: FakeBotConnector } {
    if (!app || !simulator || !connector) throw new Error('the stack did not start (see before)');
    return { app, simulator, connector };
  }

  async function references(): Promise<ConversationRecord[]> {
    const { app } = started();
    const records: ConversationRecord[] = [];
    for (const key of [ANA_TEAMS.aadObjectId, `channel:${TEAM.id}`, `channel:${ALERTS_CHANNEL.id}`]) {
      const record = await app.stores.conversations.get(key);
      assert.ok(record, `${key} is stored`);
      records.push(record);
    }
    return records;
  }

  async function routes(): Promise<RouteRecord[]> {
    const { app } = started();
    const all: RouteRecord[] = [];
    for await (const route of app.stores.routes.list()) all.push(route);
    return all;
  }

  async function postActivity(activity: Record<string, unknown>): Promise<number> {
    const { app, connector } = started();
    const response = await fetch(`${app.server.url}/api/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(teams.fromTeams(activity, { serviceUrl: connector.url, recipient: BOT })),
    });
    await response.text();
    return response.status;
  }

  function personal(type: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
    return teams.personalActivity(
      type,
      { tenantId: TENANT_ID, from: ANA_TEAMS, conversationId: ANA_CHAT },
      extra,
    );
  }

  function inChannel(
    channelId: string,
    type: string,
    extra: Record<string, unknown> = {},
  ): Record<string, unknown> {
    const channel = channelId === TEAM.id ? { id: TEAM.id } : ALERTS_CHANNEL;
    return teams.channelActivity(type, { tenantId: TENANT_ID, from: SAM_TEAMS, team: TEAM, channel }, extra);
  }
});
