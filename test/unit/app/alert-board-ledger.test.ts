import assert from 'node:assert/strict';
import { AlertBoardConflictError, AlertBoardLedger } from '../../../src/app/alert-board-ledger';
import type { AlertBoardStore } from '../../../src/app/ports/alert-board-store';
import type { DriftEpisode } from '../../../src/domain/drift-episode';
import { InMemoryAlertBoardStore } from '../../../src/storage/alert-boards/in-memory-alert-board-store';
import { openEpisode } from '../../support/bot-fakes';

const T0 = Date.UTC(2026, 7, 20, 10, 15, 0);
const CHANNEL = 'channel:19:floor@thread.tacv2';

function episodeOf(agentId: string): DriftEpisode {
  return openEpisode({ id: `${agentId}:${T0}`, agentId, driftStartedAt: T0 - 600_000 });
}

const noWait = (): Promise<void> => Promise.resolve();

/** The in-memory twin, counting the commits (ledger writes) made to it. */
class CountingStore extends InMemoryAlertBoardStore {
  commits = 0;

  override commit(...args: Parameters<InMemoryAlertBoardStore['commit']>): Promise<boolean> {
    this.commits += 1;
    return super.commit(...args);
  }
}

const alertIdOf = (episode: DriftEpisode) => `${episode.id}|supervisorAlert|supervisorChannel`;

describe('AlertBoardLedger', () => {
  it('keeps the budget and one row per agent when three replicas decide alerts for one channel at the same time', async () => {
    const store = new InMemoryAlertBoardStore();
    const replicas = [1, 2, 3].map(() => new AlertBoardLedger({ store, perHour: 4, sleep: noWait }));
    const episodes = Array.from({ length: 20 }, (_, i) => episodeOf(`agent-${i}`));
    const placements = await Promise.all(
      episodes.map((episode, i) => replicas[i % 3].place(CHANNEL, alertIdOf(episode), episode, T0 + i)),
    );
    assert.equal(placements.filter((p) => p.presentation === 'card').length, 4);
    const { ledger, rows } = await store.read(CHANNEL);
    assert.equal(ledger?.cards.length, 4);
    assert.equal(rows.length, 16);
    assert.equal(ledger?.rowCount, 16);
    assert.equal(ledger?.version, 16, 'one version per row that joined');
  });

  it('puts every agent of a burst of 300 concurrent alerts into one channel on the board once, in a handful of writes', async () => {
    const store = new CountingStore();
    const ledger = new AlertBoardLedger({ store, perHour: 6, sleep: noWait });
    const episodes = Array.from({ length: 300 }, (_, i) => episodeOf(`agent-${i}`));
    const placements = await Promise.all(
      episodes.map((episode, i) => ledger.place(CHANNEL, alertIdOf(episode), episode, T0 + i)),
    );
    const cards = episodes.filter((_, i) => placements[i].presentation === 'card');
    assert.equal(cards.length, 6, 'the budget of single cards');
    const { ledger: stored, rows } = await store.read(CHANNEL);
    const onBoard = rows.map((row) => row.agentId).sort();
    assert.deepEqual(
      onBoard,
      episodes
        .filter((_, i) => placements[i].presentation === 'board')
        .map((episode) => episode.agentId)
        .sort(),
    );
    assert.equal(new Set([...onBoard, ...cards.map((episode) => episode.agentId)]).size, 300);
    assert.equal(stored?.rowCount, 294);
    assert.equal(stored?.version, 294, 'one version per row that joined');
    // 294 rows fit in 3 transactions of at most 99 rows; the first alert's round is one more.
    assert.ok(store.commits <= 8, `${store.commits} commits for 300 alerts`);
  });

  it('applies row changes, card sends and a post claim queued together for one channel in order', async () => {
    const store = new CountingStore();
    const ledger = new AlertBoardLedger({ store, perHour: 1, sleep: noWait });
    const [x, y, z] = ['agent-x', 'agent-y', 'agent-z'].map(episodeOf);
    const ended = { ...y, endedAt: T0 + 5, outcome: 'resolvedAfterSupervisorAlert' as const };
    const [px, py, pz, yLeft, claim] = await Promise.all([
      ledger.place(CHANNEL, alertIdOf(x), x, T0),
      ledger.place(CHANNEL, alertIdOf(y), y, T0 + 1),
      ledger.place(CHANNEL, alertIdOf(z), z, T0 + 2),
      ledger.updateRow(CHANNEL, ended),
      ledger.claimBoardPost(CHANNEL, T0 + 3, 60_000),
      ledger.recordCardSent(CHANNEL, alertIdOf(x), T0 + 4),
    ]);
    assert.deepEqual(
      [px, py, pz].map((p) => p.presentation),
      ['card', 'board', 'board'],
    );
    assert.equal(yLeft, true, 'the row that joined in the same round left again');
    assert.equal(claim.kind, 'claimed');
    const { ledger: stored, rows } = await store.read(CHANNEL);
    assert.deepEqual(
      rows.map((row) => row.agentId),
      ['agent-z'],
    );
    assert.equal(stored?.rowCount, 1);
    assert.equal(stored?.postingSince, T0 + 3);
    assert.deepEqual(stored?.cards, [{ alertId: alertIdOf(x), at: T0 + 4 }]);
    assert.ok(store.commits <= 2, `${store.commits} commits`);
  });

  it('lets one instance post the board card; another waits until the claim is older than the claim time', async () => {
    const store = new InMemoryAlertBoardStore();
    const [a, b] = [1, 2].map(() => new AlertBoardLedger({ store, perHour: 1, sleep: noWait }));
    assert.equal((await a.claimBoardPost(CHANNEL, T0, 60_000)).kind, 'notNeeded', 'no row, no board');
    await a.place(CHANNEL, 'x', episodeOf('agent-x'), T0);
    await a.place(CHANNEL, 'y', episodeOf('agent-y'), T0);
    assert.equal((await a.claimBoardPost(CHANNEL, T0, 60_000)).kind, 'claimed');
    assert.deepEqual(await b.claimBoardPost(CHANNEL, T0 + 59_999, 60_000), { kind: 'busy', since: T0 });
    assert.equal(
      (await b.claimBoardPost(CHANNEL, T0 + 60_000, 60_000)).kind,
      'claimed',
      'the first poster stopped',
    );
    const location = { conversationId: '19:floor;messageid=9', activityId: '9', postedAt: T0 + 60_001 };
    await b.recordBoardPosted(CHANNEL, location);
    const claim = await a.claimBoardPost(CHANNEL, T0 + 60_002, 60_000);
    assert.equal(claim.kind, 'notNeeded');
    assert.deepEqual(claim.kind === 'notNeeded' ? claim.ledger?.boardCard : undefined, location);
  });

  it('closes a board only if no row joined since it was rendered empty', async () => {
    const store = new InMemoryAlertBoardStore();
    const ledger = new AlertBoardLedger({ store, perHour: 1, sleep: noWait });
    await ledger.place(CHANNEL, 'x', episodeOf('agent-x'), T0);
    await ledger.place(CHANNEL, 'y', episodeOf('agent-y'), T0);
    await ledger.recordBoardPosted(CHANNEL, { conversationId: 'c', activityId: 'a-1', postedAt: T0 });
    const ended = {
      ...episodeOf('agent-y'),
      endedAt: T0 + 1,
      outcome: 'resolvedAfterSupervisorAlert' as const,
    };
    assert.equal(await ledger.updateRow(CHANNEL, ended), true);
    const emptyAt = (await store.get(CHANNEL))!.version;
    await ledger.place(CHANNEL, 'z', episodeOf('agent-z'), T0 + 2);
    assert.equal(await ledger.forgetBoardCard(CHANNEL, 'a-1', emptyAt), false, 'a row joined meanwhile');
    assert.equal((await store.get(CHANNEL))?.boardCard?.activityId, 'a-1');
    const current = (await store.get(CHANNEL))!.version;
    assert.equal(await ledger.forgetBoardCard(CHANNEL, 'a-1', current), true);
    assert.equal((await store.get(CHANNEL))?.boardCard, undefined);
  });

  it('gives up with a named error when the ledger changes under every attempt', async () => {
    const store = new InMemoryAlertBoardStore();
    const alwaysChanged: AlertBoardStore = {
      get: (key) => store.get(key),
      getRow: (key, agentId) => store.getRow(key, agentId),
      getRows: (key, agentIds) => store.getRows(key, agentIds),
      read: (key) => store.read(key),
      commit: () => Promise.resolve(false),
    };
    const waits: number[] = [];
    const ledger = new AlertBoardLedger({
      store: alwaysChanged,
      perHour: 1,
      maxAttempts: 3,
      sleep: (ms) => {
        waits.push(ms);
        return Promise.resolve();
      },
      random: () => 0.999,
    });
    await assert.rejects(ledger.place(CHANNEL, 'x', episodeOf('agent-x'), T0), AlertBoardConflictError);
    assert.deepEqual(waits, [19, 39], 'a growing backoff between the attempts, none after the last');
  });
});
