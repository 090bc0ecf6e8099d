import assert from 'node:assert/strict';
import {
  addDays,
  isLocalDate,
  localDateOf,
  localWeekOf,
  localWeeksEndingWith,
  mondayOf,
  startOfLocalDate,
} from '../../../src/analytics/local-calendar';

const HOUR = 3_600_000;

describe('local calendar', () => {
  it('starts a local day at local midnight, in summer and in winter', () => {
    assert.equal(startOfLocalDate('2026-08-20', 'Europe/Dublin'), Date.UTC(2026, 7, 19, 23, 0));
    assert.equal(startOfLocalDate('2026-01-20', 'Europe/Dublin'), Date.UTC(2026, 0, 20, 0, 0));
    assert.equal(startOfLocalDate('2026-08-20', 'America/Chicago'), Date.UTC(2026, 7, 20, 5, 0));
  });

  it('gives the week of a daylight-saving change its real length (167 hours in spring)', () => {
    const week = localWeekOf(Date.UTC(2026, 2, 29, 12, 0), 'Europe/Dublin');
    assert.equal(week.weekStart, '2026-03-23');
    assert.equal(week.to - week.from, 167 * HOUR);
  });

  it('reads the local date of an instant near midnight in the zone, not in UTC', () => {
    assert.equal(localDateOf(Date.UTC(2026, 7, 19, 23, 30), 'Europe/Dublin'), '2026-08-20');
    assert.equal(localDateOf(Date.UTC(2026, 7, 19, 23, 30), 'UTC'), '2026-08-19');
  });

  it('finds Mondays and steps over month ends', () => {
    assert.equal(mondayOf('2026-08-20'), '2026-08-17');
    assert.equal(mondayOf('2026-08-17'), '2026-08-17');
    assert.equal(mondayOf('2026-08-23'), '2026-08-17');
    assert.equal(addDays('2026-08-30', 3), '2026-09-02');
  });

  it('lists consecutive weeks oldest first, ending with the given Monday', () => {
    const weeks = localWeeksEndingWith('2026-08-17', 3, 'UTC');
    assert.deepEqual(
      weeks.map((week) => week.weekStart),
      ['2026-08-03', '2026-08-10', '2026-08-17'],
    );
    assert.equal(weeks[0].to, weeks[1].from);
  });

  it('accepts only real calendar dates', () => {
    assert.ok(isLocalDate('2028-02-29'));
    assert.ok(!isLocalDate('2026-02-29'));
    assert.ok(!isLocalDate('2026-8-1'));
  });
});
