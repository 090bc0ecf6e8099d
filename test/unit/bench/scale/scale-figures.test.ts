import assert from 'node:assert/strict';
import type { Arrival } from '../../../bench/scale/connector-stand-in';
import {
  analyseAlerts,
  maxInAnyWindow,
  mostWithinWindow,
  missingNudgeLateness,
  parseEpisodeId,
  percentile,
} from '../../../bench/scale/scale-figures';
import { summariseProfile, type CpuProfile } from '../../../bench/scale/service-process';

const SHORT = { nudgeAfterMs: 30_000, supervisorAfterMs: 60_000 };
const T = 1_800_000_000_000;

const nudge = (agentId: string, startedAt: number, at: number): Arrival => ({
  at,
  kind: 'nudge',
  conversationId: `a:${agentId}`,
  episodeId: `${agentId}:${startedAt}`,
});
const alert = (agentId: string, startedAt: number, at: number): Arrival => ({
  at,
  kind: 'alert',
  conversationId: '19:unit@thread.tacv2',
  episodeId: `${agentId}:${startedAt}`,
});

describe('scale benchmark figures', () => {
  it('takes percentiles by nearest rank and has none of nothing', () => {
    const values = Array.from({ length: 100 }, (_, i) => 100 - i);
    assert.equal(percentile(values, 50), 50);
    assert.equal(percentile(values, 99), 99);
    assert.equal(percentile(values, 100), 100);
    assert.equal(percentile([7], 99), 7);
    assert.equal(percentile([], 99), undefined);
  });

  it('finds the most instants inside any window, wherever the window starts', () => {
    assert.equal(maxInAnyWindow([0, 999, 1000, 1500, 1999, 5000], 1000), 3);
    assert.equal(maxInAnyWindow([0, 999, 1000, 1500, 1998], 1000), 4);
    assert.equal(maxInAnyWindow([3000, 0, 10], 1000), 2);
    assert.equal(maxInAnyWindow([], 1000), 0);
  });

  it('counts the most between readings at most a window apart, never across a late reading', () => {
    const readings: Array<[number, number]> = [
      [0, 0],
      [1_000, 100],
      [60_000, 250],
      // Read late: 20 s after the one before, so the counts since 45 s ago are not all within a minute of its start.
      [80_000, 400],
      [81_000, 410],
    ];
    assert.equal(mostWithinWindow(readings, 60_000), 250);
    assert.equal(mostWithinWindow([[0, 5]], 60_000), 0);
  });

  it('reads the agent and drift start out of an episode id, agent ids with colons included', () => {
    assert.deepEqual(parseEpisodeId('agent-1:1800000000000'), { agentId: 'agent-1', driftStartedAt: T });
    assert.deepEqual(parseEpisodeId('a:b:5'), { agentId: 'a:b', driftStartedAt: 5 });
    assert.equal(parseEpisodeId('no-start'), undefined);
  });

  it('counts a second nudge of one episode and an arrival before its threshold, and times the rest', () => {
    const analysis = analyseAlerts(
      [
        nudge('a', T, T + 30_050),
        nudge('a', T, T + 31_000),
        nudge('b', T, T + 29_000),
        alert('a', T, T + 60_200),
        { at: T, kind: 'update', episodeId: `a:${T}` },
        nudge('unknown', T, T + 30_000),
      ],
      (agentId) => (agentId === 'unknown' ? undefined : SHORT),
    );
    assert.equal(analysis.nudges, 3);
    assert.equal(analysis.alerts, 1);
    assert.equal(analysis.episodesNudgedTwice, 1);
    assert.equal(analysis.episodesAlertedTwice, 0);
    assert.equal(analysis.nudgesBeforeThreshold, 1);
    assert.equal(analysis.alertsBeforeThreshold, 0);
    assert.deepEqual(analysis.latenessMs, [50, 1000, -1000, 200]);
  });

  it('times only arrivals whose due instant lies in the window', () => {
    const analysis = analyseAlerts(
      [nudge('a', T, T + 30_100), nudge('b', T + 60_000, T + 90_100)],
      () => SHORT,
      T + 60_000,
      T + 120_000,
    );
    assert.deepEqual(analysis.latenessMs, [100]);
    assert.equal(analysis.nudges, 2);
  });

  it('counts an expected nudge that never came as late by the time waited, and one of a later episode as come', () => {
    const missing = missingNudgeLateness(
      [
        { agentId: 'a', dueAt: T + 30_000 },
        { agentId: 'b', dueAt: T + 30_000 },
        { agentId: 'c', dueAt: T + 200_000 },
      ],
      [nudge('a', T + 60_000, T + 90_000)],
      30_000,
      T + 100_000,
    );
    assert.deepEqual(missing, [70_000]);
  });

  it('shares a profile out by self and total time per function, counting recursion once', () => {
    const frame = (functionName: string) => ({ functionName, url: 'file:///x.js', lineNumber: 0 });
    const profile: CpuProfile = {
      startTime: 0,
      endTime: 10,
      nodes: [
        { id: 1, callFrame: frame('(root)'), hitCount: 0, children: [2] },
        { id: 2, callFrame: frame('outer'), hitCount: 1, children: [3] },
        { id: 3, callFrame: frame('outer'), hitCount: 1, children: [4] },
        { id: 4, callFrame: frame('leaf'), hitCount: 2 },
      ],
    };
    const byName = new Map(summariseProfile(profile).map((entry) => [entry.name.split(' ')[0], entry]));
    assert.equal(byName.get('leaf')?.selfPercent, 50);
    assert.equal(byName.get('outer')?.selfPercent, 50);
    assert.equal(byName.get('outer')?.totalPercent, 100);
    assert.equal(byName.get('(root)')?.totalPercent, 100);
  });
});
