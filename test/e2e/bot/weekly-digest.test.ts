import assert from 'node:assert/strict';
import { startApplication, type RunningApplication } from '../../../bot/application';
import { reportedWeekOf } from '../../../src/analytics/digest-schedule';
import type { DriftOutcome } from '../../../src/domain/drift-episode';
import { createLogger } from '../../../src/platform/logger';
import { endedEpisode } from '../../support/digest-fixtures';
import { startE2eStack, type E2eStack } from '../../support/e2e-stack';
import { eventually } from '../../support/eventually';
import type { ConnectorRequest } from '../../support/fake-bot-connector';
import { ManualClock } from '../../support/manual-clock';
import { ManualScheduler } from '../../support/manual-scheduler';
import * as teams from '../../support/teams-activities';

// The digest runs on a manual clock (the application's `digest` override) while the rest of the product runs in real
// time: Monday 31 March 2031 08:00 in London (BST since the day before) is 07:00Z, two minutes after the clock starts.
const DUE = Date.UTC(2031, 2, 31, 7, 0);
const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;

const TENANT_ID = '7e2e7e2e-0000-4000-8000-00000000d16e';
const BOT = { id: '28:e2e-adherence-drift', name: 'Adherence Drift' };
const SAM = { id: '29:e2e-sam', aadObjectId: '50505050-0000-4000-8000-0000000d1650', name: 'Sam Supervisor' };
const TEAM = { id: '19:digest-team@thread.tacv2', name: 'Support Floor' };
const ALERTS = { id: '19:digest-alerts@thread.tacv2', name: 'Adherence' };
const ANA = { name: 'Ana Alvarez', email: 'ana.alvarez@contoso.example' };
const DIGEST_TITLE = /Weekly drift digest/;

describe('The weekly digest end to end: two instances on one Azurite, a manual digest clock, the Bot Connector stand-in', function () {
  this.timeout(120_000);
  const clock = new ManualClock(DUE - 2 * MINUTE);
  const scheduler = new ManualScheduler(clock);
  let stack: E2eStack | undefined;
  let second: RunningApplication | undefined;
  let restarted: RunningApplication | undefined;

  before(async () => {
    stack = await startE2eStack({
      simulatorSeed: 'e2e-digest',
      agent: ANA,
      env: { NODE_ENV: 'test', WATCH_ADMINS: SAM.aadObjectId, BOT_TENANT_ID: TENANT_ID, LOG_LEVEL: 'warn' },
      logLevel: 'warn',
      name: 'digest-a',
      host: '127.0.0.1',
      overrides: { digest: { clock, scheduler: scheduler.scoped('a') } },
    });
  });

  after(async () => {
    await restarted?.stop();
    await second?.stop();
    await stack?.stop();
  });

  it('posts each watching channel its digest once at Monday 08:00 in its units’ zone, also across a restart, and shows it on request', async () => {
    const { app, connector } = stack!;
    const units = app.genesys.directory.listUnits();
    assert.deepEqual(
      [...new Set(units.map((unit) => unit.timeZone))],
      ['Europe/London'],
      'the simulator puts both units in one London business unit',
    );

    // --- The app is installed in the supervisors' team and its Adherence channel watches all units.
    connector.members.set(TEAM.id, [
      { id: SAM.id, objectId: SAM.aadObjectId, name: SAM.name, tenantId: TENANT_ID },
    ]);
    connector.channels.set(TEAM.id, [{ id: TEAM.id }, ALERTS]);
    await postActivity(
      inChannel(TEAM.id, 'conversationUpdate', {
        membersAdded: [{ id: BOT.id }],
        channelData: { ...channelData(TEAM.id), eventType: 'teamMemberAdded' },
      }),
    );
    await postActivity(inChannel(TEAM.id, 'installationUpdate', { action: 'add' }));
    await postActivity(mention(ALERTS.id, 'watch all'));
    await waitForReply(ALERTS.id, /now gets drift alerts for all/i);

    // --- Drift history: the reported week (24-30 March 2031) and the week before, as the monitor records it.
    const agents = app.genesys.directory.listAgents();
    const history = (monday: number, outcomes: readonly DriftOutcome[]) =>
      outcomes.map((outcome, index) => {
        const agent = agents[index % agents.length];
        return endedEpisode({
          agentId: agent.id,
          agentName: agent.name,
          managementUnitId: agent.managementUnitId,
          startedAt: monday + (index % 5) * DAY + 9 * 60 * MINUTE + index * MINUTE,
          outcome,
          scheduledActivityCategory: index % 2 === 0 ? 'OnQueueWork' : 'Break',
        });
      });
    for (const record of [
      ...history(Date.UTC(2031, 2, 17), [
        'becameFormalException',
        'becameFormalException',
        'resolvedAfterNudge',
      ]),
      ...history(Date.UTC(2031, 2, 24), [
        'becameFormalException',
        'resolvedAfterNudge',
        'resolvedAfterNudge',
      ]),
    ])
      await app.stores.history.upsert(record);

    // --- A second instance on the same tables, then both reach Monday 08:00 on the digest clock.
    second = await startInstance('digest-b');
    await second.digest!.idle();
    // Its start settled the digest due a week ago (Monday 24 March): a week late, so skipped, never sent.
    assert.equal((await app.stores.digests.get('2031-03-17', `channel:${ALERTS.id}`))?.status, 'skipped');
    assert.deepEqual(digestPosts(), []);

    scheduler.advanceTo(DUE - 1);
    await bothIdle();
    assert.deepEqual(digestPosts(), [], 'nothing before 08:00');
    scheduler.advanceTo(DUE);
    await bothIdle();
    // The instance that lost the insert looks again when the winner's claim would have run out.
    scheduler.advanceTo(DUE + 10 * MINUTE);
    await bothIdle();
    const [post, ...more] = digestPosts();
    assert.ok(post, 'the digest reached the channel');
    assert.deepEqual(more, [], 'once, though two instances keep the schedule');
    const body = post.body as {
      isGroup?: boolean;
      channelData?: { channel?: { id?: string } };
      activity?: unknown;
    };
    assert.equal(body.isGroup, true);
    assert.equal(body.channelData?.channel?.id, ALERTS.id, 'a new thread in the watching channel');
    const card = JSON.stringify(body.activity);
    assert.match(
      card,
      /Last week \(24–30 Mar 2031\) against the week before \(17–23 Mar 2031\), Europe\/London time/,
    );
    assert.match(card, /"text":"Formal exceptions".*?"text":"1".*?"text":"2".*?"text":"−50%"/);
    for (const agent of agents) assert.ok(!card.includes(agent.name), `no agent named (${agent.name})`);
    const row = await app.stores.digests.get('2031-03-24', `channel:${ALERTS.id}`);
    const created = post.response?.body as { id: string; activityId: string };
    assert.equal(row?.status, 'sent');
    assert.equal(row?.activityId, created.activityId, 'the ledger records the activity Teams created');
    assert.equal(row?.conversationId, created.id);

    const sentCounts = await Promise.all(
      [app, second].map(async (instance) => {
        const metrics = await (await fetch(`${instance.server.url}/metrics`)).text();
        return Number(/^digest_sends_total\{key="sent"\} (\d+)$/m.exec(metrics)?.[1] ?? 0);
      }),
    );
    assert.deepEqual(sentCounts.sort(), [0, 1], '/metrics of the instance that sent it counts it');

    // --- One instance restarts (a new process, same tables) half an hour later: the ledger says it went out.
    await second.stop();
    scheduler.advanceTo(DUE + 30 * MINUTE);
    restarted = await startInstance('digest-b2');
    await restarted.digest!.idle();
    await app.digest!.idle();
    assert.equal(digestPosts().length, 1, 'not sent again after the restart');

    // --- `digest` shows the current one on request (real time: last week), without touching the ledger.
    const lastWeek = reportedWeekOf(Date.now(), 'Europe/London');
    for (const record of history(lastWeek.from, ['resolvedAfterSupervisorAlert', 'resolvedBeforeNudge']))
      await app.stores.history.upsert(record);
    await postActivity(mention(ALERTS.id, 'digest'));
    const onRequest = await waitForReply(ALERTS.id, /Shown on request/);
    assert.match(onRequest, DIGEST_TITLE);
    assert.match(onRequest, /"text":"Drift episodes".*?"text":"2"/);
    assert.match(onRequest, /every Monday at 08:00 \(Europe\/London\)/);
    assert.equal(await app.stores.digests.get(lastWeek.weekStart, `channel:${ALERTS.id}`), undefined);
    assert.equal(digestPosts().length, 1, 'the answer is a reply, not the week’s digest');
  });

  it('keeps no digest schedule with DIGEST_SCHEDULE=off', async () => {
    const { app } = stack!;
    const offScheduler = scheduler.scoped('off');
    const lines: string[] = [];
    const off = await startApplication(
      {
        ...app.settings,
        instanceId: 'digest-off',
        notifications: { ...app.settings.notifications, digestSchedule: 'off' },
      },
      {
        logger: createLogger({
          level: 'info',
          name: 'digest-off',
          destination: { write: (line: string) => void lines.push(line) },
        }),
        host: '127.0.0.1',
        digest: { clock, scheduler: offScheduler },
      },
    );
    try {
      assert.equal(off.digest, undefined);
      assert.equal(offScheduler.size(), 0, 'nothing is scheduled');
      assert.ok(lines.some((line) => line.includes('weekly digest off (DIGEST_SCHEDULE=off)')));
    } finally {
      await off.stop();
    }
  });

  /** Another instance of the application on the same tables, simulator and stand-in, its digest on the manual clock. */
  function startInstance(instanceId: string): Promise<RunningApplication> {
    return startApplication(
      { ...stack!.app.settings, instanceId },
      {
        logger: createLogger({ level: 'silent', name: instanceId }),
        host: '127.0.0.1',
        digest: { clock, scheduler: scheduler.scoped(instanceId) },
      },
    );
  }

  /** Digest cards posted as new channel threads. */
  function digestPosts(): ConnectorRequest[] {
    return stack!.connector
      .find('POST', /^\/v3\/conversations$/)
      .filter((request) => DIGEST_TITLE.test(JSON.stringify(request.body)) && request.response !== undefined);
  }

  async function bothIdle(): Promise<void> {
    await stack!.app.digest!.idle();
    await second!.digest!.idle();
  }

  async function postActivity(activity: Record<string, unknown>): Promise<void> {
    const { app, connector } = stack!;
    const answer = await teams.postToBot(app.server.url, activity, {
      serviceUrl: connector.url,
      recipient: BOT,
    });
    assert.equal(answer.status, 200, JSON.stringify(answer.body));
  }

  /** The text of the first reply in the channel that matches, once the stand-in answered it. */
  async function waitForReply(channelId: string, pattern: RegExp): Promise<string> {
    const prefix = `/v3/conversations/${channelId}/activities`;
    return eventually(`a reply in ${channelId} matching ${pattern}`, () =>
      stack!.connector.requests
        .filter((request) => request.method === 'POST' && request.path.startsWith(prefix))
        .map((request) => JSON.stringify(request.body))
        .find((text) => pattern.test(text)),
    );
  }

  function mention(channelId: string, command: string): Record<string, unknown> {
    const at = `<at>${BOT.name}</at>`;
    return inChannel(channelId, 'message', {
      text: `${at} ${command}`,
      entities: [{ type: 'mention', text: at, mentioned: { id: BOT.id, name: BOT.name } }],
    });
  }

  function channelData(channelId: string): Record<string, unknown> {
    return {
      tenant: { id: TENANT_ID },
      team: TEAM,
      channel: channelId === TEAM.id ? { id: TEAM.id } : ALERTS,
    };
  }

  function inChannel(
    channelId: string,
    type: string,
    extra: Record<string, unknown> = {},
  ): Record<string, unknown> {
    const channel = channelId === TEAM.id ? { id: TEAM.id } : ALERTS;
    return teams.channelActivity(type, { tenantId: TENANT_ID, from: SAM, team: TEAM, channel }, extra);
  }
});
