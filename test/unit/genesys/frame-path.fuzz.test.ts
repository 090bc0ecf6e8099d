import assert from 'node:assert/strict';
import { SeededRandom } from '../../../src/simulator/seeded-random';
import { MINUTE, T0 } from '../../support/drift-fixtures';
import { adherenceFrameText, startFramePath } from '../../support/frame-path';

const FRAMES = Number(process.env.FUZZ_FRAMES ?? 100_000);
// A new seed each run widens what the fuzz covers; FUZZ_SEED=<n> replays a run (the seed is in the test title).
const SEED = Number(process.env.FUZZ_SEED ?? Math.floor(Math.random() * 2 ** 31));
const BATCH = 200;
const FUZZ_UNITS = ['mu-fuzz-1', 'mu-fuzz-2', ''];
const BYSTANDER_UNIT = 'mu-bystanders';
const BYSTANDERS = ['agent-steady', 'agent-escalated'];
const STATES = ['InAdherence', 'OutOfAdherence', 'Unscheduled', 'Unknown', 'Ignored', 'Explained'];
const ODD_VALUES: readonly unknown[] = [
  null,
  0,
  -1,
  1e308,
  Number.MAX_SAFE_INTEGER,
  true,
  false,
  '',
  ' ',
  'null',
  '\u0000',
  '\ud800',
  '💥',
  [],
  [1, 2],
  {},
  { id: 7 },
  { id: '' },
  { id: null },
  { toString: 'x' },
  '__proto__',
  'constructor',
];

/** One fuzz frame as socket text, and whether it is a schedule-topic frame (handled, but neither applied nor refused). */
function generate(random: SeededRandom, at: number): { text: string; isScheduleTopic: boolean } {
  const roll = random.next();
  if (roll < 0.05) return { text: randomBytes(random), isScheduleTopic: false };
  if (roll < 0.1) return { text: JSON.stringify(oddValue(random)) ?? 'undefined', isScheduleTopic: false };
  if (roll < 0.13) {
    const topic = random.pick([
      'v2.workforcemanagement.businessunits.bu-1.schedules',
      `v2.workforcemanagement.managementunits.${random.pick(FUZZ_UNITS)}.agentschedules.changed`,
      'v2.users.client.workforcemanagement.agentschedules.managementunit.search.complete',
    ]);
    return {
      text: JSON.stringify({ topicName: topic, eventBody: oddValue(random) }),
      isScheduleTopic: true,
    };
  }
  const agentId = `agent-fuzz-${random.int(0, 40)}`;
  const unitId = random.pick(FUZZ_UNITS);
  const changeAt = changeTimeOf(random, at);
  const frame = JSON.parse(
    adherenceFrameText({
      agentId,
      managementUnitId: unitId,
      adherenceState: random.chance(0.9) ? random.pick(STATES) : `Outdated${random.int(0, 9)}`,
      adherenceChangeTime: changeAt,
      impact: random.pick(['Positive', 'Negative', 'Neutral', 'Unknown', 'Sideways']),
      extra: random.chance(0.1)
        ? { adherenceExplanation: { status: random.pick(['Approved', 'Pending', 'Denied', 'Maybe']) } }
        : {},
    }),
  ) as Record<string, unknown> & { eventBody: Record<string, unknown> };
  if (random.chance(0.1)) frame.topicName = random.pick(['', 'v2.users.x.workforcemanagement.adherence', 7]);
  const mutations = random.chance(0.5) ? random.int(1, 4) : 0;
  for (let i = 0; i < mutations; i++) mutate(random, frame);
  return { text: JSON.stringify(frame), isScheduleTopic: false };
}

function changeTimeOf(random: SeededRandom, at: number): string {
  const roll = random.next();
  if (roll < 0.7) return new Date(at - random.int(0, 20 * MINUTE)).toISOString();
  if (roll < 0.8) return new Date(at + random.int(1, 400 * 24 * 60) * MINUTE).toISOString();
  if (roll < 0.9) return new Date(at - random.int(1, 400 * 24 * 60) * MINUTE).toISOString();
  return random.pick([
    '2099-01-01T00:00:00.000Z',
    '1970-01-01T00:00:00Z',
    'not a date',
    '',
    '2026-13-45T99:99:99.999Z',
  ]);
}

function mutate(
  random: SeededRandom,
  frame: { eventBody: Record<string, unknown> } & Record<string, unknown>,
): void {
  const body = frame.eventBody;
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return;
  const keys = Object.keys(body);
  if (keys.length === 0) return;
  const key = random.pick(keys);
  switch (random.int(0, 5)) {
    case 0:
      delete body[key];
      return;
    case 1:
      body[key] = oddValue(random);
      return;
    case 2:
      // A huge string (rarely, to keep the run fast).
      body[key] = random.chance(0.05)
        ? 'x'.repeat(random.int(50_000, 200_000))
        : 'y'.repeat(random.int(0, 500));
      return;
    case 3:
      frame.eventBody = random.pick([[], 'body', 0, null] as unknown[]) as Record<string, unknown>;
      return;
    case 4:
      body[`unknown${random.int(0, 9)}`] = oddValue(random);
      return;
    default:
      body.user = random.pick([{ id: 12 }, 'agent', { id: '' }, [], { name: 'no id' }] as unknown[]);
  }
}

function oddValue(random: SeededRandom): unknown {
  if (random.chance(0.2)) {
    const nested: Record<string, unknown> = {};
    for (let i = 0; i < random.int(0, 4); i++) nested[`k${i}`] = random.pick(ODD_VALUES);
    return random.chance(0.5) ? nested : [nested, random.pick(ODD_VALUES)];
  }
  return random.pick(ODD_VALUES);
}

function randomBytes(random: SeededRandom): string {
  const length = random.int(0, 300);
  let text = '';
  for (let i = 0; i < length; i++) text += String.fromCharCode(random.int(0, 0xffff));
  return text;
}

describe('the frame path under fuzz', function () {
  this.timeout(300_000);

  it(`survives ${FRAMES} generated frames, counts every refusal by reason and leaves other agents alone (FUZZ_SEED=${SEED})`, async () => {
    const problems: unknown[] = [];
    const onProblem = (error: unknown): void => {
      problems.push(error);
    };
    process.on('unhandledRejection', onProblem);
    process.on('uncaughtException', onProblem);
    try {
      const path = await startFramePath({ startAt: T0 - 30 * MINUTE });
      // Bystanders in a unit no fuzz frame names: one in adherence, one whose drift has run its whole course.
      await path.receive(
        adherenceFrameText({
          agentId: BYSTANDERS[0],
          managementUnitId: BYSTANDER_UNIT,
          adherenceState: 'InAdherence',
          adherenceChangeTime: new Date(T0 - 30 * MINUTE).toISOString(),
        }),
        T0 - 30 * MINUTE,
      );
      await path.receive(
        adherenceFrameText({
          agentId: BYSTANDERS[1],
          managementUnitId: BYSTANDER_UNIT,
          adherenceState: 'OutOfAdherence',
          adherenceChangeTime: new Date(T0 - 29 * MINUTE).toISOString(),
        }),
        T0 - 29 * MINUTE,
      );
      await path.advanceTo(T0);
      const bystandersBefore = await Promise.all(
        BYSTANDERS.map((agentId) => path.stateStore.get({ managementUnitId: BYSTANDER_UNIT, agentId })),
      );
      assert.ok(bystandersBefore.every((state) => state !== undefined));
      const appliedBefore = path.monitor.appliedObservations;
      const random = new SeededRandom(SEED);
      let scheduleFrames = 0;
      let at = T0;
      for (let i = 0; i < FRAMES; i += BATCH) {
        for (let j = i; j < Math.min(FRAMES, i + BATCH); j++) {
          at += random.int(0, 2_000);
          path.clock.set(at);
          const { text, isScheduleTopic } = generate(random, at);
          if (isScheduleTopic) scheduleFrames++;
          path.intake.acceptText(text, at);
        }
        await path.intake.flush();
        await path.advanceTo(at);
      }
      // Let every dampening hold release and every check run.
      await path.advanceTo(at + 120 * MINUTE);
      await path.intake.flush();
      await path.monitor.idle();

      const metrics = path.metrics;
      const refused = Object.values(metrics.eventsIgnoredTotal).reduce((sum, n) => sum + n, 0);
      const applied = path.monitor.appliedObservations - appliedBefore;
      assert.deepEqual(problems, [], `no crash or unhandled rejection (FUZZ_SEED=${SEED})`);
      assert.deepEqual(
        path.logger.entries
          .filter((e) => e.level === 'error')
          .map((e) => `${e.msg}: ${JSON.stringify(e.fields)}`),
        [],
        `no work failed (FUZZ_SEED=${SEED})`,
      );
      assert.equal(path.monitor.heldObservations, 0);
      assert.equal(
        applied + refused + metrics.otherTopicFrames + scheduleFrames + path.monitor.droppedObservations,
        FRAMES,
        `every frame is applied, or refused and counted with a reason (FUZZ_SEED=${SEED}): ${JSON.stringify(metrics.eventsIgnoredTotal)}`,
      );
      assert.ok(Object.keys(metrics.eventsIgnoredTotal).every((reason) => reason.length > 0));
      const bystandersAfter = await Promise.all(
        BYSTANDERS.map((agentId) => path.stateStore.get({ managementUnitId: BYSTANDER_UNIT, agentId })),
      );
      assert.deepEqual(bystandersAfter, bystandersBefore, `other agents unchanged (FUZZ_SEED=${SEED})`);
      assert.ok(applied > FRAMES / 10, 'the fuzz also reached the drift core with frames it applied');
    } finally {
      process.off('unhandledRejection', onProblem);
      process.off('uncaughtException', onProblem);
    }
  });
});
