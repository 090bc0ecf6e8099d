import assert from 'node:assert/strict';
import { TransientError } from '../../../src/platform/errors';
import { retryWithBackoff } from '../../../src/platform/retry';

function recordingSleep() {
  const waits: number[] = [];
  return { waits, sleep: async (ms: number) => void waits.push(ms) };
}

describe('retryWithBackoff', () => {
  it('returns the value once an attempt succeeds, retrying transient failures', async () => {
    const { waits, sleep } = recordingSleep();
    const attempts: number[] = [];
    const value = await retryWithBackoff(
      async (attempt) => {
        attempts.push(attempt);
        if (attempt < 3) throw new TransientError('503');
        return 'ok';
      },
      { maxAttempts: 5, sleep, random: () => 0.5, baseInMs: 100, maxInMs: 10_000 },
    );
    assert.equal(value, 'ok');
    assert.deepEqual(attempts, [1, 2, 3]);
    assert.deepEqual(waits, [50, 100]);
  });

  it('waits the Retry-After the server asked for', async () => {
    const { waits, sleep } = recordingSleep();
    let calls = 0;
    await retryWithBackoff(
      async () => {
        if (calls++ === 0) throw new TransientError('429', { retryAfterMs: 3_000 });
        return 1;
      },
      { sleep },
    );
    assert.deepEqual(waits, [3_000]);
  });

  it('throws the last error after the last attempt', async () => {
    const { waits, sleep } = recordingSleep();
    let calls = 0;
    await assert.rejects(
      retryWithBackoff(
        async () => {
          throw new TransientError(`failure ${++calls}`);
        },
        { maxAttempts: 3, sleep },
      ),
      /failure 3/,
    );
    assert.equal(waits.length, 2);
  });

  it('does not retry what shouldRetry refuses', async () => {
    const { waits, sleep } = recordingSleep();
    let calls = 0;
    await assert.rejects(
      retryWithBackoff(
        async () => {
          calls++;
          throw new Error('400 bad request');
        },
        { maxAttempts: 5, sleep },
      ),
      /400 bad request/,
    );
    assert.equal(calls, 1);
    assert.deepEqual(waits, []);
  });

  it('gives up at once and says so when Retry-After exceeds the limit', async () => {
    const { waits, sleep } = recordingSleep();
    const cause = new Error('429 Too Many Requests');
    let calls = 0;
    const error = await retryWithBackoff(
      async () => {
        calls++;
        throw cause;
      },
      {
        maxAttempts: 5,
        sleep,
        maxRetryAfterInMs: 180_000,
        shouldRetry: () => ({ retry: true, retryAfterMs: 3_600_000 }),
      },
    ).then(
      () => assert.fail('should have thrown'),
      (err: unknown) => err,
    );
    assert.ok(error instanceof TransientError);
    assert.match(error.message, /Retry-After of 3600000 ms exceeds the 180000 ms limit/);
    assert.equal(error.retryAfterMs, 3_600_000);
    assert.equal(error.cause, cause);
    assert.equal(calls, 1);
    assert.deepEqual(waits, []);
  });

  it('reports each retry before waiting', async () => {
    const { sleep } = recordingSleep();
    const seen: number[] = [];
    let calls = 0;
    await retryWithBackoff(
      async () => {
        if (calls++ < 2) throw new TransientError('x', { retryAfterMs: 10 });
        return true;
      },
      { maxAttempts: 3, sleep, onRetry: (info) => seen.push(info.attempt) },
    );
    assert.deepEqual(seen, [1, 2]);
  });

  it('grows the backoff only with backoff waits, not with Retry-After waits between them', async () => {
    const { waits, sleep } = recordingSleep();
    let calls = 0;
    await retryWithBackoff(
      async () => {
        calls++;
        if (calls === 1) throw new TransientError('503');
        if (calls === 2) throw new TransientError('429', { retryAfterMs: 1_000 });
        if (calls === 3) throw new TransientError('503');
        return 'ok';
      },
      { maxAttempts: 5, sleep, random: () => 0.5, baseInMs: 100, maxInMs: 10_000 },
    );
    assert.deepEqual(waits, [50, 1_000, 100]);
  });

  it('gives up, saying so, when the waits of one call would add up to more than the bound', async () => {
    const { waits, sleep } = recordingSleep();
    const error = await retryWithBackoff(
      async () => {
        throw new TransientError('429', { retryAfterMs: 60_000 });
      },
      { maxAttempts: 10, sleep, maxTotalWaitInMs: 150_000 },
    ).then(
      () => assert.fail('should have thrown'),
      (err: unknown) => err,
    );
    assert.deepEqual(waits, [60_000, 60_000]);
    assert.ok(error instanceof TransientError);
    assert.match(error.message, /exceed the 150000 ms limit/);
    assert.equal(error.retryAfterMs, 60_000);
  });
});
