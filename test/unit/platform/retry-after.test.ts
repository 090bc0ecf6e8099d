import assert from 'node:assert/strict';
import { retryAfterFromHeaders } from '../../../src/platform/retry-after';

describe('retryAfterFromHeaders', () => {
  const now = Date.parse('2026-08-20T14:00:00.000Z');

  it('reads Retry-After from a Headers-like object and from a plain record, in either case', () => {
    assert.equal(
      retryAfterFromHeaders({ get: (name: string) => (name === 'retry-after' ? '7' : null) }, now),
      7_000,
    );
    assert.equal(retryAfterFromHeaders({ 'retry-after': '3' }, now), 3_000);
    assert.equal(retryAfterFromHeaders({ 'Retry-After': '4' }, now), 4_000);
  });

  it('dates an HTTP-date Retry-After from the given instant, not the machine clock', () => {
    assert.equal(retryAfterFromHeaders({ 'retry-after': 'Thu, 20 Aug 2026 14:00:30 GMT' }, now), 30_000);
  });

  it('is undefined without headers or without the header', () => {
    assert.equal(retryAfterFromHeaders(undefined, now), undefined);
    assert.equal(retryAfterFromHeaders({}, now), undefined);
    assert.equal(retryAfterFromHeaders({ get: () => null }, now), undefined);
  });
});
