import assert from 'node:assert/strict';
import type { AgentView } from '../../../src/simulator/simulator-control';
import { startE2eStack, type E2eStack } from '../../support/e2e-stack';
import { eventually } from '../../support/eventually';
import { findActionUnder } from '../../support/card-buttons';
import type { ConnectorRequest } from '../../support/fake-bot-connector';
import { ManualClock } from '../../support/manual-clock';
import * as teams from '../../support/teams-activities';

// Drift and delivery run in real time with thresholds of seconds; the alert budget counts its rolling hour on a manual
// clock (the application's `alertBudget` override), so the test can let an hour pass. The simulator's clock is manual
// too, moved a second at a time: no schedule boundary passes while the test runs, so the agents it picks stay
// scheduled for on-queue work.
const BUDGET_PER_HOUR = 2;
const DRIFTING = 5;
const MINUTE = 60_000;
const SLOT = 15 * MINUTE;

const TENANT_ID = '7e2e7e2e-0000-4000-8000-00000000b0a4';
const BOT = { id: '28:e2e-adherence-drift', name: 'Adherence Drift' };
const SAM = { id: '29:e2e-sam', aadObjectId: '50505050-0000-4000-8000-0000000b0a50', name: 'Sam Supervisor' };
const TEAM = { id: '19:budget-team@thread.tacv2', name: 'Support Floor' };
const ALERTS = { id: '19:budget-alerts@thread.tacv2', name: 'Adherence' };
const ANA = { name: 'Ana Alvarez', email: 'ana.alvarez@contoso.example' };
const BOARD_TITLE = /Live drift board: \d+ agents? drifting/;

describe('The alert budget end to end: single cards, then one live drift board in the channel, then single cards again', function () {
  this.timeout(120_000);
  const budgetClock = new ManualClock(Date.now());
  let stack: E2eStack | undefined;

  before(async () => {
    // The simulator starts at least a minute before its next 15-minute slot, where schedules change.
    const now = Date.now();
    const nextSlot = Math.ceil((now + 1) / SLOT) * SLOT;
    stack = await startE2eStack({
      simulatorSeed: 'e2e-budget',
      agent: ANA,
      env: {
        DRIFT_NUDGE_AFTER: '1',
        DRIFT_SUPERVISOR_AFTER: '2',
        DRIFT_EXCEPTION_AFTER: 'PT10M',
        SUPERVISOR_ALERT_BUDGET_PER_HOUR: String(BUDGET_PER_HOUR),
        NODE_ENV: 'test',
        WATCH_ADMINS: SAM.aadObjectId,
        BOT_TENANT_ID: TENANT_ID,
        LOG_LEVEL: 'info',
      },
      logLevel: 'info',
      name: 'budget',
      host: '127.0.0.1',
      simulator: { manualClock: true, startAt: Math.min(now, nextSlot - MINUTE) },
      overrides: { alertBudget: { clock: budgetClock } },
    });
  });

  after(async () => {
    await stack?.stop();
  });

  afterEach(function () {
    if (this.currentTest?.state === 'failed' && stack)
      console.error(`application log (last 150 lines):\n${stack.logLines.slice(-150).join('')}`);
  });

  it('sends at most the budget of single cards, gathers every other alerted agent on one live board updated in place for everyone, and sends a single card again once the rate falls', async () => {
    const { app, simulator, connector } = stack!;

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
    const mention = `<at>${BOT.name}</at>`;
    await postActivity(
      inChannel(ALERTS.id, 'message', {
        text: `${mention} watch all`,
        entities: [{ type: 'mention', text: mention, mentioned: { id: BOT.id, name: BOT.name } }],
      }),
    );
    await waitForRequest(
      'the watch confirmation',
      (request) =>
        request.method === 'POST' &&
        request.path.startsWith(`/v3/conversations/${ALERTS.id}/activities`) &&
        /now gets drift alerts for all/i.test(JSON.stringify(request.body)),
    );

    // --- Agents scheduled for on-queue work and in adherence now; one more for after the burst.
    const candidates = simulator.control
      .listAgents()
      .filter(
        (agent) =>
          agent.scheduledActivityCategory === 'OnQueueWork' && agent.adherenceState === 'InAdherence',
      );
    assert.ok(
      candidates.length > DRIFTING,
      `the simulator has ${candidates.length} agents on queue and in adherence now`,
    );
    const burst = candidates.slice(0, DRIFTING);
    const later = candidates[DRIFTING];
    for (const unitId of new Set(candidates.slice(0, DRIFTING + 1).map((agent) => agent.managementUnitId)))
      await waitUntil(`the lease on unit ${unitId}`, () => app.ownership.ownsUnit(unitId));

    // --- A burst: five agents leave their schedule within seconds; the channel's budget is two cards an hour.
    const mark = connector.requests.length;
    for (const agent of burst) drift(agent);
    await waitUntil('every alert of the burst delivered', () => {
      const shown = channelPosts(mark).length > 0 ? namesShown(mark) : new Set<string>();
      return burst.every((agent) => shown.has(agent.name));
    });
    const cards = singleCards(mark);
    const boards = boardPosts(mark);
    assert.equal(cards.length, BUDGET_PER_HOUR, 'the budget of single cards, no more');
    assert.equal(boards.length, 1, 'one live board, posted once');
    // (Which reaches Teams first, the last single card or the board, is a race between two agents' deliveries; the
    // budget holds either way: two cards for the whole burst, every other alert on the board.)
    const [board] = boards;
    const boardAt = created(board);
    const onBoard = burst.filter((agent) => !cards.some((card) => cardText(card).includes(agent.name)));
    assert.equal(onBoard.length, DRIFTING - BUDGET_PER_HOUR);
    await waitUntil('the board shows every agent beyond the budget', () => {
      const latest = latestBoard(boardAt);
      return onBoard.every((agent) => latest.includes(agent.name));
    });
    assert.match(latestBoard(boardAt), /Live drift board: 3 agents drifting/);
    for (const agent of burst.filter((a) => !onBoard.includes(a)))
      assert.ok(!latestBoard(boardAt).includes(agent.name), `${agent.name} has a card of their own`);
    // Every alert of the burst is in the outbox ledger as sent (the last board joins may still be recording that a
    // board shown by an earlier join already carries them): two as cards, three as rows of the board.
    const ledger = await eventually('every alert of the burst recorded as sent', async () => {
      const rows = await Promise.all(
        burst.map(async (agent) => {
          const state = await app.stores.driftState.get({
            managementUnitId: agent.managementUnitId,
            agentId: agent.id,
          });
          const episodeRows = await app.stores.outbox.listByEpisode(state!.episode!.id);
          return episodeRows.find(
            (row) => row.recipient === 'supervisorChannel' && row.kind === 'supervisorAlert',
          );
        }),
      );
      return rows.every((row) => row?.status === 'sent') && rows;
    });
    assert.equal(ledger.filter((row) => row?.presentation === 'board').length, DRIFTING - BUDGET_PER_HOUR);
    assert.ok(
      ledger
        .filter((row) => row?.presentation === 'board')
        .every((row) => row?.activityId === boardAt.activityId),
      'the board rows point at the board card',
    );

    const metrics = await (await fetch(`${app.server.url}/metrics`)).text();
    assert.match(metrics, /^delivery_supervisor_alerts_total\{key="card"\} 2$/m);
    assert.match(metrics, /^delivery_supervisor_alerts_total\{key="board"\} 3$/m);
    assert.match(metrics, /^delivery_board_cards_total\{key="posted"\} 1$/m);

    // --- Sam acknowledges one row on the board: the answer is the board, and the board changes for everyone.
    const acknowledged = onBoard[0];
    const acknowledge = findActionUnder(
      JSON.parse(latestBoard(boardAt)) as unknown,
      acknowledged.name,
      'Acknowledge',
    );
    assert.ok(acknowledge, `the board row of ${acknowledged.name} has an Acknowledge button`);
    const clickMark = connector.requests.length;
    const invoke = await postActivity(
      inChannel(ALERTS.id, 'invoke', {
        ...teams.cardActionInvoke(acknowledge.verb, acknowledge.data),
        conversation: { id: boardAt.id, conversationType: 'channel', isGroup: true, tenantId: TENANT_ID },
        replyToId: boardAt.activityId,
      }),
    );
    assert.equal(invoke.status, 200);
    const answer = invoke.body as { statusCode: number; value: unknown };
    assert.equal(answer.statusCode, 200);
    assert.match(JSON.stringify(answer.value), BOARD_TITLE, 'the click is answered with the board');
    assert.match(JSON.stringify(answer.value), /Acknowledged by Sam Supervisor/);
    const put = await waitForRequest(
      'the board updated in place after the click',
      (request) => isBoardPut(request, boardAt) && /Acknowledged by Sam Supervisor/.test(cardText(request)),
      clickMark,
    );
    assert.equal(findActionUnder(put.body, acknowledged.name, 'Acknowledge'), undefined, 'acknowledged once');
    assert.ok(findActionUnder(put.body, onBoard[1].name, 'Acknowledge'), 'the other rows keep their buttons');

    // --- Everyone gets back on schedule: rows leave as they return, and the board says all clear.
    simulator.control.advance(1_000);
    for (const agent of burst) backOnSchedule(agent);
    await waitUntil('the board says all clear', () => /all clear/.test(latestBoard(boardAt)));
    assert.equal(boardPosts(mark).length, 1, 'still one board: updated in place, never posted twice');

    // --- An hour later the rate has fallen: the next alert is a single card again.
    budgetClock.advanceBy(61 * MINUTE);
    const laterMark = connector.requests.length;
    drift(later);
    const single = await waitForRequest(
      `the single card for ${later.name}`,
      (request) => isChannelPost(request) && cardText(request).includes(`Adherence drift: ${later.name}`),
      laterMark,
    );
    assert.ok(single);
    assert.deepEqual(boardPosts(laterMark), [], 'no new board');
    assert.ok(
      !connector.requests.slice(laterMark).some((request) => isBoardPut(request, boardAt)),
      'the closed board is left alone',
    );
  });

  function drift(agent: AgentView): void {
    const view = stack!.simulator.control.setAgentActivity(agent.id, {
      systemPresence: 'Away',
      routingStatus: 'OFF_QUEUE',
    });
    assert.equal(view.adherenceState, 'OutOfAdherence', `${agent.name} drifts`);
  }

  function backOnSchedule(agent: AgentView): void {
    const view = stack!.simulator.control.setAgentActivity(agent.id, { followSchedule: true });
    assert.equal(view.adherenceState, 'InAdherence', `${agent.name} is back`);
  }

  /** New threads posted in the alerts channel since `from`, once answered. */
  function channelPosts(from: number): ConnectorRequest[] {
    return stack!.connector.requests.slice(from).filter(isChannelPost);
  }

  function singleCards(from: number): ConnectorRequest[] {
    return channelPosts(from).filter((request) => /Adherence drift: /.test(cardText(request)));
  }

  function boardPosts(from: number): ConnectorRequest[] {
    return channelPosts(from).filter((request) => BOARD_TITLE.test(cardText(request)));
  }

  /** The board card as the channel shows it now: its last PUT, else the post. */
  function latestBoard(board: { id: string; activityId: string }): string {
    const requests = stack!.connector.requests;
    for (let i = requests.length - 1; i >= 0; i -= 1)
      if (isBoardPut(requests[i], board) && requests[i].response?.status === 200)
        return JSON.stringify(requests[i].body);
    const post = boardPosts(0)[0];
    return post === undefined ? '' : JSON.stringify((post.body as { activity?: unknown }).activity);
  }

  /** Agent names on single cards and on the board since `from`. */
  function namesShown(from: number): Set<string> {
    const names = new Set<string>();
    const board = boardPosts(from)[0];
    const boardText = board === undefined ? '' : latestBoard(created(board));
    for (const agent of stack!.simulator.control.listAgents())
      if (
        singleCards(from).some((card) => cardText(card).includes(`Adherence drift: ${agent.name}`)) ||
        boardText.includes(agent.name)
      )
        names.add(agent.name);
    return names;
  }

  async function postActivity(activity: Record<string, unknown>): Promise<teams.BotAnswer> {
    const { app, connector } = stack!;
    return teams.postToBot(app.server.url, activity, { serviceUrl: connector.url, recipient: BOT });
  }

  function channelData(channelId: string): Record<string, unknown> {
    return { tenant: { id: TENANT_ID }, team: TEAM, channel: channelOf(channelId) };
  }

  function inChannel(
    channelId: string,
    type: string,
    extra: Record<string, unknown> = {},
  ): Record<string, unknown> {
    return teams.channelActivity(
      type,
      { tenantId: TENANT_ID, from: SAM, team: TEAM, channel: channelOf(channelId) },
      extra,
    );
  }

  async function waitForRequest(
    what: string,
    matches: (request: ConnectorRequest) => boolean,
    fromIndex = 0,
  ): Promise<ConnectorRequest> {
    let found: ConnectorRequest | undefined;
    await waitUntil(what, () => {
      found = stack!.connector.requests
        .slice(fromIndex)
        .find((request) => request.response !== undefined && matches(request));
      return found !== undefined;
    });
    return found!;
  }

  async function waitUntil(what: string, isDone: () => boolean): Promise<void> {
    await eventually(what, isDone, {
      explain: () =>
        `the Bot Connector saw:\n  ${stack!.connector.requests
          .map((request) => `${request.method} ${request.path}`)
          .join('\n  ')}`,
    });
  }
});

function channelOf(channelId: string): { id: string; name?: string } {
  return channelId === TEAM.id ? { id: TEAM.id } : ALERTS;
}

/** A new thread in the alerts channel (POST /v3/conversations), answered. */
function isChannelPost(request: ConnectorRequest): boolean {
  const body = request.body as { channelData?: { channel?: { id?: string } } };
  return (
    request.method === 'POST' &&
    request.path === '/v3/conversations' &&
    body.channelData?.channel?.id === ALERTS.id &&
    request.response !== undefined
  );
}

function isBoardPut(request: ConnectorRequest, board: { id: string; activityId: string }): boolean {
  return (
    request.method === 'PUT' &&
    request.path === `/v3/conversations/${board.id}/activities/${board.activityId}`
  );
}

/** Where the Bot Connector put a new thread: the conversation (channel;messageid=...) and activity ids. */
function created(request: ConnectorRequest): { id: string; activityId: string } {
  return request.response?.body as { id: string; activityId: string };
}

function cardText(request: ConnectorRequest): string {
  return JSON.stringify(request.body);
}
