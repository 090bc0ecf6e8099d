import assert from 'node:assert/strict';
import { parseInstant, parseReportQuery } from '../../../../bot/server/report-query';

const NOW = Date.UTC(2026, 7, 20, 10, 0);
const DAY = 86_400_000;

describe('report API query', () => {
  it('reads epoch milliseconds and ISO-8601 with an offset; a date alone is UTC midnight', () => {
    assert.equal(parseInstant('1787220000000'), 1787220000000);
    assert.equal(parseInstant('2026-08-20T10:00:00Z'), NOW);
    assert.equal(parseInstant('2026-08-20T12:00+02:00'), NOW);
    assert.equal(parseInstant('2026-08-20'), Date.UTC(2026, 7, 20));
    assert.equal(parseInstant('2026-08-20T10:00'), undefined, 'no offset');
    assert.equal(parseInstant('2026-02-30'), undefined, 'no such day');
    assert.equal(parseInstant('last week'), undefined);
  });

  it('defaults to the last 7 days and keeps the unit', () => {
    const parsed = parseReportQuery(new URLSearchParams('managementUnit=mu-1'), NOW);
    assert.deepEqual(parsed, {
      status: 'ok',
      query: { from: NOW - 7 * DAY, to: NOW, managementUnitId: 'mu-1' },
    });
  });

  it('allows exactly 92 days and refuses 92 days and a millisecond', () => {
    const ok = parseReportQuery(new URLSearchParams(`from=${NOW - 92 * DAY}&to=${NOW}`), NOW);
    assert.equal(ok.status, 'ok');
    const tooLong = parseReportQuery(new URLSearchParams(`from=${NOW - 92 * DAY - 1}&to=${NOW}`), NOW);
    assert.equal(tooLong.status, 'invalid');
  });

  it('refuses a period that starts in the future', () => {
    const parsed = parseReportQuery(new URLSearchParams(`from=${NOW + DAY}&to=${NOW + 2 * DAY}`), NOW);
    assert.deepEqual(parsed, { status: 'invalid', reason: '"from" is in the future' });
  });
});
