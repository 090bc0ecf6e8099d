import assert from 'node:assert/strict';
import { SupervisorChannels } from '../../../src/simulation/supervisor-channels';

const T0 = Date.UTC(2026, 7, 17, 9, 0, 0);
const MINUTE = 60_000;

describe('SupervisorChannels', () => {
  it('dilutes a card response once a supervisor gets more cards an hour than they can act on', () => {
    const channels = new SupervisorChannels(() => 'team-1', { capacityPerHour: 2, boardResponse: 0.5 });
    const factors = [0, 1, 2, 3].map((i) => channels.present(`agent-${i}`, T0 + i * MINUTE).responseFactor);
    assert.deepEqual(factors, [1, 1, 2 / 3, 2 / 4]);
    // An hour after the first cards, the supervisor keeps up again.
    assert.equal(channels.present('agent-9', T0 + 62 * MINUTE).responseFactor, 1);
  });

  it('puts alerts beyond the budget on the board, takes returning agents off it, and reports the peaks', () => {
    const channels = new SupervisorChannels((agentId) => (agentId.startsWith('a') ? 'team-a' : 'team-b'), {
      budgetPerHour: 1,
      capacityPerHour: 6,
      boardResponse: 0.5,
    });
    assert.deepEqual(channels.present('a1', T0), { presentation: 'card', responseFactor: 1 });
    assert.deepEqual(channels.present('a2', T0 + MINUTE), { presentation: 'board', responseFactor: 0.5 });
    assert.deepEqual(channels.present('b1', T0 + MINUTE), { presentation: 'card', responseFactor: 1 });
    channels.leaveBoard('a2');
    // The budget's card went out 61 minutes ago and the board is empty: a card again.
    assert.equal(channels.present('a3', T0 + 61 * MINUTE).presentation, 'card');
    assert.deepEqual(channels.stats(), {
      alerts: 4,
      cards: 3,
      boardJoins: 1,
      peakCardsInAnyHour: 1,
      peakAlertsInAnyHour: 2,
    });
  });
});
