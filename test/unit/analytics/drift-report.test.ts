import assert from 'node:assert/strict';
import type { DriftHistoryRecord } from '../../../src/app/ports/drift-history-store';
import { buildDriftReport } from '../../../src/analytics/drift-report';
import type { DriftReport, DriftReportOptions } from '../../../src/analytics/drift-report';
import type { DriftEpisode } from '../../../src/domain/drift-episode';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
/** Monday 2026-08-17 00:00 UTC; the report covers one week from here. */
const FROM = Date.UTC(2026, 7, 17);
const TO = FROM + 7 * 24 * HOUR;
/** Tuesday 14:00 UTC. */
const TUE_14 = FROM + 24 * HOUR + 14 * HOUR;

let sequence = 0;

/** A history row for an episode starting `at`, lasting `minutes` (omit `minutes` for an open one). */
function row(options: {
  readonly at?: number;
  readonly minutes?: number;
  readonly agentId?: string;
  readonly agentName?: string;
  readonly recordedAt?: number;
  readonly episode?: Partial<DriftEpisode>;
}): DriftHistoryRecord {
  const agentId = options.agentId ?? 'a1';
  const driftStartedAt = options.at ?? TUE_14;
  sequence += 1;
  const endedAt = options.minutes === undefined ? undefined : driftStartedAt + options.minutes * MINUTE;
  const episode: DriftEpisode = {
    id: `${agentId}:${driftStartedAt}:${sequence}`,
    agentId,
    managementUnitId: 'mu-1',
    driftStartedAt,
    scheduledActivityCategory: 'OnQueueWork',
    stage: 'drifting',
    endedAt,
    outcome: endedAt === undefined ? undefined : 'resolvedBeforeNudge',
    ...options.episode,
  };
  return {
    episode,
    agentName: options.agentName ?? `Agent ${agentId}`,
    recordedAt: options.recordedAt ?? endedAt ?? driftStartedAt,
  };
}

const nudged = (minutes: number, extra: Partial<DriftEpisode> = {}): Partial<DriftEpisode> => ({
  stage: 'nudged',
  nudgedAt: TUE_14 + 6 * MINUTE,
  outcome: 'resolvedAfterNudge',
  ...extra,
  endedAt: TUE_14 + minutes * MINUTE,
});
const alerted = (extra: Partial<DriftEpisode> = {}): Partial<DriftEpisode> => ({
  stage: 'supervisorAlerted',
  nudgedAt: TUE_14 + 6 * MINUTE,
  supervisorAlertedAt: TUE_14 + 10 * MINUTE,
  outcome: 'resolvedAfterSupervisorAlert',
  ...extra,
});
const excepted: Partial<DriftEpisode> = {
  stage: 'formalException',
  nudgedAt: TUE_14 + 6 * MINUTE,
  supervisorAlertedAt: TUE_14 + 10 * MINUTE,
  formalExceptionAt: TUE_14 + 15 * MINUTE,
  outcome: 'becameFormalException',
};

interface Case {
  readonly name: string;
  readonly records: readonly DriftHistoryRecord[];
  readonly options?: Partial<DriftReportOptions>;
  readonly expected: Partial<DriftReport>;
}

const cases: readonly Case[] = [
  {
    name: 'reports an empty history as no episodes, no rates and no median',
    records: [],
    expected: {
      episodes: 0,
      formalExceptions: 0,
      nudges: { sent: 0, resolvedAfter: 0, resolutionRate: null },
      supervisorAlerts: { sent: 0, resolvedAfter: 0, resolutionRate: null },
      medianMinutesToResolve: null,
      driftMinutes: 0,
      topAgents: [],
      byActivity: [],
      peakHours: [],
    },
  },
  {
    name: 'counts episodes by outcome, with open ones apart',
    records: [
      row({ minutes: 3 }),
      row({ minutes: 8, episode: nudged(8) }),
      row({ minutes: 12, episode: alerted() }),
      row({ minutes: 20, episode: excepted }),
      row({ minutes: 5, episode: { outcome: 'suppressed', suppression: 'timeOff' } }),
      row({ minutes: 2, episode: { outcome: 'removedFromUnit' } }),
      row({}),
    ],
    expected: {
      episodes: 7,
      byOutcome: {
        resolvedBeforeNudge: 1,
        resolvedAfterNudge: 1,
        resolvedAfterSupervisorAlert: 1,
        becameFormalException: 1,
        suppressed: 1,
        removedFromUnit: 1,
        open: 1,
      },
      formalExceptions: 1,
    },
  },
  {
    name: 'gives the share of nudged episodes that ended before any supervisor alert',
    records: [
      row({ minutes: 3 }),
      row({ minutes: 7, episode: nudged(7) }),
      row({ minutes: 9, episode: nudged(9) }),
      row({ minutes: 12, episode: alerted() }),
    ],
    expected: {
      nudges: { sent: 3, resolvedAfter: 2, resolutionRate: 2 / 3 },
      supervisorAlerts: { sent: 1, resolvedAfter: 1, resolutionRate: 1 },
    },
  },
  {
    name: 'gives the share of supervisor alerts that ended before the formal exception',
    records: [
      row({ minutes: 12, episode: alerted() }),
      row({ minutes: 20, episode: excepted }),
      row({ minutes: 25, episode: excepted }),
      row({ minutes: 13, episode: alerted() }),
    ],
    expected: {
      formalExceptions: 2,
      supervisorAlerts: { sent: 4, resolvedAfter: 2, resolutionRate: 0.5 },
    },
  },
  {
    name: 'counts a formal exception recorded on an episode that is still open',
    records: [row({ episode: { ...excepted, outcome: undefined } })],
    expected: {
      formalExceptions: 1,
      byOutcome: {
        resolvedBeforeNudge: 0,
        resolvedAfterNudge: 0,
        resolvedAfterSupervisorAlert: 0,
        becameFormalException: 0,
        suppressed: 0,
        removedFromUnit: 0,
        open: 1,
      },
    },
  },
  {
    name: 'takes the median time to resolve over episodes that ended back in adherence only',
    records: [
      row({ minutes: 2 }),
      row({ minutes: 7, episode: nudged(7) }),
      row({ minutes: 11.5, episode: alerted() }),
      row({ minutes: 4 }),
      row({ minutes: 60, episode: excepted }),
      row({ minutes: 90, episode: { outcome: 'suppressed', suppression: 'snoozed' } }),
    ],
    expected: { medianMinutesToResolve: 5.5 },
  },
  {
    name: 'takes the middle value as the median of an odd count',
    records: [row({ minutes: 2 }), row({ minutes: 3.25 }), row({ minutes: 40 })],
    expected: { medianMinutesToResolve: 3.3 },
  },
  {
    name: 'reports only episodes that started in [from, to)',
    records: [
      row({ at: FROM - 1, minutes: 5 }),
      row({ at: FROM, minutes: 5 }),
      row({ at: TO - 1, minutes: 5 }),
      row({ at: TO, minutes: 5 }),
    ],
    expected: { episodes: 2, driftMinutes: 10 },
  },
  {
    name: 'keeps the newest row of an episode written more than once, whatever the order',
    records: (() => {
      const open = row({
        recordedAt: TUE_14 + 7 * MINUTE,
        episode: { stage: 'nudged', nudgedAt: TUE_14 + 6 * MINUTE },
      });
      const ended: DriftHistoryRecord = {
        ...open,
        episode: { ...open.episode, ...nudged(9) },
        recordedAt: TUE_14 + 9 * MINUTE,
      };
      return [ended, open];
    })(),
    expected: { episodes: 1, nudges: { sent: 1, resolvedAfter: 1, resolutionRate: 1 }, driftMinutes: 9 },
  },
  {
    name: 'counts an open episode as drifting until the end of the period',
    records: [row({ at: TO - 30 * MINUTE })],
    expected: { driftMinutes: 30 },
  },
  {
    name: 'counts suppressed and held episodes by reason',
    records: [
      row({ minutes: 20, episode: { outcome: 'suppressed', suppression: 'excludedActivity' } }),
      row({ minutes: 20, episode: { outcome: 'suppressed', suppression: 'excludedActivity' } }),
      row({ minutes: 30, episode: { outcome: 'suppressed', suppression: 'approvedOvertime' } }),
      row({ minutes: 12, episode: { ...alerted(), outcome: 'suppressed', suppression: 'snoozed' } }),
      row({ episode: { suppression: 'dampened' } }),
      row({ minutes: 5 }),
    ],
    expected: {
      suppressed: {
        excludedActivity: 2,
        approvedOvertime: 1,
        overtimeActivity: 0,
        approvedExplanation: 0,
        timeOff: 0,
        snoozed: 1,
        dampened: 1,
        positiveImpact: 0,
        outOfOffice: 0,
      },
    },
  },
  {
    name: 'leaves excused episodes out of the drift patterns but keeps snoozed and dampened drift',
    records: [
      row({
        agentId: 'ot',
        minutes: 30,
        episode: { outcome: 'suppressed', suppression: 'approvedOvertime' },
      }),
      row({
        agentId: 'meal',
        minutes: 20,
        episode: {
          outcome: 'suppressed',
          suppression: 'excludedActivity',
          scheduledActivityCategory: 'Meal',
        },
      }),
      row({
        agentId: 'snoozed',
        minutes: 12,
        episode: { ...alerted(), outcome: 'suppressed', suppression: 'snoozed' },
      }),
      row({ agentId: 'dampened', minutes: 4, episode: { outcome: 'suppressed', suppression: 'dampened' } }),
    ],
    expected: {
      episodes: 4,
      driftMinutes: 16,
      topAgents: [
        { agentId: 'snoozed', name: 'Agent snoozed', episodes: 1, minutes: 12 },
        { agentId: 'dampened', name: 'Agent dampened', episodes: 1, minutes: 4 },
      ],
      byActivity: [{ activity: 'OnQueueWork', episodes: 2, minutes: 16 }],
    },
  },
  {
    name: 'ranks agents by episodes, then minutes, then name, and lists at most `top`',
    options: { top: 3 },
    records: [
      row({ agentId: 'a', minutes: 5 }),
      row({ agentId: 'b', minutes: 7 }),
      row({ agentId: 'b', minutes: 8 }),
      row({ agentId: 'c', minutes: 30 }),
      row({ agentId: 'd', minutes: 30 }),
      row({ agentId: 'e', minutes: 1 }),
    ],
    expected: {
      topAgents: [
        { agentId: 'b', name: 'Agent b', episodes: 2, minutes: 15 },
        { agentId: 'c', name: 'Agent c', episodes: 1, minutes: 30 },
        { agentId: 'd', name: 'Agent d', episodes: 1, minutes: 30 },
      ],
    },
  },
  {
    name: "names an agent from the newest row that has a name, else by the agent's id",
    records: [
      row({ agentId: 'a', minutes: 5, agentName: 'Old Name', recordedAt: TUE_14 + HOUR }),
      row({
        agentId: 'a',
        at: TUE_14 + HOUR,
        minutes: 5,
        agentName: 'New Name',
        recordedAt: TUE_14 + 2 * HOUR,
      }),
      { ...row({ agentId: 'x', minutes: 5 }), agentName: undefined },
    ],
    expected: {
      topAgents: [
        { agentId: 'a', name: 'New Name', episodes: 2, minutes: 10 },
        { agentId: 'x', name: 'x', episodes: 1, minutes: 5 },
      ],
    },
  },
  {
    name: 'breaks drift down by scheduled activity, most episodes first, Unknown when Genesys gave none',
    records: [
      row({ minutes: 10, episode: { scheduledActivityCategory: 'Break' } }),
      row({ minutes: 6, episode: { scheduledActivityCategory: 'OnQueueWork' } }),
      row({ minutes: 4, episode: { scheduledActivityCategory: 'OnQueueWork' } }),
      row({ minutes: 3, episode: { scheduledActivityCategory: undefined } }),
    ],
    expected: {
      byActivity: [
        { activity: 'OnQueueWork', episodes: 2, minutes: 10 },
        { activity: 'Break', episodes: 1, minutes: 10 },
        { activity: 'Unknown', episodes: 1, minutes: 3 },
      ],
    },
  },
  {
    name: 'finds peak hours by the hour drift started, in UTC by default',
    records: [
      row({ at: TUE_14, minutes: 5 }),
      row({ at: TUE_14 + 50 * MINUTE, minutes: 5 }),
      row({ at: TUE_14 + 24 * HOUR + 10 * MINUTE, minutes: 20 }),
      row({ at: TUE_14 - 5 * HOUR, minutes: 30 }),
      row({ at: TUE_14 + 3 * HOUR, minutes: 8 }),
      row({ at: TUE_14 + 4 * HOUR, minutes: 8 }),
    ],
    expected: {
      timeZone: 'UTC',
      peakHours: [
        { hour: 14, episodes: 3, minutes: 30 },
        { hour: 9, episodes: 1, minutes: 30 },
        { hour: 17, episodes: 1, minutes: 8 },
      ],
    },
  },
  {
    name: "finds peak hours in the unit's time zone (Chicago is UTC-5 in August)",
    options: { timeZone: 'America/Chicago' },
    records: [
      row({ at: TUE_14, minutes: 5 }),
      row({ at: TUE_14 + 10 * MINUTE, minutes: 5 }),
      row({ at: FROM + 2 * HOUR, minutes: 5 }),
    ],
    expected: {
      timeZone: 'America/Chicago',
      peakHours: [
        { hour: 9, episodes: 2, minutes: 10 },
        { hour: 21, episodes: 1, minutes: 5 },
      ],
    },
  },
];

describe('buildDriftReport', () => {
  for (const testCase of cases) {
    it(testCase.name, () => {
      const report = buildDriftReport(testCase.records, { from: FROM, to: TO, ...testCase.options });
      const actual = Object.fromEntries(
        Object.keys(testCase.expected).map((key) => [key, report[key as keyof DriftReport]]),
      );
      assert.deepEqual(actual, testCase.expected);
    });
  }

  it('lists all 24 hours of the day in order, with the drift of each', () => {
    const report = buildDriftReport([row({ at: TUE_14, minutes: 5 }), row({ at: FROM, minutes: 2 })], {
      from: FROM,
      to: TO,
    });
    assert.deepEqual(
      report.byHourOfDay.map((h) => h.hour),
      Array.from({ length: 24 }, (_, hour) => hour),
    );
    assert.deepEqual(report.byHourOfDay[0], { hour: 0, episodes: 1, minutes: 2 });
    assert.deepEqual(report.byHourOfDay[14], { hour: 14, episodes: 1, minutes: 5 });
    assert.equal(
      report.byHourOfDay.reduce((sum, h) => sum + h.episodes, 0),
      2,
    );
  });

  it('reads the records once, so a single-pass iterable such as a generator works', () => {
    function* rows(): Generator<DriftHistoryRecord> {
      yield row({ minutes: 5 });
      yield row({ minutes: 7 });
    }
    assert.equal(buildDriftReport(rows(), { from: FROM, to: TO }).episodes, 2);
  });

  const badOptions: readonly [string, Partial<DriftReportOptions>, RegExp][] = [
    ['an empty period', { from: TO, to: TO }, /period/],
    ['a reversed period', { from: TO, to: FROM }, /period/],
    ['a zero top', { top: 0 }, /top/],
    ['a fractional top', { top: 2.5 }, /top/],
    ['an unknown time zone', { timeZone: 'Mars/Olympus_Mons' }, /time ?zone/i],
  ];
  for (const [what, options, message] of badOptions) {
    it(`refuses ${what}`, () => {
      assert.throws(
        () => buildDriftReport([], { from: FROM, to: TO, ...options }),
        (error: unknown) => error instanceof RangeError && message.test(error.message),
      );
    });
  }
});
