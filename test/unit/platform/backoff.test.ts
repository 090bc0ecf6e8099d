import assert from 'node:assert/strict';
import { computeBackoffInMs } from '../../../src/platform/backoff';
import { parseRetryAfterInMs } from '../../../src/platform/retry-after';

describe('computeBackoffInMs', () => {
  const options = { baseInMs: 100, maxInMs: 5_000 };

  it('doubles the ceiling with each attempt up to the maximum', () => {
    const almostOne = () => 0.999_999;
    assert.equal(computeBackoffInMs(1, options, almostOne), 99);
    assert.equal(computeBackoffInMs(2, options, almostOne), 199);
    assert.equal(computeBackoffInMs(4, options, almostOne), 799);
    assert.equal(computeBackoffInMs(10, options, almostOne), 4_999);
    assert.equal(computeBackoffInMs(5_000, options, almostOne), 4_999);
  });

  it('spreads delays over the whole range below the ceiling (full jitter)', () => {
    assert.equal(
      computeBackoffInMs(3, options, () => 0),
      0,
    );
    assert.equal(
      computeBackoffInMs(3, options, () => 0.5),
      200,
    );
  });

  it('keeps half the ceiling fixed with equal jitter, and the whole ceiling without jitter', () => {
    assert.equal(
      computeBackoffInMs(3, { ...options, jitter: 'equal' }, () => 0),
      200,
    );
    assert.equal(
      computeBackoffInMs(3, { ...options, jitter: 'equal' }, () => 0.5),
      300,
    );
    assert.equal(
      computeBackoffInMs(3, { ...options, jitter: 'none' }, () => 0.5),
      400,
    );
    assert.equal(computeBackoffInMs(30, { ...options, jitter: 'none' }), 5_000);
  });

  it('stays within [0, maxInMs] for any attempt and random value', () => {
    for (let attempt = 0; attempt < 100; attempt++) {
      const delay = computeBackoffInMs(attempt, options);
      assert.ok(delay >= 0 && delay <= options.maxInMs, `attempt ${attempt}: ${delay}`);
    }
  });
});

describe('parseRetryAfterInMs', () => {
  const now = Date.parse('2026-08-20T14:00:00.000Z');

  it('reads delay-seconds', () => {
    assert.equal(parseRetryAfterInMs('120', now), 120_000);
    assert.equal(parseRetryAfterInMs(' 3 ', now), 3_000);
    assert.equal(parseRetryAfterInMs('1.5', now), 1_500);
    assert.equal(parseRetryAfterInMs(7, now), 7_000);
    assert.equal(parseRetryAfterInMs(['30'], now), 30_000);
  });

  it('reads an HTTP date relative to now, and a past date as zero', () => {
    assert.equal(parseRetryAfterInMs('Thu, 20 Aug 2026 14:01:30 GMT', now), 90_000);
    assert.equal(parseRetryAfterInMs('Thu, 20 Aug 2026 13:00:00 GMT', now), 0);
  });

  it('returns undefined for an absent or unreadable value', () => {
    for (const value of [undefined, null, '', '-5', 'soon', '12abc', Number.NaN, -1, []]) {
      assert.equal(parseRetryAfterInMs(value as string, now), undefined, String(value));
    }
  });
});
