import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { GenesysDirectory } from '../../../src/genesys/genesys-directory';
import type { GenesysRequest, GenesysRestClient } from '../../../src/genesys/genesys-rest-client';
import { GenesysScheduleCoverageChecker } from '../../../src/genesys/genesys-schedule-coverage-checker';
import { ManualClock } from '../../support/manual-clock';
import { RecordingLogger } from '../../support/recording-logger';

const AGENT = '8a4b2c1d-0e9f-4a7b-8c6d-5e4f3a2b1c0d';
const UNIT = '6f0c1e7a-3b52-4d5e-9b1a-2c7d8e9f0a11';
const OVERTIME_CODE = '0a0b0c0d-0e0f-4a1b-8c2d-3e4f5a6b7c8e';
const complete = JSON.parse(
  readFileSync(join(__dirname, '../../fixtures/genesys/agent-schedule-search-complete.json'), 'utf8'),
) as Record<string, unknown>;
const at = (iso: string): number => Date.parse(iso);
const silentLogger = new RecordingLogger();

function build(answers: Array<(request: GenesysRequest) => unknown>) {
  const requests: GenesysRequest[] = [];
  const send = async (request: GenesysRequest) => {
    requests.push(request);
    const answer = answers.shift();
    if (!answer) throw new Error('unexpected request');
    return { status: 200, data: answer(request) };
  };
  const rest = {
    send,
    get: async (path: string) => (await send({ method: 'GET', path })).data,
  } as unknown as GenesysRestClient;
  const directory = {
    getActivityCode: (id: string) =>
      id === 'timeoff-code' ? { id, name: 'Vacation', category: 'TimeOff', businessUnitId: 'bu' } : undefined,
    getUnit: () => ({ id: UNIT, name: 'Unit', timeZone: 'Europe/London' }),
  } as unknown as GenesysDirectory;
  const timers = new ManualClock();
  const real = new GenesysScheduleCoverageChecker({
    rest,
    directory,
    scheduleSearchTimeoutInMs: 10_000,
    clock: { now: () => 0 },
    logger: silentLogger,
    timers,
  });
  // The drift policy's overtime codes come with each check, as the monitor passes them.
  const checker = {
    check: (agentId: string, unitId: string, instant: number) =>
      real.check(agentId, unitId, instant, [OVERTIME_CODE]),
    onSearchNotification: (body: unknown) => real.onSearchNotification(body),
    invalidateUnit: (unitId: string) => real.invalidateUnit(unitId),
  };
  return { checker, requests, timers };
}

describe('GenesysScheduleCoverageChecker', () => {
  it('answers clear, overtime and time off from the activity covering the instant, with one search per cached window', async () => {
    const { checker, requests } = build([() => complete]);
    assert.equal(await checker.check(AGENT, UNIT, at('2026-08-20T10:00:00Z')), 'clear');
    assert.equal(await checker.check(AGENT, UNIT, at('2026-08-20T14:30:00Z')), 'overtime');
    assert.equal(await checker.check(AGENT, UNIT, at('2026-08-20T15:30:00Z')), 'timeOff');
    assert.equal(requests.length, 1);
    assert.equal(requests[0].method, 'POST');
    assert.equal(
      requests[0].path,
      `/api/v2/workforcemanagement/managementunits/${UNIT}/agentschedules/search`,
    );
    assert.deepEqual((requests[0].body as { userIds: string[] }).userIds, [AGENT]);
  });

  it('answers time off on a business-unit date with a full-day marker', async () => {
    const { checker } = build([() => complete]);
    assert.equal(await checker.check(AGENT, UNIT, at('2026-08-22T09:00:00Z')), 'timeOff');
  });

  it('treats an activity whose code is in the TimeOff category as time off', async () => {
    const result = {
      status: 'Complete',
      result: {
        agentSchedules: [
          {
            user: { id: AGENT },
            shifts: [
              {
                activities: [
                  { startDate: '2026-08-20T09:00:00Z', lengthMinutes: 60, activityCodeId: 'timeoff-code' },
                ],
              },
            ],
          },
        ],
      },
    };
    const { checker } = build([() => result]);
    assert.equal(await checker.check(AGENT, UNIT, at('2026-08-20T09:30:00Z')), 'timeOff');
  });

  it('waits for the notification of a Processing search and reads its downloadUrl', async () => {
    const { checker, requests } = build([
      () => ({ status: 'Processing', operationId: 'op-1' }),
      () => complete.result,
    ]);
    const answer = checker.check(AGENT, UNIT, at('2026-08-20T14:30:00Z'));
    await new Promise((resolve) => setImmediate(resolve));
    checker.onSearchNotification({ operationId: 'op-1', downloadUrl: 'https://download.example/op-1' });
    assert.equal(await answer, 'overtime');
    assert.equal(requests[1].path, 'https://download.example/op-1');
  });

  it('answers unavailable at once when the completion notification reports an error', async () => {
    const { checker, timers } = build([() => ({ status: 'Processing', operationId: 'op-3' })]);
    const answer = checker.check(AGENT, UNIT, at('2026-08-20T14:30:00Z'));
    await new Promise((resolve) => setImmediate(resolve));
    checker.onSearchNotification({
      operationId: 'op-3',
      status: 'Error',
      error: { status: 500, code: 'internal.server.error', message: 'failed' },
    });
    assert.equal(await answer, 'unavailable');
    assert.deepEqual(timers.armedTimers(), [], 'the bound is no longer armed');
  });

  it('answers unavailable when a Processing search never completes within the bound', async () => {
    const { checker, timers } = build([() => ({ status: 'Processing', operationId: 'op-2' })]);
    const answer = checker.check(AGENT, UNIT, at('2026-08-20T14:30:00Z'));
    await new Promise((resolve) => setImmediate(resolve));
    timers.advanceBy(10_000);
    assert.equal(await answer, 'unavailable');
  });

  it('answers unavailable when the lookup fails, and looks again after a schedule change', async () => {
    const { checker } = build([
      () => {
        throw new Error('HTTP 503');
      },
      () => complete,
      () => ({ status: 'Complete', result: { agentSchedules: [] } }),
    ]);
    assert.equal(await checker.check(AGENT, UNIT, at('2026-08-20T14:30:00Z')), 'unavailable');
    assert.equal(await checker.check(AGENT, UNIT, at('2026-08-20T14:30:00Z')), 'overtime');
    checker.invalidateUnit(UNIT);
    assert.equal(await checker.check(AGENT, UNIT, at('2026-08-20T14:30:00Z')), 'clear');
  });
});

describe('GenesysScheduleCoverageChecker under a burst of first nudges', () => {
  /** A search whose answer waits for the test; each answer lists every asked agent with a time-off hour. */
  function gatedChecker() {
    const searches: Array<{ userIds: string[]; answer: () => void }> = [];
    const rest = {
      send: (request: GenesysRequest) =>
        new Promise((resolve) => {
          const userIds = (request.body as { userIds: string[] }).userIds;
          const data = {
            status: 'Complete',
            result: {
              agentSchedules: userIds.map((id) => ({
                user: { id },
                shifts: [
                  {
                    activities: [
                      {
                        startDate: '2026-08-20T09:00:00Z',
                        lengthMinutes: 60,
                        activityCodeId: 'timeoff-code',
                      },
                    ],
                  },
                ],
              })),
            },
          };
          searches.push({ userIds, answer: () => resolve({ status: 200, data }) });
        }),
    } as unknown as GenesysRestClient;
    const directory = {
      getActivityCode: (id: string) =>
        id === 'timeoff-code'
          ? { id, name: 'Vacation', category: 'TimeOff', businessUnitId: 'bu' }
          : undefined,
      getUnit: () => ({ id: UNIT, name: 'Unit', timeZone: 'Europe/London' }),
    } as unknown as GenesysDirectory;
    const clock = new ManualClock();
    const checker = new GenesysScheduleCoverageChecker({
      rest,
      directory,
      scheduleSearchTimeoutInMs: 10_000,
      clock,
      logger: silentLogger,
      timers: clock,
    });
    return { checker, searches, clock };
  }

  const settle = async (): Promise<void> => {
    for (let i = 0; i < 10; i += 1) await Promise.resolve();
  };

  it('asks for the agents checked while their unit’s search is in flight together, in one next search', async () => {
    const { checker, searches } = gatedChecker();
    const instant = at('2026-08-20T09:30:00Z');
    const first = checker.check('agent-0', UNIT, instant, []);
    await settle();
    const later = Array.from({ length: 150 }, (_, i) => checker.check(`agent-${i + 1}`, UNIT, instant, []));
    await settle();
    assert.deepEqual(
      searches.map((search) => search.userIds.length),
      [1],
      'one search in flight per unit',
    );
    searches[0].answer();
    await settle();
    // The 150 who came meanwhile: 100 in the next search (the most one asks for), then the other 50.
    assert.deepEqual(
      searches.map((search) => search.userIds.length),
      [1, 100],
    );
    searches[1].answer();
    await settle();
    assert.deepEqual(
      searches.map((search) => search.userIds.length),
      [1, 100, 50],
    );
    searches[2].answer();
    assert.equal(await first, 'timeOff');
    assert.deepEqual(new Set(await Promise.all(later)), new Set(['timeOff']));
    assert.equal(searches.flatMap((search) => search.userIds).length, 151, 'every agent was searched once');
  });

  it('fetches schedules ahead of need in searches paced apart, and a due check sends its unit’s waiting one at once', async () => {
    const { checker, searches, clock } = gatedChecker();
    const instant = at('2026-08-20T09:30:00Z');
    checker.prepare('agent-north-1', 'unit-north', instant);
    checker.prepare('agent-south-1', 'unit-south', instant);
    checker.prepare('agent-south-2', 'unit-south', instant);
    checker.prepare('agent-east-1', 'unit-east', instant);
    await settle();
    assert.deepEqual(
      searches.map((search) => search.userIds),
      [['agent-north-1']],
      'the first goes at once; the next ones wait for their turn',
    );
    clock.advanceBy(499);
    await settle();
    assert.equal(searches.length, 1);
    clock.advanceBy(1);
    await settle();
    assert.deepEqual(searches.at(-1)?.userIds, ['agent-south-1', 'agent-south-2']);

    // A nudge falls due for an agent of the unit still waiting: its search goes now, with the agent in it.
    const due = checker.check('agent-east-2', 'unit-east', instant, []);
    await settle();
    assert.deepEqual(searches.at(-1)?.userIds, ['agent-east-1', 'agent-east-2']);
    for (const search of searches) search.answer();
    assert.equal(await due, 'timeOff');

    // The agents fetched ahead are answered from the cache when their own nudge falls due.
    await settle();
    const searched = searches.length;
    assert.equal(await checker.check('agent-south-2', 'unit-south', instant, []), 'timeOff');
    assert.equal(await checker.check('agent-north-1', 'unit-north', instant, []), 'timeOff');
    assert.equal(searches.length, searched, 'no search for what was fetched ahead');
  });

  it('sends every fetch-ahead search of a unit waiting for its turn as soon as a check of the unit is due', async () => {
    const { checker, searches } = gatedChecker();
    const instant = at('2026-08-20T09:30:00Z');
    checker.prepare('agent-0', UNIT, instant);
    await settle();
    for (let i = 1; i <= 150; i += 1) checker.prepare(`agent-${i}`, UNIT, instant);
    await settle();
    assert.deepEqual(
      searches.map((search) => search.userIds.length),
      [1],
    );
    searches[0].answer();
    await settle();
    assert.equal(searches.length, 1, 'the next 100 wait for their paced turn');

    const due = checker.check('agent-late', UNIT, instant, []);
    await settle();
    assert.deepEqual(
      searches.map((search) => search.userIds.length),
      [1, 100],
      'the waiting full search goes at once',
    );
    searches[1].answer();
    await settle();
    assert.deepEqual(
      searches.map((search) => search.userIds.length),
      [1, 100, 51],
    );
    assert.ok(searches[2].userIds.includes('agent-late'));
    searches[2].answer();
    assert.equal(await due, 'timeOff');
  });
});
