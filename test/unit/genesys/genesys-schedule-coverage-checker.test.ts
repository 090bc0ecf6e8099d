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
