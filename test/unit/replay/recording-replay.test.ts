import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildDriftPolicy } from '../../../src/config/drift-policy-builder';
import { readOutcomeSettings } from '../../../src/config/settings';
import type { DriftPolicy } from '../../../src/domain/drift-policy';
import { formatRecordedLine } from '../../../src/genesys/frame-recording';
import { readRecordings } from '../../../src/replay/recording-files';
import { RecordingReplay, type ReplayReport } from '../../../src/replay/recording-replay';
import {
  adherenceFrame,
  adherenceLine,
  heartbeatLine,
  restoreLine,
  unitScheduleChangedLine,
} from '../../support/recorded-lines';

const T0 = Date.UTC(2026, 7, 20, 9, 0, 0);
const MINUTE = 60_000;
/** Genesys frames arrive a little after the change they report. */
const LATENCY = 300;

function policyOf(env: Record<string, string> = {}): DriftPolicy {
  return buildDriftPolicy(readOutcomeSettings(env), { activityCodes: [], units: [] }).policy;
}

/** One drift episode of `minutes` for an agent, from `startMinute`: the out and the back-in frame, with receipt instants. */
function episode(agentId: string, unitId: string, startMinute: number, minutes: number, scheduled?: string) {
  const outAt = T0 + startMinute * MINUTE;
  const inAt = outAt + minutes * MINUTE;
  return [
    {
      at: outAt + LATENCY,
      text: adherenceLine(outAt + LATENCY, {
        agentId,
        unitId,
        state: 'OutOfAdherence',
        changedAt: outAt,
        scheduled,
      }),
    },
    {
      at: inAt + LATENCY,
      text: adherenceLine(inAt + LATENCY, {
        agentId,
        unitId,
        state: 'InAdherence',
        changedAt: inAt,
        scheduled,
      }),
    },
  ];
}

async function replayLines(texts: readonly string[], policy = policyOf()): Promise<ReplayReport> {
  const replay = new RecordingReplay({ policy });
  let line = 0;
  for (const text of texts) await replay.feed({ text, line: ++line });
  return replay.finish();
}

function inOrder(...groups: { at: number; text: string }[][]): string[] {
  return groups
    .flat()
    .sort((a, b) => a.at - b.at)
    .map((entry) => entry.text);
}

describe('RecordingReplay', () => {
  it('counts episodes, nudges, supervisor alerts and formal exceptions per unit from episodes of known lengths', async () => {
    const lines = inOrder(
      episode('a1', 'u1', 0, 3),
      episode('a2', 'u1', 1, 7),
      episode('a3', 'u1', 2, 12),
      episode('a4', 'u1', 3, 20),
      episode('a5', 'u2', 0, 16),
      episode('a6', 'u2', 0, 2),
      episode('a6', 'u2', 5, 8),
      [0, 5, 10, 15, 20].map((m) => ({ at: T0 + m * MINUTE + 1, text: heartbeatLine(T0 + m * MINUTE + 1) })),
    );
    const report = await replayLines(lines);
    assert.deepEqual(report, {
      events: 14,
      badLines: [],
      units: {
        u1: { episodes: 4, nudges: 3, supervisorAlerts: 2, formalExceptions: 1 },
        u2: { episodes: 3, nudges: 2, supervisorAlerts: 1, formalExceptions: 1 },
      },
      totals: { episodes: 7, nudges: 5, supervisorAlerts: 3, formalExceptions: 2 },
    });
  });

  it('uses the thresholds it is given', async () => {
    const lines = inOrder(episode('a1', 'u1', 0, 3), episode('a2', 'u1', 1, 7), episode('a3', 'u1', 2, 12));
    const report = await replayLines(
      lines,
      policyOf({ DRIFT_NUDGE_AFTER: 'PT2M', DRIFT_SUPERVISOR_AFTER: 'PT5M', DRIFT_EXCEPTION_AFTER: 'PT8M' }),
    );
    assert.deepEqual(report.totals, { episodes: 3, nudges: 3, supervisorAlerts: 2, formalExceptions: 1 });
  });

  it('stops time at the last frame: checks due after it never fire, the open episode still counts', async () => {
    const outAt = T0;
    const lines = [
      adherenceLine(outAt + LATENCY, {
        agentId: 'a1',
        unitId: 'u1',
        state: 'OutOfAdherence',
        changedAt: outAt,
      }),
      // Another agent's frame 11 minutes later is the last thing heard: a1 was nudged and alerted, not yet an exception.
      adherenceLine(outAt + 11 * MINUTE, {
        agentId: 'a2',
        unitId: 'u1',
        state: 'InAdherence',
        changedAt: outAt + 11 * MINUTE,
      }),
    ];
    const report = await replayLines(lines);
    assert.deepEqual(report.totals, { episodes: 1, nudges: 1, supervisorAlerts: 1, formalExceptions: 0 });
  });

  it('fires a check due at the instant a frame is received before that frame', async () => {
    const lines = [
      adherenceLine(T0 + LATENCY, { agentId: 'a1', unitId: 'u1', state: 'OutOfAdherence', changedAt: T0 }),
      // Received exactly when the nudge falls due (the change itself happened a little earlier).
      adherenceLine(T0 + 6 * MINUTE, {
        agentId: 'a1',
        unitId: 'u1',
        state: 'InAdherence',
        changedAt: T0 + 6 * MINUTE - 500,
      }),
    ];
    const report = await replayLines(lines);
    assert.equal(report.totals.nudges, 1);
  });

  it('reports bad lines with their numbers and reasons, skips heartbeats silently, and goes on', async () => {
    const at = (minute: number) => new Date(T0 + minute * MINUTE).toISOString();
    const noUser = adherenceFrame({ agentId: 'a1', unitId: 'u1', state: 'OutOfAdherence', changedAt: T0 });
    delete (noUser.eventBody as Record<string, unknown>).user;
    const lines = [
      adherenceLine(T0 + LATENCY, { agentId: 'a1', unitId: 'u1', state: 'OutOfAdherence', changedAt: T0 }),
      '{"receivedAt":"2026-08-20T09:01:00.000Z","frame":{"topicName"',
      `{"receivedAt":"${at(2)}","frame":null}`,
      formatRecordedLine(T0 + 3 * MINUTE, {
        topicName: 'v2.system.socket_closing',
        eventBody: { message: 'closing' },
      }),
      formatRecordedLine(T0 + 4 * MINUTE, noUser),
      heartbeatLine(T0 + 5 * MINUTE),
      `{"frame":${JSON.stringify(noUser)}}`,
      '',
      `{"receivedAt":"yesterday","frame":{"topicName":"channel.metadata"}}`,
      formatRecordedLine(T0 + 6 * MINUTE, {
        topicName: 'v2.workforcemanagement.managementunits.u1.adherence',
        eventBody: 'x',
      }),
      adherenceLine(T0 + 20 * MINUTE, {
        agentId: 'a1',
        unitId: 'u1',
        state: 'InAdherence',
        changedAt: T0 + 20 * MINUTE,
      }),
    ];
    const report = await replayLines(lines);
    assert.deepEqual(report.badLines, [
      { line: 2, reason: 'not JSON' },
      { line: 3, reason: 'no frame' },
      { line: 4, reason: 'unknown topic v2.system.socket_closing' },
      { line: 5, reason: 'malformed body: eventBody.user.id missing' },
      { line: 7, reason: 'no receivedAt' },
      { line: 8, reason: 'empty line' },
      { line: 9, reason: 'receivedAt "yesterday" is not an ISO-8601 instant' },
      { line: 10, reason: 'malformed body: eventBody is missing or not an object' },
    ]);
    assert.equal(report.events, 2);
    assert.deepEqual(report.totals, { episodes: 1, nudges: 1, supervisorAlerts: 1, formalExceptions: 1 });
  });

  it('replays a recorded restore row (REST field names) as the service applies a restore', async () => {
    const lines = [
      restoreLine(T0 + 2 * MINUTE, { agentId: 'a1', unitId: 'u1', state: 'OutOfAdherence', changedAt: T0 }),
      adherenceLine(T0 + 7 * MINUTE, {
        agentId: 'a1',
        unitId: 'u1',
        state: 'InAdherence',
        changedAt: T0 + 7 * MINUTE,
      }),
    ];
    const report = await replayLines(lines);
    assert.equal(report.events, 2);
    assert.deepEqual(report.units, {
      u1: { episodes: 1, nudges: 1, supervisorAlerts: 0, formalExceptions: 0 },
    });
  });

  it('keeps excluded activities out of nudges and alerts but counts their episodes', async () => {
    const lines = inOrder(episode('a1', 'u1', 0, 20, 'Meeting'), episode('a2', 'u1', 0, 20, 'OnQueueWork'));
    const report = await replayLines(lines, policyOf({ DRIFT_EXCLUDED_ACTIVITIES: 'Meeting' }));
    assert.deepEqual(report.totals, { episodes: 2, nudges: 1, supervisorAlerts: 1, formalExceptions: 1 });
  });

  it('holds a unit after a recorded schedule change, as the service does (drift clocks start at the release)', async () => {
    const drift = episode('a1', 'u1', 1, 6.5);
    const withoutChange = await replayLines(drift.map((entry) => entry.text));
    const withChange = await replayLines([
      unitScheduleChangedLine(T0 + MINUTE, 'u1', ['a1']),
      ...drift.map((e) => e.text),
    ]);
    assert.equal(withoutChange.totals.nudges, 1);
    // Held for the 60-s dampening window: the 6.5-minute drift is timed from the release, so it ends before the nudge.
    assert.equal(withChange.totals.nudges, 0);
    assert.equal(withChange.events, 3);
  });

  it('merges several recordings by receivedAt and names the file in bad-line reasons', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'replay-'));
    try {
      const a = episode('a1', 'u1', 0, 12);
      const b = episode('a2', 'u2', 1, 16);
      const fileA = join(dir, 'replica-a.ndjson');
      const fileB = join(dir, 'replica-b.ndjson');
      writeFileSync(fileA, `${a[0].text}\n${a[1].text}\n`);
      writeFileSync(fileB, `${b[0].text}\r\nnot json\r\n${b[1].text}`);
      const replay = new RecordingReplay({ policy: policyOf() });
      const order: number[] = [];
      for await (const line of readRecordings([fileA, fileB])) {
        const at = /"receivedAt":"([^"]+)"/.exec(line.text)?.[1];
        if (at !== undefined) order.push(Date.parse(at));
        await replay.feed(line);
      }
      const report = await replay.finish();
      assert.deepEqual(
        order,
        [...order].sort((x, y) => x - y),
      );
      assert.deepEqual(report.badLines, [{ line: 2, reason: `${fileB}: not JSON` }]);
      assert.deepEqual(report.totals, { episodes: 2, nudges: 2, supervisorAlerts: 2, formalExceptions: 1 });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
