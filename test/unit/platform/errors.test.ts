import assert from 'node:assert/strict';
import { ConfigError, TransientError } from '../../../src/platform/errors';

describe('ConfigError', () => {
  it('names every bad setting in its message and keeps the list', () => {
    const error = new ConfigError([
      { setting: 'DRIFT_NUDGE_AFTER', problem: '"abc" is not a duration' },
      { setting: 'PORT', problem: '"x" is not a port' },
    ]);
    assert.match(error.message, /2 problems/);
    assert.match(error.message, /DRIFT_NUDGE_AFTER: "abc" is not a duration/);
    assert.match(error.message, /PORT: "x" is not a port/);
    assert.deepEqual(
      error.problems.map((p) => p.setting),
      ['DRIFT_NUDGE_AFTER', 'PORT'],
    );
    assert.ok(error instanceof Error);
    assert.equal(error.name, 'ConfigError');
  });
});

describe('TransientError', () => {
  it('carries the Retry-After and the cause', () => {
    const cause = new Error('429');
    const error = new TransientError('throttled', { retryAfterMs: 3_000, cause });
    assert.equal(error.retryAfterMs, 3_000);
    assert.equal(error.cause, cause);
    assert.equal(new TransientError('reset').retryAfterMs, undefined);
  });
});
