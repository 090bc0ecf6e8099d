import assert from 'node:assert/strict';
import {
  emptyLedger,
  isBoardRowLive,
  placeAlert,
  rowAfter,
  withCardSentAt,
  type BoardRow,
  type ChannelAlertLedger,
} from '../../../src/domain/alert-board';
import type { DriftEpisode } from '../../../src/domain/drift-episode';

const T0 = Date.UTC(2026, 7, 20, 9, 0, 0);
const MINUTE = 60_000;
const CHANNEL = 'channel:19:floor@thread.tacv2';

function episodeOf(agent: string, overrides: Partial<DriftEpisode> = {}): DriftEpisode {
  const driftStartedAt = overrides.driftStartedAt ?? T0 - 10 * MINUTE;
  return {
    id: `${agent}:${driftStartedAt}`,
    agentId: agent,
    managementUnitId: 'mu-1',
    driftStartedAt,
    scheduledActivityCategory: 'OnQueueWork',
    actualActivityCategory: 'Break',
    stage: 'supervisorAlerted',
    supervisorAlertedAt: driftStartedAt + 10 * MINUTE,
    ...overrides,
  };
}

/** One channel's ledger and board rows, written as the store would: what each placement says to write. */
class ChannelBoard {
  ledger: ChannelAlertLedger = emptyLedger(CHANNEL);
  readonly rows = new Map<string, BoardRow>();

  constructor(private readonly perHour: number) {}

  alert(episode: DriftEpisode, at: number, alertId = `${episode.id}|supervisorAlert|supervisorChannel`) {
    const placement = placeAlert(
      this.ledger,
      this.rows.get(episode.agentId),
      alertId,
      episode,
      at,
      this.perHour,
    );
    if (placement.ledger) this.ledger = placement.ledger;
    if (placement.remove) this.rows.delete(placement.remove);
    if (placement.upsert) this.rows.set(placement.upsert.agentId, placement.upsert);
    assert.equal(this.ledger.rowCount, this.rows.size, 'the ledger counts the rows it has');
    return placement;
  }

  change(episode: DriftEpisode): void {
    const row = this.rows.get(episode.agentId);
    if (row === undefined) return;
    const change = rowAfter(row, episode);
    if (change.kind === 'remove') this.rows.delete(episode.agentId);
    if (change.kind === 'update') this.rows.set(episode.agentId, change.row);
    this.ledger = { ...this.ledger, rowCount: this.rows.size };
  }
}

describe('alert board ledger (pure)', () => {
  it('sends single cards up to the budget, then puts the next agents on the board, one row each', () => {
    const channel = new ChannelBoard(2);
    const agents = ['ana', 'ben', 'cai', 'dee'];
    const placements = agents.map((agent, i) => channel.alert(episodeOf(agent), T0 + i * MINUTE));
    assert.deepEqual(
      placements.map((p) => [p.presentation, p.reason]),
      [
        ['card', 'withinBudget'],
        ['card', 'withinBudget'],
        ['board', 'budgetSpent'],
        ['board', 'budgetSpent'],
      ],
    );
    assert.deepEqual(
      channel.ledger.cards.map((card) => card.alertId.split(':')[0]),
      ['ana', 'ben'],
    );
    assert.deepEqual([...channel.rows.keys()], ['cai', 'dee']);
    assert.deepEqual(channel.rows.get('cai')?.alertIds, [
      `cai:${T0 - 10 * MINUTE}|supervisorAlert|supervisorChannel`,
    ]);
    assert.equal(channel.ledger.version, 2, 'every board change moves the version; cards do not');
  });

  it('decides an alert once: a retried delivery gets the same answer and writes nothing', () => {
    const channel = new ChannelBoard(1);
    const ana = episodeOf('ana');
    const ben = episodeOf('ben');
    channel.alert(ana, T0);
    channel.alert(ben, T0 + MINUTE);
    const before = channel.ledger;
    assert.deepEqual(channel.alert(ana, T0 + 30 * MINUTE), { presentation: 'card', reason: 'decided' });
    assert.deepEqual(channel.alert(ben, T0 + 30 * MINUTE), { presentation: 'board', reason: 'decided' });
    assert.equal(channel.ledger, before);
  });

  it('refreshes the row of a retried board alert with the episode as it is now, and drops it if it ended', () => {
    const channel = new ChannelBoard(1);
    channel.alert(episodeOf('ana'), T0);
    channel.alert(episodeOf('ben'), T0 + MINUTE);
    const replied = episodeOf('ben', {
      agentReply: { by: { id: 'ben' }, at: T0 + 2 * MINUTE, reason: 'systemIssue' },
    });
    const retried = channel.alert(replied, T0 + 3 * MINUTE);
    assert.equal(retried.reason, 'decided');
    assert.equal(channel.rows.get('ben')?.episode.agentReply?.reason, 'systemIssue');
    channel.alert(
      episodeOf('ben', { endedAt: T0 + 4 * MINUTE, outcome: 'resolvedAfterSupervisorAlert' }),
      T0 + 5 * MINUTE,
    );
    assert.equal(channel.rows.has('ben'), false);
    assert.equal(channel.ledger.rowCount, 0);
  });

  it('keeps an agent on the board for a re-alert after a snooze, even when a card slot is free again', () => {
    const channel = new ChannelBoard(1);
    channel.alert(episodeOf('ana'), T0);
    const ben = episodeOf('ben');
    channel.alert(ben, T0 + MINUTE);
    const reAlert = channel.alert(
      { ...ben, reAlertedAt: T0 + 2 * 60 * MINUTE },
      T0 + 2 * 60 * MINUTE,
      `${ben.id}|supervisorReAlert|supervisorChannel`,
    );
    assert.deepEqual([reAlert.presentation, reAlert.reason], ['board', 'onBoard']);
    assert.deepEqual(channel.rows.get('ben')?.alertIds.length, 2);
    assert.equal(channel.rows.size, 1);
  });

  it('goes back to single cards once the rate falls, while the board keeps its rows', () => {
    const channel = new ChannelBoard(2);
    for (const [i, agent] of ['a', 'b', 'c'].entries()) channel.alert(episodeOf(agent), T0 + i * MINUTE);
    assert.equal(channel.rows.size, 1);
    // Two cards and a row in the hour: while the board is live and the rate holds, a freed slot does not split it.
    assert.deepEqual([channel.alert(episodeOf('d'), T0 + 60 * MINUTE + 30_000).reason], ['boardLive']);
    // Later the hour holds fewer alerts than the budget: cards again, the board keeps its rows meanwhile.
    const later = channel.alert(episodeOf('e'), T0 + 2 * 60 * MINUTE + 30_000);
    assert.deepEqual([later.presentation, later.reason], ['card', 'withinBudget']);
    assert.deepEqual([...channel.rows.keys()], ['c', 'd']);
  });

  it('never lets an episode that ended join the board, and clears an older episode of the same agent', () => {
    const channel = new ChannelBoard(1);
    channel.alert(episodeOf('ana'), T0);
    channel.alert(episodeOf('ben', { driftStartedAt: T0 - 30 * MINUTE }), T0 + MINUTE);
    assert.equal(channel.rows.get('ben')?.episode.driftStartedAt, T0 - 30 * MINUTE);
    const ended = channel.alert(
      episodeOf('cai', { endedAt: T0 + 2 * MINUTE, outcome: 'resolvedAfterSupervisorAlert' }),
      T0 + 2 * MINUTE,
    );
    assert.equal(ended.presentation, 'board');
    assert.equal(channel.rows.has('cai'), false);
    // Ben's newer episode replaces the row his older one left behind.
    channel.alert(episodeOf('ben', { driftStartedAt: T0 + MINUTE }), T0 + 12 * MINUTE);
    assert.deepEqual(
      [...channel.rows.values()].map((row) => row.episode.driftStartedAt),
      [T0 + MINUTE],
    );
  });

  it('keeps the ledger small: card instants of the last hour and at most the budget of recent alerts', () => {
    const channel = new ChannelBoard(3);
    for (let i = 0; i < 50; i += 1) channel.alert(episodeOf(`agent-${i}`), T0 + i * 5 * MINUTE);
    assert.ok(channel.ledger.recentAlertsAt.length <= 3);
    assert.ok(channel.ledger.cards.every((card) => card.at > T0 + 49 * 5 * MINUTE - 60 * MINUTE));
  });

  it('counts cards that another instance decided or sent after this alert took its instant', () => {
    // Replicas take `now` before they read the ledger, and a sent card is moved to when it was sent: a ledger can hold
    // instants later than the alert being decided. They are cards of the last hour all the same.
    const channel = new ChannelBoard(2);
    channel.alert(episodeOf('ana'), T0 + 5_000);
    channel.alert(episodeOf('ben'), T0 + 6_000);
    const late = channel.alert(episodeOf('cai'), T0 + 1_000);
    assert.equal(late.presentation, 'board', 'the budget of two cards is spent');
    assert.equal(late.reason, 'budgetSpent');
    assert.deepEqual(
      channel.ledger.cards.map((card) => card.at),
      [T0 + 5_000, T0 + 6_000],
      'and the later cards stay in the ledger',
    );
  });

  it('moves a card to when it was sent, never earlier', () => {
    const ledger = { ...emptyLedger(CHANNEL), cards: [{ alertId: 'x', at: T0 }] };
    assert.deepEqual(withCardSentAt(ledger, 'x', T0 + 5_000).cards, [{ alertId: 'x', at: T0 + 5_000 }]);
    assert.deepEqual(withCardSentAt(ledger, 'x', T0 - 5_000).cards, [{ alertId: 'x', at: T0 }]);
  });

  it('keeps rows that still need a supervisor and lets handled or ended ones go', () => {
    const by = { id: 'sam', name: 'Sam' };
    assert.equal(isBoardRowLive(episodeOf('a')), true);
    assert.equal(isBoardRowLive(episodeOf('a', { acknowledged: { by, at: T0 } })), true);
    assert.equal(
      isBoardRowLive(
        episodeOf('a', { snoozed: { by, at: T0, until: T0 + 15 * MINUTE }, suppression: 'snoozed' }),
      ),
      true,
    );
    assert.equal(
      isBoardRowLive(episodeOf('a', { endedAt: T0, outcome: 'resolvedAfterSupervisorAlert' })),
      false,
    );
    assert.equal(
      isBoardRowLive(
        episodeOf('a', {
          approvedOvertime: { by, at: T0, until: T0 + 60 * MINUTE },
          suppression: 'approvedOvertime',
        }),
      ),
      false,
    );
    const row: BoardRow = {
      agentId: 'a',
      managementUnitId: 'mu-1',
      episode: episodeOf('a'),
      joinedAt: T0,
      alertIds: [],
    };
    assert.equal(rowAfter(row, JSON.parse(JSON.stringify(episodeOf('a'))) as DriftEpisode).kind, 'none');
    assert.equal(
      rowAfter(row, episodeOf('a', { driftStartedAt: T0 })).kind,
      'none',
      "another episode's change",
    );
    assert.equal(rowAfter(row, episodeOf('a', { acknowledged: { by, at: T0 } })).kind, 'update');
    assert.equal(
      rowAfter(row, episodeOf('a', { endedAt: T0, outcome: 'resolvedAfterSupervisorAlert' })).kind,
      'remove',
    );
  });
});
