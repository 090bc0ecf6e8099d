import assert from 'node:assert/strict';
import { classifyHttpFailure, isSuccessStatus } from '../../../src/platform/http-failure';

describe('classifyHttpFailure', () => {
  it('retries what Teams and Genesys document as retryable: 429 after Retry-After, 412/502/503/504 and no answer', () => {
    assert.equal(classifyHttpFailure(429), 'throttled');
    for (const status of [412, 502, 503, 504, 0, undefined])
      assert.equal(classifyHttpFailure(status), 'transient', String(status));
  });

  it('leaves authentication, missing recipients and bad input to the caller, never to a retry', () => {
    assert.equal(classifyHttpFailure(401), 'unauthorized');
    assert.equal(classifyHttpFailure(403), 'forbidden');
    assert.equal(classifyHttpFailure(404), 'notFound');
    assert.equal(classifyHttpFailure(410), 'notFound');
    for (const status of [400, 409, 413, 422, 500, 501, 505])
      assert.equal(classifyHttpFailure(status), 'rejected', String(status));
  });

  it('counts only 2xx as success', () => {
    assert.deepEqual([199, 200, 204, 299, 300, 404, undefined].map(isSuccessStatus), [
      false,
      true,
      true,
      true,
      false,
      false,
      false,
    ]);
  });
});
