import assert from 'node:assert/strict';
import type { OutboxAlert } from '../../../../src/app/ports/alert-outbox';
import type { DriftEpisode } from '../../../../src/domain/drift-episode';
import { createInMemoryStores } from '../../../../src/storage/in-memory-stores';
import type { StoreSet } from '../../../../src/storage/store-set';
import { CARD_VERBS } from '../../../../bot/cards/card-actions';
import { AlertCardRenderer } from '../../../../bot/delivery/alert-card-renderer';
import { CardActionHandler } from '../../../../bot/handlers/card-action-handler';
import { AAD, EngineActionSink, exampleDirectory, openEpisode } from '../../../support/bot-fakes';
import { FLOOR, FLOOR_KEY, isBoard, Replica, watchedFloor } from '../../../support/drift-board-kit';
import { FakeTeamsMessenger } from '../../../support/fake-teams-messenger';
import { eventually } from '../../../support/eventually';
import { ManualClock } from '../../../support/manual-clock';
import { RecordingLogger } from '../../../support/recording-logger';

const T0 = Date.UTC(2026, 7, 20, 10, 15, 0);
const MINUTE = 60_000;
const by = { id: AAD.sup, name: 'Sam Supervisor' };

function episodeOf(agentId: string, minutesAgo: number, overrides: Partial<DriftEpisode> = {}): DriftEpisode {
  const driftStartedAt = T0 - minutesAgo * MINUTE;
  return openEpisode({
    id: `${agentId}:${driftStartedAt}`,
    agentId,
    driftStartedAt,
    teamId: undefined,
    ...overrides,
  });
}

describe('The alert budget in Teams: single cards, then one live drift board per channel', () => {
  let stores: StoreSet;
  let messenger: FakeTeamsMessenger;
  let clock: ManualClock;
  let replica: Replica;
  const ana = episodeOf('agent-ana', 12);
  const ben = episodeOf('agent-ben', 11);
  const cai = episodeOf('agent-cai', 10);
  const dee = episodeOf('agent-dee', 10);

  beforeEach(async () => {
    stores = createInMemoryStores();
    messenger = new FakeTeamsMessenger();
    clock = new ManualClock(T0);
    replica = new Replica(stores, messenger, clock, 2);
    await watchedFloor(stores);
  });

  async function rowOf(episode: DriftEpisode): Promise<OutboxAlert> {
    return (await stores.outbox.listByEpisode(episode.id)).find((row) => row.kind === 'supervisorAlert')!;
  }

  it('sends the budget of single cards, then posts one board that every later alert joins in place', async () => {
    for (const episode of [ana, ben, cai, dee]) assert.equal(await replica.alert(episode), 'sent');

    const posts = messenger.callsOf('postToChannel');
    assert.deepEqual(
      posts.map((call) => (isBoard(call) ? 'board' : 'card')),
      ['card', 'card', 'board'],
    );
    const updates = messenger.callsOf('updateCard');
    assert.equal(updates.length, 1, 'the fourth alert updated the board in place');
    const boardActivity = (await rowOf(cai)).activityId;
    assert.equal(updates[0].activityId, boardActivity);
    const board = JSON.stringify(updates[0].card);
    assert.match(board, /Live drift board: 2 agents drifting/);
    assert.match(board, /Cai Chen/);
    assert.match(board, /Agent agent-dee/);
    for (const episode of [cai, dee]) {
      const row = await rowOf(episode);
      assert.deepEqual([row.status, row.presentation, row.activityId], ['sent', 'board', boardActivity]);
    }
    for (const episode of [ana, ben]) assert.equal((await rowOf(episode)).presentation, undefined);
    assert.deepEqual(replica.notifier.metrics.supervisorAlerts, { card: 2, board: 2 });
  });

  it('updates the board as agents are handled and return, says all clear when the last leaves, then sends cards again', async () => {
    for (const episode of [ana, ben, cai, dee]) await replica.alert(episode);
    const boardActivity = (await rowOf(cai)).activityId!;
    const lastPut = (): string => JSON.stringify(messenger.callsOf('updateCard').at(-1)?.card);

    await replica.change({ ...cai, acknowledged: { by, at: T0 + MINUTE } }, 'acknowledged');
    assert.match(lastPut(), /Acknowledged by Sam Supervisor/);
    await replica.change(
      { ...cai, endedAt: T0 + 2 * MINUTE, outcome: 'resolvedAfterSupervisorAlert' },
      'backInAdherence',
    );
    assert.match(lastPut(), /Live drift board: 1 agent drifting/);
    assert.doesNotMatch(lastPut(), /Cai Chen/);
    await replica.change(
      { ...dee, endedAt: T0 + 3 * MINUTE, outcome: 'resolvedAfterSupervisorAlert' },
      'backInAdherence',
    );
    assert.match(lastPut(), /all clear/);
    assert.ok(messenger.callsOf('updateCard').every((call) => call.activityId === boardActivity));
    assert.equal(
      (await stores.alertBoards.get(FLOOR_KEY))?.boardCard,
      undefined,
      'the closed board is forgotten',
    );

    // An hour later the rate has fallen: single cards again.
    clock.advanceBy(61 * MINUTE);
    await replica.alert(episodeOf('agent-eve', 10));
    assert.equal(isBoard(messenger.callsOf('postToChannel').at(-1)!), false);
    assert.equal((await rowOf(episodeOf('agent-eve', 10))).presentation, undefined);
  });

  it("still updates an episode's own card when its board row cannot be written", async () => {
    for (const episode of [ana, ben, cai]) await replica.alert(episode);
    // Ana's card was one of the budget's; her re-alert after a snooze comes while it is spent: it joins the board.
    assert.equal(await replica.alert(ana, 'supervisorReAlert'), 'sent');
    const reAlert = (await stores.outbox.listByEpisode(ana.id)).find(
      (row) => row.kind === 'supervisorReAlert',
    );
    assert.equal(reAlert?.presentation, 'board');
    const cardActivity = (await rowOf(ana)).activityId;
    const putsBefore = messenger.callsOf('updateCard').length;

    stores.alertBoards.get = () => Promise.reject(new Error('storage unavailable'));
    await replica.change({ ...ana, acknowledged: { by, at: T0 + MINUTE } }, 'acknowledged');
    const puts = messenger.callsOf('updateCard').slice(putsBefore);
    assert.deepEqual(
      puts.map((call) => call.activityId),
      [cardActivity],
      'her own card is updated; the board waits for storage',
    );
    assert.match(JSON.stringify(puts[0]?.card), /Acknowledged by Sam Supervisor/);
  });

  it('decides a retried alert the same way: a throttled board join stays a board join, a failed card stays a card', async () => {
    messenger.failNext({ status: 'failed', reason: '503 ServiceUnavailable', isRetryable: true });
    assert.equal(await replica.alert(ana), 'retryScheduled');
    await replica.alert(ben);
    messenger.failNext({ status: 'throttled', retryAfterMs: 1_000 });
    assert.equal(await replica.alert(cai), 'retryScheduled');

    clock.advanceBy(10_000);
    assert.equal(await replica.dispatcher.dispatch((await rowOf(ana)).id), 'sent');
    assert.equal(await replica.dispatcher.dispatch((await rowOf(cai)).id), 'sent');
    assert.equal((await rowOf(ana)).presentation, undefined, 'still a card of its own');
    assert.equal((await rowOf(cai)).presentation, 'board');
    const ledger = (await stores.alertBoards.get(FLOOR_KEY))!;
    assert.deepEqual(
      ledger.cards.map((card) => card.alertId.split(':')[0]),
      ['agent-ana', 'agent-ben'],
      'the retries counted no further card',
    );
    assert.equal(ledger.rowCount, 1);
    assert.deepEqual(replica.notifier.metrics.supervisorAlerts, { card: 2, board: 1 });
  });

  it('counts a late card from when it reached the channel, so no rolling hour holds more than the budget', async () => {
    // Ana's card is decided at T0 but Teams is unavailable until ten minutes later; Ben's goes at once.
    messenger.failNext({ status: 'failed', reason: '503 ServiceUnavailable', isRetryable: true });
    assert.equal(await replica.alert(ana), 'retryScheduled');
    clock.advanceBy(10 * MINUTE);
    assert.equal(await replica.dispatcher.dispatch((await rowOf(ana)).id), 'sent');
    clock.advanceBy(MINUTE);
    assert.equal(await replica.alert(ben), 'sent');
    await eventually('the sent instant of the late card recorded', async () => {
      const ledger = await stores.alertBoards.get(FLOOR_KEY);
      return ledger?.cards.some((card) => card.at === T0 + 10 * MINUTE);
    });

    // An hour after Ana's card was decided, but not after it was sent: both cards are still in the last hour.
    clock.set(T0 + 61 * MINUTE);
    const eve = episodeOf('agent-eve', 10, { driftStartedAt: T0 + 51 * MINUTE });
    assert.equal(await replica.alert(eve), 'sent');
    assert.equal((await rowOf(eve)).presentation, 'board');
  });

  it('posts a new board when the board message was deleted in Teams, with every agent still on it', async () => {
    for (const episode of [ana, ben, cai]) await replica.alert(episode);
    messenger.failNext({ status: 'recipientGone', reason: '404 ActivityNotFoundInConversation' });
    await replica.alert(dee);
    const boards = messenger.callsOf('postToChannel').filter(isBoard);
    assert.equal(boards.length, 2);
    assert.match(
      JSON.stringify(boards[1].card),
      /Cai Chen[\s\S]*Agent agent-dee|Agent agent-dee[\s\S]*Cai Chen/,
    );
    assert.equal(
      (await rowOf(dee)).activityId,
      (await stores.alertBoards.get(FLOOR_KEY))?.boardCard?.activityId,
    );
  });

  it('posts one board when two replicas alert into the same channel at once', async () => {
    const other = new Replica(stores, messenger, clock, 2);
    await replica.alert(ana);
    await replica.alert(ben);
    const outcomes = await Promise.all([replica.alert(cai), other.alert(dee)]);
    assert.deepEqual(
      [...outcomes].sort(),
      ['retryScheduled', 'sent'],
      'one replica posts while the other waits',
    );
    // The replica that found the other posting waits and tries again.
    clock.advanceBy(5_000);
    for (const [i, outcome] of outcomes.entries())
      if (outcome === 'retryScheduled')
        assert.equal(await [replica, other][i].dispatcher.dispatch((await rowOf([cai, dee][i])).id), 'sent');
    assert.equal(messenger.callsOf('postToChannel').filter(isBoard).length, 1);
    assert.equal((await rowOf(cai)).activityId, (await rowOf(dee)).activityId);
    const lastBoard = [...messenger.calls].reverse().find(isBoard)!;
    assert.match(JSON.stringify(lastBoard.card), /2 agents drifting/);
  });

  it('sends an alert as a card of its own when other replicas keep changing the board through every retry', async () => {
    let isJammed = false;
    const boards = stores.alertBoards;
    const jammed = new Replica(
      {
        ...stores,
        alertBoards: {
          get: (key) => boards.get(key),
          getRow: (key, agentId) => boards.getRow(key, agentId),
          getRows: (key, agentIds) => boards.getRows(key, agentIds),
          read: (key) => boards.read(key),
          commit: (ledger, rows) => (isJammed ? Promise.resolve(false) : boards.commit(ledger, rows)),
        },
      },
      messenger,
      clock,
      2,
    );
    for (const episode of [ana, ben]) assert.equal(await jammed.alert(episode), 'sent');
    isJammed = true;
    assert.equal(await jammed.alert(cai), 'sent');

    const posts = messenger.callsOf('postToChannel');
    assert.deepEqual(
      posts.map((call) => (isBoard(call) ? 'board' : 'card')),
      ['card', 'card', 'card'],
      'beyond the budget, but not dropped',
    );
    const row = await rowOf(cai);
    assert.deepEqual([row.status, row.presentation], ['sent', undefined]);
    assert.equal((await stores.alertBoards.read(FLOOR_KEY)).rows.length, 0);
  });

  it('keeps board updates within the per-conversation Teams limit (7 in any second)', async () => {
    await replica.alert(ana);
    await replica.alert(ben);
    const agents = Array.from({ length: 12 }, (_, i) => episodeOf(`agent-x${i}`, 10));
    for (const episode of agents) await replica.alert(episode);
    const arrivals: number[] = [];
    messenger.onCall = (call) => {
      if (call.op === 'updateCard') arrivals.push(clock.now());
    };
    for (const episode of agents)
      await replica.change({ ...episode, acknowledged: { by, at: clock.now() } }, 'acknowledged');
    assert.equal(arrivals.length, agents.length);
    for (const at of arrivals)
      assert.ok(
        arrivals.filter((other) => other > at - 1_000 && other <= at).length <= 7,
        'at most 7 in any second',
      );
  });

  it('answers a click on a board row with the board, authorized by the channel the board is in', async () => {
    const engine = new EngineActionSink(stores.driftState, undefined, async (commands) => {
      for (const command of commands)
        if (command.type === 'updateCards') await replica.change(command.episode, command.change);
    });
    for (const episode of [ana, ben, cai]) {
      await stores.driftState.modify(
        { managementUnitId: episode.managementUnitId, agentId: episode.agentId },
        () => ({
          next: {
            agentId: episode.agentId,
            managementUnitId: episode.managementUnitId,
            lastAdherenceState: 'OutOfAdherence',
            lastAdherenceChangedAt: episode.driftStartedAt,
            lastObservedAt: episode.driftStartedAt,
            episode,
          },
          result: undefined,
        }),
      );
      await replica.alert(episode);
    }
    const handler = new CardActionHandler({
      outbox: stores.outbox,
      conversations: stores.conversations,
      actions: engine,
      renderer: new AlertCardRenderer({ directory: exampleDirectory(), clock }),
      clock,
      logger: new RecordingLogger(),
      renderBoard: (key) => replica.notifier.renderBoard(key),
    });
    const turn = (channelId: string) => ({
      serviceUrl: 'https://smba.example/teams/',
      conversationId: `${channelId};messageid=1`,
      conversationType: 'channel',
      channelId,
      from: { id: '29:sam', aadObjectId: AAD.sup, name: 'Sam Supervisor' },
      reference: {},
    });
    const data = { episodeId: cai.id, view: 'board', verb: CARD_VERBS.acknowledge };
    const elsewhere = await handler.handle(turn('19:other@thread.tacv2'), CARD_VERBS.acknowledge, data);
    assert.deepEqual(
      [elsewhere.kind, elsewhere.kind === 'message' && elsewhere.reason],
      ['message', 'forbidden'],
    );
    const answer = await handler.handle(turn(FLOOR), CARD_VERBS.acknowledge, data);
    assert.equal(answer.kind, 'card');
    const card = JSON.stringify(answer.kind === 'card' ? answer.card : undefined);
    assert.match(card, /Live drift board: 1 agent drifting/);
    assert.match(card, /Acknowledged by Sam Supervisor/);
    assert.match(
      JSON.stringify(messenger.callsOf('updateCard').at(-1)?.card),
      /Acknowledged by Sam Supervisor/,
    );
  });
});
