import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  ALERT_BUDGET_WINDOW_MS,
  decideAlertPresentation,
  nextCardAllowedAt,
  pruneAlertHistory,
  type AlertPresentation,
} from '../../../src/domain/alert-budget';

const T0 = Date.UTC(2026, 7, 20, 9, 0, 0);
const MINUTE = 60_000;

/** A channel that follows the decisions: cards, board rows, and agents leaving the board. */
class Channel {
  readonly cardsSentAt: number[] = [];
  readonly alertsRaisedAt: number[] = [];
  boardRows = 0;

  constructor(private readonly perHour: number) {}

  alert(at: number): AlertPresentation {
    const decision = decideAlertPresentation(this, at, this.perHour);
    this.alertsRaisedAt.push(at);
    if (decision.presentation === 'card') this.cardsSentAt.push(at);
    else this.boardRows += 1;
    return decision.presentation;
  }
}

describe('alert budget', () => {
  it('sends single cards up to the budget, then puts the next alerts of the hour on the board', () => {
    const channel = new Channel(6);
    const presentations = Array.from({ length: 9 }, (_, i) => channel.alert(T0 + i * MINUTE));
    assert.deepEqual(presentations, [
      'card',
      'card',
      'card',
      'card',
      'card',
      'card',
      'board',
      'board',
      'board',
    ]);
  });

  it('names why: within budget, budget spent, board live', () => {
    const cards = [T0, T0 + MINUTE];
    assert.equal(decideAlertPresentation({ cardsSentAt: cards }, T0 + 2 * MINUTE, 3).reason, 'withinBudget');
    assert.equal(decideAlertPresentation({ cardsSentAt: cards }, T0 + 2 * MINUTE, 2).reason, 'budgetSpent');
    assert.equal(
      decideAlertPresentation(
        { cardsSentAt: cards, alertsRaisedAt: [...cards, T0 + 90 * 1000], boardRows: 1 },
        T0 + 60 * MINUTE + 30 * 1000,
        2,
      ).reason,
      'boardLive',
    );
  });

  it('goes back to single cards when the rate falls below the budget', () => {
    const channel = new Channel(2);
    assert.deepEqual(
      [T0, T0 + MINUTE, T0 + 2 * MINUTE].map((at) => channel.alert(at)),
      ['card', 'card', 'board'],
    );
    // An hour after the burst the window holds only the board row: below the budget, so a card again.
    assert.equal(channel.alert(T0 + 62 * MINUTE + 1), 'card');
  });

  it('keeps a burst on the live board while it lasts, even when a card slot frees up', () => {
    const channel = new Channel(2);
    channel.alert(T0);
    channel.alert(T0 + 30 * MINUTE);
    assert.equal(channel.alert(T0 + 50 * MINUTE), 'board');
    assert.equal(channel.alert(T0 + 55 * MINUTE), 'board');
    // The first card ages out at T0 + 60 min, but alerts keep coming: the board stays the place to look.
    assert.equal(channel.alert(T0 + 61 * MINUTE), 'board');
    // When the board is empty again (everyone back or handled), a free slot is used for a card.
    channel.boardRows = 0;
    assert.equal(channel.alert(T0 + 62 * MINUTE), 'card');
  });

  it('counts a card exactly one hour old as outside the window', () => {
    const decision = decideAlertPresentation({ cardsSentAt: [T0] }, T0 + ALERT_BUDGET_WINDOW_MS, 1);
    assert.equal(decision.presentation, 'card');
    assert.equal(
      decideAlertPresentation({ cardsSentAt: [T0] }, T0 + ALERT_BUDGET_WINDOW_MS - 1, 1).presentation,
      'board',
    );
  });

  it('says when the next single card is allowed', () => {
    const cards = [T0 + 10 * MINUTE, T0, T0 + 20 * MINUTE];
    assert.equal(nextCardAllowedAt(cards, T0 + 30 * MINUTE, 4), T0 + 30 * MINUTE);
    assert.equal(nextCardAllowedAt(cards, T0 + 30 * MINUTE, 3), T0 + ALERT_BUDGET_WINDOW_MS);
    assert.equal(nextCardAllowedAt(cards, T0 + 30 * MINUTE, 2), T0 + 10 * MINUTE + ALERT_BUDGET_WINDOW_MS);
  });

  it('prunes instants that left the window', () => {
    assert.deepEqual(pruneAlertHistory([T0, T0 + 30 * MINUTE, T0 + 31 * MINUTE], T0 + 90 * MINUTE), [
      T0 + 31 * MINUTE,
    ]);
  });

  it('never lets more than the budget of single cards into any rolling hour, and puts every alert somewhere', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 8 }),
        fc.array(fc.integer({ min: 0, max: 5 * MINUTE }), { minLength: 1, maxLength: 120 }),
        fc.array(fc.boolean(), { maxLength: 120 }),
        (perHour, gaps, leaves) => {
          const channel = new Channel(perHour);
          let at = T0;
          gaps.forEach((gap, i) => {
            at += gap;
            // Agents leave the board now and then (back in adherence or handled).
            if (leaves[i] && channel.boardRows > 0) channel.boardRows -= 1;
            channel.alert(at);
          });
          assert.equal(channel.alertsRaisedAt.length, gaps.length);
          for (const start of channel.cardsSentAt) {
            const inHour = channel.cardsSentAt.filter(
              (c) => c >= start && c < start + ALERT_BUDGET_WINDOW_MS,
            );
            assert.ok(inHour.length <= perHour, `${inHour.length} cards within an hour from ${start}`);
          }
        },
      ),
    );
  });
});
