import assert from 'node:assert/strict';
import fc from 'fast-check';
import type { AgentDriftState } from '../../../src/domain/drift-episode';
import { DEFAULT_CLOCK_SKEW_ALLOWANCE_MS } from '../../../src/domain/drift-policy';
import { MINUTE, T0 } from '../../support/drift-fixtures';
import { adherenceFrameText, startFramePath, type FramePath } from '../../support/frame-path';

const UNIT = 'mu-field';
const OTHER_UNIT = 'mu-other';
const TARGET = 'agent-target';
const BYSTANDER = 'agent-bystander';
const CALM = 'agent-calm';
const iso = (at: number): string => new Date(at).toISOString();

/** What one junk frame is, before it is given its arrival instant. */
type Junk =
  | { readonly kind: 'json'; readonly value: unknown }
  | { readonly kind: 'bytes'; readonly text: string }
  | { readonly kind: 'mutated'; readonly field: string; readonly value: unknown; readonly state: string }
  | { readonly kind: 'dated'; readonly changeTime: string | number; readonly state: string }
  | { readonly kind: 'older'; readonly backMs: number; readonly state: string }
  | { readonly kind: 'repeat'; readonly back: number };

const STATES = ['OutOfAdherence', 'InAdherence', 'Unknown', 'Explained', 'Ignored', 'Unscheduled'];
const junkArb: fc.Arbitrary<Junk> = fc.oneof(
  fc.record({ kind: fc.constant('json' as const), value: fc.jsonValue({ maxDepth: 3 }) }),
  fc.record({ kind: fc.constant('bytes' as const), text: fc.string({ maxLength: 80 }) }),
  fc.record({
    kind: fc.constant('mutated' as const),
    field: fc.constantFrom(
      'adherenceState',
      'adherenceChangeTime',
      'impact',
      'isOutOfOffice',
      'adherenceExplanation',
      'managementUnitId',
      'user',
      'team',
      'scheduledActivityCode',
      'removedFromManagementUnit',
    ),
    value: fc.oneof(
      fc.jsonValue({ maxDepth: 2 }),
      fc.constantFrom('OutOfAdherence', 'Positive', 'Approved', '', 'not a date', '2099-01-01T00:00:00.000Z'),
      fc.record({ status: fc.constantFrom('Approved', 'Pending', 'Denied', 'Bogus') }),
    ),
    state: fc.constantFrom(...STATES),
  }),
  fc.record({
    kind: fc.constant('dated' as const),
    changeTime: fc.oneof(
      fc.constantFrom(
        '2099-01-01T00:00:00.000Z',
        '1970-01-01T00:00:00.000Z',
        '0001-01-01T00:00:00.000Z',
        '+275760-09-13T00:00:00.000Z',
        'yesterday',
      ),
      // Offsets from arrival: far future, just inside and outside the allowance, days ago.
      fc.constantFrom(
        365 * 24 * 60 * MINUTE,
        DEFAULT_CLOCK_SKEW_ALLOWANCE_MS - 1_000,
        DEFAULT_CLOCK_SKEW_ALLOWANCE_MS + 1_000,
        -25 * 60 * MINUTE,
        -40 * 24 * 60 * MINUTE,
      ),
    ),
    state: fc.constantFrom(...STATES),
  }),
  fc.record({
    kind: fc.constant('older' as const),
    backMs: fc.integer({ min: 1, max: 3 * 60 * MINUTE }),
    state: fc.constantFrom(...STATES),
  }),
  fc.record({ kind: fc.constant('repeat' as const), back: fc.nat(6) }),
);

const runArb = fc.record({
  junk: fc.array(fc.record({ gapMs: fc.integer({ min: 0, max: 4 * MINUTE }), junk: junkArb }), {
    minLength: 1,
    maxLength: 25,
  }),
  currentState: fc.constantFrom('OutOfAdherence'),
});

/** The text of one junk frame arriving at `at` for the target agent. */
function textOf(junk: Junk, at: number, sent: readonly string[]): string {
  const frame = (state: string, changeTime: string, extra: Record<string, unknown> = {}) =>
    adherenceFrameText({
      agentId: TARGET,
      managementUnitId: UNIT,
      adherenceState: state,
      adherenceChangeTime: changeTime,
      extra,
    });
  switch (junk.kind) {
    case 'json':
      return JSON.stringify(junk.value) ?? 'undefined';
    case 'bytes':
      return junk.text;
    case 'mutated':
      return frame(junk.state, iso(at - MINUTE), { [junk.field]: junk.value });
    case 'dated':
      return frame(
        junk.state,
        typeof junk.changeTime === 'string' ? junk.changeTime : iso(at + junk.changeTime),
      );
    case 'older':
      return frame(junk.state, iso(at - junk.backMs));
    case 'repeat':
      return sent[sent.length - 1 - junk.back] ?? frame('Unknown', iso(at));
  }
}

async function startWorld(): Promise<FramePath> {
  const agents = [TARGET, BYSTANDER, CALM].map((id, i) => ({
    id,
    name: id,
    managementUnitId: i === 2 ? OTHER_UNIT : UNIT,
  }));
  const path = await startFramePath({
    startAt: T0 - 3 * MINUTE,
    agents,
    units: [
      { id: UNIT, name: 'Field' },
      { id: OTHER_UNIT, name: 'Other' },
    ],
  });
  // Other agents of the same and of another unit: one drifting since T0 - 2 min, one in adherence.
  await path.receive(
    adherenceFrameText({
      agentId: BYSTANDER,
      managementUnitId: UNIT,
      adherenceState: 'OutOfAdherence',
      adherenceChangeTime: iso(T0 - 2 * MINUTE),
    }),
    T0 - 2 * MINUTE + 500,
  );
  await path.receive(
    adherenceFrameText({
      agentId: CALM,
      managementUnitId: OTHER_UNIT,
      adherenceState: 'InAdherence',
      adherenceChangeTime: iso(T0 - 3 * MINUTE),
    }),
    T0 - 2 * MINUTE + 600,
  );
  return path;
}

interface Bystanders {
  readonly states: (AgentDriftState | undefined)[];
  readonly sent: string[];
}

async function bystandersOf(path: FramePath): Promise<Bystanders> {
  return {
    states: [
      await path.stateStore.get({ managementUnitId: UNIT, agentId: BYSTANDER }),
      await path.stateStore.get({ managementUnitId: OTHER_UNIT, agentId: CALM }),
    ],
    sent: path.notifier.deliveries
      .filter((d) => d.alert.agentId !== TARGET)
      .map((d) => `${d.alert.id}@${d.at}`),
  };
}

describe('the frame path after junk (property)', function () {
  it('applies a well-formed current event after any junk, alerts on time, and leaves other agents untouched', async () => {
    // What the other agents see when no junk comes at all, up to an instant after all their checks.
    const reference = await startWorld();
    await reference.advanceTo(T0 + 60 * MINUTE);
    const expected = await bystandersOf(reference);
    assert.equal(expected.sent.length, 2, 'the bystander is nudged and alerted');

    await fc.assert(
      fc.asyncProperty(runArb, async ({ junk, currentState }) => {
        const path = await startWorld();
        const sent: string[] = [];
        let at = T0;
        for (const step of junk) {
          at += step.gapMs;
          const text = textOf(step.junk, at, sent);
          sent.push(text);
          await path.receive(text, at);
        }
        // The current event: the agent leaves their schedule now, reported with a sound change time.
        const changeAt = Math.max(at + DEFAULT_CLOCK_SKEW_ALLOWANCE_MS + 1_000, T0 + 3 * MINUTE);
        await path.receive(
          adherenceFrameText({
            agentId: TARGET,
            managementUnitId: UNIT,
            adherenceState: currentState,
            adherenceChangeTime: iso(changeAt),
          }),
          changeAt + 500,
        );
        const state = await path.stateStore.get({ managementUnitId: UNIT, agentId: TARGET });
        assert.equal(state?.lastAdherenceState, 'OutOfAdherence', 'the current event is applied');
        const episode = state?.episode;
        assert.ok(episode !== undefined && episode.endedAt === undefined, 'an open episode');
        assert.equal(episode.suppression, undefined, 'nothing holds it');
        const start = episode.clockStartedAt ?? episode.driftStartedAt;
        assert.ok(start <= changeAt, 'its clock started by the current event at the latest');
        await path.advanceTo(Math.max(changeAt, T0 + 60 * MINUTE) + 11 * MINUTE);
        const alerts = path.notifier.deliveries.filter(
          (d) => d.alert.episodeId === episode.id && d.alert.kind === 'supervisorAlert',
        );
        assert.equal(alerts.length, 1, 'the supervisor is alerted once');
        assert.ok(alerts[0].at >= start + 10 * MINUTE, 'never before the threshold');
        assert.ok(alerts[0].at <= Math.max(changeAt + 500, start + 10 * MINUTE), 'on time');
        for (const nudge of path.notifier.deliveries.filter(
          (d) => d.alert.episodeId === episode.id && d.alert.kind === 'nudge',
        ))
          assert.ok(nudge.at >= start + 6 * MINUTE, 'no nudge before its threshold');
        assert.deepEqual(await bystandersOf(path), expected, 'other agents untouched');
      }),
      { numRuns: Number(process.env.FRAME_PROPERTY_RUNS ?? 200) },
    );
  });
});
