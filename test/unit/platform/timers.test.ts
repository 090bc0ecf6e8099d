import assert from 'node:assert/strict';
import { sleep } from '../../../src/platform/timers';

describe('sleep', () => {
  it('ends at once when its signal aborts, long before the delay', async () => {
    const drain = new AbortController();
    const slept = sleep(10 * 60_000, drain.signal);
    drain.abort();
    assert.equal(await slept, undefined);
  });

  it('does not wait at all when the signal is already aborted', async () => {
    assert.equal(await sleep(10 * 60_000, AbortSignal.abort()), undefined);
  });
});
