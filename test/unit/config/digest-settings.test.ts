import assert from 'node:assert/strict';
import { readSettings } from '../../../src/config/settings';
import { ConfigError } from '../../../src/platform/errors';

const host = { hostname: 'box', pid: 42 };

function digestScheduleOf(value: string | undefined) {
  const env: Record<string, string> = { LOCAL_MODE: 'true' };
  if (value !== undefined) env.DIGEST_SCHEDULE = value;
  return readSettings(env, host).notifications.digestSchedule;
}

describe('DIGEST_SCHEDULE', () => {
  it('defaults to Monday 08:00', () => {
    assert.deepEqual(digestScheduleOf(undefined), { isoWeekday: 1, hour: 8, minute: 0 });
    assert.deepEqual(digestScheduleOf(''), { isoWeekday: 1, hour: 8, minute: 0 }, 'empty counts as unset');
  });

  it('takes a weekday (three letters or in full, any case) and a 24-hour time', () => {
    assert.deepEqual(digestScheduleOf('FRI 16:30'), { isoWeekday: 5, hour: 16, minute: 30 });
    assert.deepEqual(digestScheduleOf('sunday 7:05'), { isoWeekday: 7, hour: 7, minute: 5 });
    assert.deepEqual(digestScheduleOf(' Tue  00:00 '), { isoWeekday: 2, hour: 0, minute: 0 });
  });

  it('turns the digest off with off', () => {
    assert.equal(digestScheduleOf('off'), 'off');
    assert.equal(digestScheduleOf('OFF'), 'off');
  });

  it('refuses a bad value at start, naming the setting and how to write it, beside other bad settings', () => {
    for (const bad of [
      'MONDAY',
      '08:00',
      'MON 8am',
      'MON 24:00',
      'MON 08:60',
      'MOON 08:00',
      'MON 08:00 UTC',
      'never',
    ]) {
      try {
        readSettings({ LOCAL_MODE: 'true', DIGEST_SCHEDULE: bad, TEAMS_TENANT_RPS: '80' }, host);
        assert.fail(`${bad} was accepted`);
      } catch (error) {
        assert.ok(error instanceof ConfigError, String(error));
        const problems = new Map(error.problems.map((p) => [p.setting, p.problem]));
        assert.match(
          problems.get('DIGEST_SCHEDULE') ?? '',
          /is not a weekday and time: use e\.g\. MON 08:00.*or off/,
          bad,
        );
        assert.ok(problems.has('TEAMS_TENANT_RPS'), 'every bad setting is named at once');
        assert.match(error.message, /DIGEST_SCHEDULE/);
      }
    }
  });
});
