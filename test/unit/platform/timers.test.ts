import assert from 'node:assert/strict';
import { sleep } from '../../../src/platform/timers';

/** 'woke' if `sleeping` has settled by the next turn of the event loop, else 'asleep': no wall-clock bound involved. */
async function stateAfterOneTurn(sleeping: Promise<void>): Promise<'woke' | 'asleep'> {
  const nextTurn = new Promise<'asleep'>((resolve) => setImmediate(() => resolve('asleep')));
  return Promise.race([sleeping.then(() => 'woke' as const), nextTurn]);
}

describe('sleep', () => {
  it('ends at once when its signal aborts, long before the delay', async () => {
    const drain = new AbortController();
    const slept = sleep(10 * 60_000, drain.signal);
    assert.equal(await stateAfterOneTurn(slept), 'asleep', 'still asleep before the abort');
    drain.abort();
    assert.equal(await stateAfterOneTurn(slept), 'woke');
    assert.equal(await slept, undefined);
  });

  it('does not wait at all when the signal is already aborted', async () => {
    assert.equal(await stateAfterOneTurn(sleep(10 * 60_000, AbortSignal.abort())), 'woke');
  });
});
