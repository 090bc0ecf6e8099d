import assert from 'node:assert/strict';
import { AlertBoardLedger } from '../../../src/app/alert-board-ledger';
import type { AlertBoardStore } from '../../../src/app/ports/alert-board-store';
import { emptyLedger, type BoardRow, type ChannelAlertLedger } from '../../../src/domain/alert-board';
import { InMemoryAlertBoardStore } from '../../../src/storage/alert-boards/in-memory-alert-board-store';
import { TableAlertBoardStore } from '../../../src/storage/alert-boards/table-alert-board-store';
import { createTestTableService } from '../../support/azurite';
import { baseInstant } from '../../support/storage-fixtures';
import { openEpisode } from '../../support/bot-fakes';

// Channel keys carry Teams thread ids (`19:...@thread.tacv2`); agent ids may hold characters Table keys forbid.
const CHANNEL = 'channel:19:floor/ops#1?@thread.tacv2';
const OTHER_CHANNEL = 'channel:19:other@thread.tacv2';

function aRow(agentId: string, overrides: Partial<BoardRow> = {}): BoardRow {
  const episode = openEpisode({ id: `${agentId}:${baseInstant}`, agentId, driftStartedAt: baseInstant });
  return {
    agentId,
    managementUnitId: episode.managementUnitId,
    episode,
    joinedAt: baseInstant + 1,
    alertIds: [`${episode.id}|supervisorAlert|supervisorChannel`],
    ...overrides,
  };
}

function aLedger(overrides: Partial<ChannelAlertLedger> = {}): ChannelAlertLedger {
  return {
    ...emptyLedger(CHANNEL),
    version: 1,
    cards: [{ alertId: 'a|supervisorAlert|supervisorChannel', at: baseInstant }],
    recentAlertsAt: [baseInstant, baseInstant + 1],
    rowCount: 1,
    ...overrides,
  };
}

/** The AlertBoardStore contract, run against every implementation. */
export function describeAlertBoardStoreContract(
  name: string,
  createStore: () => Promise<AlertBoardStore>,
): void {
  describe(`AlertBoardStore contract: ${name}`, () => {
    let store: AlertBoardStore;
    beforeEach(async () => {
      store = await createStore();
    });

    it('creates a ledger with its rows once, and reads them back as written', async () => {
      const row = aRow('agent/1#?');
      assert.equal(await store.commit(aLedger(), { upsert: [row] }), true);
      assert.equal(await store.commit(aLedger({ version: 9 })), false, 'a second create is refused');
      const { etag, ...ledger } = (await store.get(CHANNEL))!;
      assert.ok(etag);
      assert.deepEqual(ledger, aLedger());
      assert.deepEqual(await store.getRow(CHANNEL, 'agent/1#?'), row);
      const read = await store.read(CHANNEL);
      assert.deepEqual({ ...read.ledger, etag: undefined }, { ...aLedger(), etag: undefined });
      assert.deepEqual(read.rows, [row]);
      assert.deepEqual(await store.read(OTHER_CHANNEL), { rows: [] });
      assert.equal(await store.get(OTHER_CHANNEL), undefined);
      assert.equal(await store.getRow(OTHER_CHANNEL, 'agent/1#?'), undefined);
    });

    it('writes the ledger and its rows all or nothing, guarded by the ledger version', async () => {
      await store.commit(aLedger(), { upsert: [aRow('ana')] });
      const first = (await store.get(CHANNEL))!;
      const posted = {
        ...first,
        version: 2,
        rowCount: 1,
        boardCard: { conversationId: '19:floor;messageid=7', activityId: '7', postedAt: baseInstant + 5 },
        postingSince: baseInstant + 4,
      };
      assert.equal(await store.commit(posted, { upsert: [aRow('ben')], remove: ['ana'] }), true);
      assert.equal(
        await store.commit({ ...first, version: 3 }, { upsert: [aRow('cai')] }),
        false,
        'a commit from an older read is refused',
      );
      const { ledger, rows } = await store.read(CHANNEL);
      assert.deepEqual({ ...ledger, etag: undefined }, { ...posted, etag: undefined });
      assert.deepEqual(
        rows.map((row) => row.agentId),
        ['ben'],
        'the refused commit wrote no row',
      );
      const current = (await store.get(CHANNEL))!;
      assert.equal(
        await store.commit({ ...current, rowCount: 0 }, { remove: ['nobody'] }),
        false,
        'removing a row that is not there refuses the whole commit',
      );
      assert.equal((await store.get(CHANNEL))?.rowCount, 1);
      const { boardCard: _card, postingSince: _since, ...closed } = current;
      assert.equal(await store.commit({ ...closed, version: 3, rowCount: 0 }, { remove: ['ben'] }), true);
      const after = await store.read(CHANNEL);
      assert.deepEqual(after.rows, []);
      assert.equal(after.ledger?.boardCard, undefined);
      assert.equal(after.ledger?.postingSince, undefined);
    });

    it('reads the rows of many agents at once, leaving out agents without a row and other channels', async () => {
      const agents = Array.from({ length: 31 }, (_, i) => `agent/${i}#?`);
      const onBoard = agents.filter((_, i) => i % 3 !== 0);
      assert.equal(
        await store.commit(aLedger({ rowCount: onBoard.length }), { upsert: onBoard.map((id) => aRow(id)) }),
        true,
      );
      await store.commit({ ...aLedger(), channelKey: OTHER_CHANNEL }, { upsert: [aRow(agents[0])] });
      const found = await store.getRows(CHANNEL, [...agents, 'nobody']);
      assert.deepEqual([...found.keys()].sort(), [...onBoard].sort());
      assert.deepEqual(found.get(onBoard[4]), aRow(onBoard[4]));
      assert.deepEqual([...(await store.getRows(CHANNEL, [onBoard[0]])).keys()], [onBoard[0]]);
      assert.equal((await store.getRows(CHANNEL, [])).size, 0);
    });

    it('keeps the budget and one row per agent when two instances decide alerts for one channel at once', async () => {
      // Two replicas, each with its own ledger on the same store, deciding ten alerts concurrently.
      const [a, b] = [1, 2].map(
        () => new AlertBoardLedger({ store, perHour: 3, sleep: () => Promise.resolve() }),
      );
      const rows = Array.from({ length: 10 }, (_, i) => aRow(`agent-${i}`));
      const placements = await Promise.all(
        rows.map((row, i) =>
          (i % 2 === 0 ? a : b).place(CHANNEL, row.alertIds[0], row.episode, baseInstant + i),
        ),
      );
      assert.equal(placements.filter((placement) => placement.presentation === 'card').length, 3);
      // Each alert decided again (a retry on the other instance) gets the same answer and changes nothing.
      const again = await Promise.all(
        rows.map((row, i) =>
          (i % 2 === 0 ? b : a).place(CHANNEL, row.alertIds[0], row.episode, baseInstant + 20 + i),
        ),
      );
      assert.deepEqual(
        again.map((placement) => placement.presentation),
        placements.map((placement) => placement.presentation),
      );
      const { ledger, rows: onBoard } = await store.read(CHANNEL);
      assert.equal(ledger?.cards.length, 3);
      assert.equal(ledger?.rowCount, 7);
      assert.deepEqual(
        onBoard.map((row) => row.agentId).sort(),
        placements
          .map((placement, i) => (placement.presentation === 'board' ? `agent-${i}` : undefined))
          .filter((agentId) => agentId !== undefined)
          .sort(),
      );
    });
  });
}

describeAlertBoardStoreContract('in memory', () => Promise.resolve(new InMemoryAlertBoardStore()));
describeAlertBoardStoreContract(
  'Azure Table on Azurite',
  async () => new TableAlertBoardStore((await createTestTableService(['AlertBoards'])).client('AlertBoards')),
);
