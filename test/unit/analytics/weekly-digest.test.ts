import assert from 'node:assert/strict';
import { localWeekStarting } from '../../../src/analytics/local-calendar';
import { buildWeeklyDigest } from '../../../src/analytics/weekly-digest';
import type { DriftOutcome } from '../../../src/domain/drift-episode';
import { endedEpisode } from '../../support/digest-fixtures';

const HOUR = 3_600_000;
const LAST_MONDAY = Date.UTC(2026, 7, 17);
const MONDAY_BEFORE = Date.UTC(2026, 7, 10);

function episodes(
  monday: number,
  outcomes: readonly DriftOutcome[],
  category = 'OnQueueWork',
  hour = 9,
): ReturnType<typeof endedEpisode>[] {
  return outcomes.map((outcome, index) =>
    endedEpisode({
      agentId: `agent-${index % 3}`,
      agentName: ['Ana Alvarez', 'Ben Brown', 'Cai Chen'][index % 3],
      managementUnitId: 'mu-north',
      startedAt: monday + (index % 5) * 24 * HOUR + hour * HOUR + index * 60_000,
      outcome,
      scheduledActivityCategory: category,
    }),
  );
}

describe('weekly digest', () => {
  const records = [
    ...episodes(MONDAY_BEFORE, [
      'becameFormalException',
      'becameFormalException',
      'becameFormalException',
      'becameFormalException',
      'resolvedAfterNudge',
      'resolvedAfterNudge',
      'resolvedAfterSupervisorAlert',
      'resolvedBeforeNudge',
    ]),
    ...episodes(LAST_MONDAY, [
      'becameFormalException',
      'resolvedAfterNudge',
      'resolvedAfterNudge',
      'resolvedAfterNudge',
    ]),
    ...episodes(LAST_MONDAY, ['resolvedAfterSupervisorAlert', 'resolvedAfterSupervisorAlert'], 'Break', 13),
    ...episodes(LAST_MONDAY, ['resolvedBeforeNudge', 'resolvedBeforeNudge'], 'Meal', 12),
    // Two weeks before and this week: neither counts.
    ...episodes(Date.UTC(2026, 7, 3), ['becameFormalException']),
    ...episodes(Date.UTC(2026, 7, 24), ['becameFormalException']),
  ];
  const digest = buildWeeklyDigest(records, {
    week: localWeekStarting('2026-08-17', 'UTC'),
    timeZone: 'UTC',
    now: Date.UTC(2026, 7, 24, 8, 0),
  });

  it('compares last week with the week before: episodes, nudges, supervisor alerts and formal exceptions', () => {
    assert.equal(digest.weekBefore.weekStart, '2026-08-10');
    assert.deepEqual(digest.figuresBefore, {
      episodes: 8,
      nudges: { sent: 7, resolvedAfter: 2, resolutionRate: 2 / 7 },
      supervisorAlerts: { sent: 5, resolvedAfter: 1, resolutionRate: 1 / 5 },
      formalExceptions: 4,
      driftMinutes: 4 * 22 + 2 * 8 + 13 + 3,
    });
    assert.deepEqual(digest.figures, {
      episodes: 8,
      nudges: { sent: 6, resolvedAfter: 3, resolutionRate: 3 / 6 },
      supervisorAlerts: { sent: 3, resolvedAfter: 2, resolutionRate: 2 / 3 },
      formalExceptions: 1,
      driftMinutes: 22 + 3 * 8 + 2 * 13 + 2 * 3,
    });
    assert.deepEqual(digest.changePercent, {
      episodes: 0,
      nudges: -14,
      supervisorAlerts: -40,
      formalExceptions: -75,
    });
  });

  it('lists the activities and hours where drift started most last week', () => {
    assert.deepEqual(
      digest.topActivities.map((row) => [row.activity, row.episodes]),
      [
        ['OnQueueWork', 4],
        ['Break', 2],
        ['Meal', 2],
      ],
    );
    assert.deepEqual(
      digest.peakHours.map((row) => [row.hour, row.episodes]),
      [
        [9, 4],
        [13, 2],
        [12, 2],
      ],
    );
  });

  it('holds no per-agent figure, so nothing built from it can rank people', () => {
    const json = JSON.stringify(digest);
    for (const name of ['Ana Alvarez', 'Ben Brown', 'Cai Chen', 'agent-0', 'agent-1'])
      assert.ok(!json.includes(name), name);
  });

  it('gives no change in percent from a week with none', () => {
    const quiet = buildWeeklyDigest(episodes(LAST_MONDAY, ['resolvedAfterNudge']), {
      week: localWeekStarting('2026-08-17', 'UTC'),
      timeZone: 'UTC',
      now: Date.UTC(2026, 7, 24, 8, 0),
    });
    assert.deepEqual(quiet.changePercent, {
      episodes: null,
      nudges: null,
      supervisorAlerts: null,
      formalExceptions: null,
    });
    assert.equal(quiet.figuresBefore.nudges.resolutionRate, null);
  });
});
