import assert from 'node:assert/strict';
import type { DispatchOutcome } from '../../../src/app/outbox-dispatcher';
import type { OutboxAlert } from '../../../src/app/ports/alert-outbox';
import type { DriftEpisode } from '../../../src/domain/drift-episode';
import { createTableStores } from '../../../src/storage/table-stores';
import type { AlertBoardStore } from '../../../src/app/ports/alert-board-store';
import type { StoreSet } from '../../../src/storage/store-set';
import { createTestTableService } from '../../support/azurite';
import { openEpisode } from '../../support/bot-fakes';
import { FLOOR_KEY, isBoard, Replica, watchedFloor } from '../../support/drift-board-kit';
import { FakeTeamsMessenger } from '../../support/fake-teams-messenger';
import { ManualClock } from '../../support/manual-clock';

const T0 = Date.UTC(2026, 7, 20, 10, 15, 0);
const MINUTE = 60_000;
const BUDGET = 2;

function episodeOf(agentId: string): DriftEpisode {
  const driftStartedAt = T0 - 10 * MINUTE;
  return openEpisode({ id: `${agentId}:${driftStartedAt}`, agentId, driftStartedAt, teamId: undefined });
}

describe('The live drift board with two replicas on Azurite', () => {
  let stores: StoreSet;
  let messenger: FakeTeamsMessenger;
  let clock: ManualClock;

  beforeEach(async () => {
    stores = await createTableStores(await createTestTableService());
    messenger = new FakeTeamsMessenger();
    clock = new ManualClock(T0);
    await watchedFloor(stores);
  });

  async function supervisorRow(episode: DriftEpisode): Promise<OutboxAlert> {
    const rows = await stores.outbox.listByEpisode(episode.id);
    return rows.find((row) => row.kind === 'supervisorAlert')!;
  }

  /** Dispatches the rows still pending (a replica that found the board being posted retries), until all are sent. */
  async function deliverTheRest(
    replicas: readonly Replica[],
    episodes: readonly DriftEpisode[],
  ): Promise<void> {
    for (let round = 0; round < 20; round += 1) {
      const pending: OutboxAlert[] = [];
      for (const episode of episodes) {
        const row = await supervisorRow(episode);
        if (row.status === 'pending') pending.push(row);
      }
      if (pending.length === 0) return;
      clock.advanceBy(5_000);
      const outcomes: DispatchOutcome[] = await Promise.all(
        pending.map((row, i) => replicas[i % replicas.length].dispatcher.dispatch(row.id)),
      );
      assert.ok(!outcomes.includes('deadLettered'), `round ${round}: ${outcomes.join(', ')}`);
    }
    assert.fail('alerts were still pending after 20 rounds');
  }

  it('sends the budget of cards and one board when two replicas alert into one channel at once, and the board survives a restart', async () => {
    const replicas = [1, 2].map(() => new Replica(stores, messenger, clock, BUDGET));
    const burst = Array.from({ length: 8 }, (_, i) => episodeOf(`agent-${i}`));
    await Promise.all(burst.map((episode, i) => replicas[i % 2].alert(episode)));
    await deliverTheRest(replicas, burst);

    const posts = messenger.callsOf('postToChannel');
    assert.equal(posts.filter((call) => !isBoard(call)).length, BUDGET, 'the budget of single cards');
    assert.equal(posts.filter(isBoard).length, 1, 'one board, though two replicas raced to post it');
    const rows = await Promise.all(burst.map(supervisorRow));
    assert.ok(rows.every((row) => row.status === 'sent'));
    const onBoard = rows.filter((row) => row.presentation === 'board');
    assert.equal(onBoard.length, burst.length - BUDGET);
    const boardActivity = onBoard[0].activityId;
    assert.ok(onBoard.every((row) => row.activityId === boardActivity));
    const lastBoard = JSON.stringify([...messenger.calls].reverse().find(isBoard)!.card);
    assert.match(lastBoard, /Live drift board: 6 agents drifting/);
    for (const row of onBoard) assert.ok(lastBoard.includes(`Agent ${row.agentId}`), row.agentId);
    const ledger = await stores.alertBoards.get(FLOOR_KEY);
    assert.equal(ledger?.rowCount, burst.length - BUDGET);
    assert.equal(ledger?.cards.length, BUDGET);
    assert.equal(ledger?.boardCard?.activityId, boardActivity);

    // A replica started afresh (a restart: nothing in memory) finds the board in the table and updates it in place.
    const restarted = new Replica(stores, messenger, clock, BUDGET);
    const postsBefore = messenger.callsOf('postToChannel').length;
    const late = episodeOf('agent-late');
    assert.equal(await restarted.alert(late), 'sent');
    assert.equal(messenger.callsOf('postToChannel').length, postsBefore, 'no new card and no second board');
    assert.equal((await supervisorRow(late)).activityId, boardActivity);
    const update = messenger.callsOf('updateCard').at(-1)!;
    assert.equal(update.activityId, boardActivity);
    assert.match(JSON.stringify(update.card), /Live drift board: 7 agents drifting/);
  });

  it('puts every agent of a burst of 200 alerts from one replica, raced by a second, on exactly one card in a few board writes', async () => {
    let commits = 0;
    const table = stores.alertBoards;
    const counted: AlertBoardStore = {
      get: (key) => table.get(key),
      getRow: (key, agentId) => table.getRow(key, agentId),
      getRows: (key, agentIds) => table.getRows(key, agentIds),
      read: (key) => table.read(key),
      commit: (ledger, rows) => {
        commits += 1;
        return table.commit(ledger, rows);
      },
    };
    const [busy, other] = [1, 2].map(
      () => new Replica({ ...stores, alertBoards: counted }, messenger, clock, BUDGET),
    );
    const burst = Array.from({ length: 200 }, (_, i) => episodeOf(`agent-${i}`));
    const raced = Array.from({ length: 20 }, (_, i) => episodeOf(`agent-other-${i}`));
    await Promise.all([
      ...burst.map((episode) => busy.alert(episode)),
      ...raced.map((episode) => other.alert(episode)),
    ]);
    const everyone = [...burst, ...raced];
    await deliverTheRest([busy, other], everyone);

    const rows = await Promise.all(everyone.map(supervisorRow));
    assert.ok(rows.every((row) => row.status === 'sent'));
    const asCards = rows.filter((row) => row.presentation !== 'board').map((row) => row.agentId);
    const onBoard = rows.filter((row) => row.presentation === 'board').map((row) => row.agentId);
    assert.equal(asCards.length, BUDGET, 'the budget of single cards, no more');
    const posts = messenger.callsOf('postToChannel');
    assert.equal(posts.filter((call) => !isBoard(call)).length, BUDGET);
    assert.equal(posts.filter(isBoard).length, 1, 'one board');
    const board = await stores.alertBoards.read(FLOOR_KEY);
    assert.deepEqual(board.rows.map((row) => row.agentId).sort(), [...onBoard].sort());
    assert.equal(new Set([...asCards, ...onBoard]).size, everyone.length, 'every agent on exactly one card');
    assert.equal(board.ledger?.rowCount, everyone.length - BUDGET);
    const lastBoard = JSON.stringify([...messenger.calls].reverse().find(isBoard)!.card);
    assert.match(lastBoard, new RegExp(`Live drift board: ${everyone.length - BUDGET} agents drifting`));
    // Each alert wrote the ledger once or more before; queued per channel, a round writes many.
    assert.ok(commits < everyone.length / 4, `${commits} board writes for ${everyone.length} alerts`);
  });
});
