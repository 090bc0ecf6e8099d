import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { adherenceLine, heartbeatLine } from '../../support/recorded-lines';
import { runReplay } from '../../support/replay-cli';

const T0 = Date.UTC(2026, 7, 20, 9, 0, 0);
const MINUTE = 60_000;

/** Out at `start` for `minutes`, back in after: the two frames as recorded lines. */
function drift(agentId: string, unitId: string, start: number, minutes: number): string[] {
  const outAt = T0 + start * MINUTE;
  const inAt = outAt + minutes * MINUTE;
  return [
    adherenceLine(outAt + 250, { agentId, unitId, state: 'OutOfAdherence', changedAt: outAt }),
    adherenceLine(inAt + 250, { agentId, unitId, state: 'InAdherence', changedAt: inAt }),
  ];
}

describe('npm run replay', function () {
  this.timeout(90_000);
  let dir: string;
  let recording: string;

  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'replay-cli-'));
    recording = join(dir, 'frames-2026-08-20.ndjson');
    const [a1Out, a1In] = drift('agent-1', 'unit-a', 0, 4);
    const [a2Out, a2In] = drift('agent-2', 'unit-a', 1, 11);
    const [a3Out, a3In] = drift('agent-3', 'unit-b', 2, 17);
    const lines = [
      a1Out,
      heartbeatLine(T0 + 30_000),
      a2Out,
      a3Out,
      a1In,
      'this is not json',
      '{"receivedAt":"2026-08-20T09:08:00.000Z"}',
      heartbeatLine(T0 + 9 * MINUTE),
      a2In,
      a3In,
    ];
    writeFileSync(recording, `${lines.join('\n')}\n`);
  });

  after(() => rmSync(dir, { recursive: true, force: true }));

  it('prints the counts as one JSON object on the last line with --json', async () => {
    const run = await runReplay(['--events', recording, '--json']);
    assert.equal(run.code, 0, run.stderr);
    const last = run.stdout.trim().split('\n').pop()!;
    assert.equal(
      last,
      JSON.stringify({
        events: 6,
        badLines: [
          { line: 6, reason: 'not JSON' },
          { line: 7, reason: 'no frame' },
        ],
        units: {
          'unit-a': { episodes: 2, nudges: 1, supervisorAlerts: 1, formalExceptions: 0 },
          'unit-b': { episodes: 1, nudges: 1, supervisorAlerts: 1, formalExceptions: 1 },
        },
        totals: { episodes: 3, nudges: 2, supervisorAlerts: 2, formalExceptions: 1 },
      }),
    );
  });

  it('replays with other thresholds and prints a table per unit', async () => {
    const run = await runReplay([
      '--events',
      recording,
      '--nudge',
      'PT3M',
      '--supervisor',
      'PT5M',
      '--exception',
      'PT10M',
    ]);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /unit-a\s+2\s+2\s+1\s+1\n/);
    assert.match(run.stdout, /unit-b\s+1\s+1\s+1\s+1\n/);
    assert.match(run.stdout, /total\s+3\s+3\s+2\s+2\n/);
    assert.match(run.stdout, /6 events replayed, 2 bad lines/);
    assert.match(run.stdout, /line 6: not JSON/);
  });

  it('refuses thresholds out of order, naming the flags', async () => {
    const run = await runReplay(['--events', recording, '--nudge', 'PT12M']);
    assert.equal(run.code, 2);
    assert.match(run.stderr, /--supervisor: PT10M must be longer than --nudge \(PT12M\)/);
  });

  it('names a recording it cannot read and an unknown flag', async () => {
    const missing = await runReplay(['--events', join(dir, 'nope.ndjson')]);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /--events .*nope\.ndjson: cannot be read \(ENOENT\)/);
    const unknown = await runReplay(['--events', recording, '--nudges', 'PT5M']);
    assert.equal(unknown.code, 2);
    assert.match(unknown.stderr, /--nudges/);
  });
});
