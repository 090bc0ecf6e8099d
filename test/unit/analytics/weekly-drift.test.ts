import assert from 'node:assert/strict';
import { localWeeksEndingWith } from '../../../src/analytics/local-calendar';
import { buildWeeklyDrift, percentChange } from '../../../src/analytics/weekly-drift';
import type { DriftHistoryRecord } from '../../../src/app/ports/drift-history-store';

const MINUTE = 60_000;

function exceptionAt(at: number): DriftHistoryRecord {
  return {
    episode: {
      id: `agent-1:${at}`,
      agentId: 'agent-1',
      managementUnitId: 'mu-1',
      driftStartedAt: at,
      stage: 'formalException',
      formalExceptionAt: at + 15 * MINUTE,
      endedAt: at + 20 * MINUTE,
      outcome: 'becameFormalException',
    },
    recordedAt: at + 20 * MINUTE,
  };
}

describe('weekly drift', () => {
  it('reports each week on its own, cuts the running week at now and leaves out weeks not started', () => {
    const weeks = localWeeksEndingWith('2026-08-24', 3, 'UTC');
    const now = Date.UTC(2026, 7, 19, 12, 0);
    const records = [
      exceptionAt(Date.UTC(2026, 7, 11, 9, 0)),
      exceptionAt(Date.UTC(2026, 7, 12, 9, 0)),
      exceptionAt(Date.UTC(2026, 7, 18, 9, 0)),
      exceptionAt(Date.UTC(2026, 7, 19, 13, 0)),
    ];
    const result = buildWeeklyDrift(records, weeks, { now, timeZone: 'UTC' });
    assert.deepEqual(
      result.map((week) => [week.week.weekStart, week.report.formalExceptions, week.report.to]),
      [
        ['2026-08-10', 2, Date.UTC(2026, 7, 17)],
        ['2026-08-17', 1, now],
      ],
    );
  });

  it('gives the change in whole percent, and none from zero', () => {
    assert.equal(percentChange(3, 4), -25);
    assert.equal(percentChange(4, 3), 33);
    assert.equal(percentChange(2, 0), null);
  });
});
