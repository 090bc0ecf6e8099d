import assert from 'node:assert/strict';
import {
  digestDueInWeek,
  latestDigestDue,
  nextDigestDue,
  reportedWeekOf,
  type WeeklyTime,
} from '../../../src/analytics/digest-schedule';
import { instantOfLocalTime, localDateOf } from '../../../src/analytics/local-calendar';

const HOUR = 3_600_000;
const MONDAY_8: WeeklyTime = { isoWeekday: 1, hour: 8, minute: 0 };

/** Weekday and wall clock of an instant in a zone, e.g. "Mon 08:00". */
function localTimeOf(at: number, timeZone: string): string {
  return new Intl.DateTimeFormat('en-GB', {
    timeZone,
    weekday: 'short',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).format(at);
}

describe('weekly digest schedule', () => {
  it('is due on Monday 08:00 in the zone, whatever the offset that week (Berlin across the spring change)', () => {
    // Clocks go forward on Sunday 29 March 2026: 08:00 is 07:00Z before and 06:00Z after.
    const thursday = Date.UTC(2026, 2, 26, 12, 0);
    assert.equal(nextDigestDue(MONDAY_8, 'Europe/Berlin', thursday), Date.UTC(2026, 2, 30, 6, 0));
    assert.equal(latestDigestDue(MONDAY_8, 'Europe/Berlin', thursday), Date.UTC(2026, 2, 23, 7, 0));
  });

  it('follows the autumn change in New York and a zone without daylight saving (Kolkata, UTC+5:30)', () => {
    const wednesday = Date.UTC(2026, 9, 28, 12, 0);
    assert.equal(latestDigestDue(MONDAY_8, 'America/New_York', wednesday), Date.UTC(2026, 9, 26, 12, 0));
    assert.equal(nextDigestDue(MONDAY_8, 'America/New_York', wednesday), Date.UTC(2026, 10, 2, 13, 0));
    assert.equal(nextDigestDue(MONDAY_8, 'Asia/Kolkata', wednesday), Date.UTC(2026, 10, 2, 2, 30));
  });

  it("is due on the unit's Monday even when that is still Sunday in UTC (Sydney, southern autumn change)", () => {
    // Sydney leaves daylight saving on Sunday 5 April 2026: Monday 08:00 AEST is Sunday 22:00Z.
    const due = nextDigestDue(MONDAY_8, 'Australia/Sydney', Date.UTC(2026, 3, 3, 0, 0));
    assert.equal(due, Date.UTC(2026, 3, 5, 22, 0));
    assert.equal(localTimeOf(due, 'Australia/Sydney'), 'Mon 08:00');
  });

  it('is due exactly at the instant and not a millisecond before', () => {
    const due = Date.UTC(2026, 7, 24, 7, 0); // Monday 08:00 in London (BST)
    assert.equal(latestDigestDue(MONDAY_8, 'Europe/London', due), due);
    assert.equal(latestDigestDue(MONDAY_8, 'Europe/London', due - 1), due - 7 * 24 * HOUR);
    assert.equal(nextDigestDue(MONDAY_8, 'Europe/London', due - 1), due);
    assert.equal(nextDigestDue(MONDAY_8, 'Europe/London', due), due + 7 * 24 * HOUR);
  });

  it('sends a time the clocks skip at the first instant after the gap, and a repeated time at its first occurrence', () => {
    const sunday230: WeeklyTime = { isoWeekday: 7, hour: 2, minute: 30 };
    // Berlin skips 02:00-03:00 on 29 March 2026 and repeats 02:00-03:00 on 25 October 2026.
    assert.equal(digestDueInWeek(sunday230, '2026-03-23', 'Europe/Berlin'), Date.UTC(2026, 2, 29, 1, 0));
    assert.equal(digestDueInWeek(sunday230, '2026-10-19', 'Europe/Berlin'), Date.UTC(2026, 9, 25, 0, 30));
    // New York skips 02:00-03:00 on 8 March 2026.
    assert.equal(digestDueInWeek(sunday230, '2026-03-02', 'America/New_York'), Date.UTC(2026, 2, 8, 7, 0));
    // Lord Howe Island moves by half an hour: 02:00-02:30 is skipped on 4 October 2026.
    assert.equal(
      instantOfLocalTime('2026-10-04', 2 * 60 + 15, 'Australia/Lord_Howe'),
      Date.UTC(2026, 9, 3, 15, 30),
    );
  });

  it('keeps every due instant on the weekday and time in each zone for two years, a week apart give or take the change', () => {
    const friday1630: WeeklyTime = { isoWeekday: 5, hour: 16, minute: 30 };
    for (const timeZone of ['Europe/Berlin', 'America/Chicago', 'Australia/Sydney', 'Asia/Kolkata', 'UTC']) {
      for (const [time, words] of [
        [MONDAY_8, 'Mon 08:00'],
        [friday1630, 'Fri 16:30'],
      ] as const) {
        let due = nextDigestDue(time, timeZone, Date.UTC(2026, 0, 1));
        for (let week = 0; week < 104; week += 1) {
          assert.equal(localTimeOf(due, timeZone), words, `${timeZone} week ${week}`);
          const next = nextDigestDue(time, timeZone, due);
          assert.ok(Math.abs(next - due - 7 * 24 * HOUR) <= HOUR, `${timeZone}: ${next - due} ms apart`);
          due = next;
        }
      }
    }
  });

  it('reports the last complete local week before the due instant, with its real length', () => {
    const week = reportedWeekOf(Date.UTC(2026, 2, 30, 6, 0), 'Europe/Berlin');
    assert.equal(week.weekStart, '2026-03-23');
    assert.equal(week.from, Date.UTC(2026, 2, 22, 23, 0));
    assert.equal(week.to - week.from, 167 * HOUR, 'the week clocks went forward is an hour short');
    // A Friday digest reports the Monday-to-Sunday week before, not the week it is sent in.
    assert.equal(reportedWeekOf(Date.UTC(2026, 7, 28, 16, 30), 'UTC').weekStart, '2026-08-17');
    assert.equal(localDateOf(week.to, 'Europe/Berlin'), '2026-03-30');
  });
});
