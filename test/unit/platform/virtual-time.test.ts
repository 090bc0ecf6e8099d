import assert from 'node:assert/strict';
import { VirtualClock, VirtualScheduler } from '../../../src/platform/virtual-time';

const T0 = Date.UTC(2026, 7, 20, 9, 0, 0);

function setup() {
  const clock = new VirtualClock(T0);
  return { clock, scheduler: new VirtualScheduler(clock) };
}

describe('VirtualScheduler', () => {
  it('fires nothing until run, then fires due tasks in due order with the clock at each instant', async () => {
    const { clock, scheduler } = setup();
    const fired: [string, number][] = [];
    scheduler.schedule('b', T0 + 2_000, () => fired.push(['b', clock.now()]));
    scheduler.schedule('a', T0 + 1_000, () => fired.push(['a', clock.now()]));
    scheduler.schedule('c', T0 + 5_000, () => fired.push(['c', clock.now()]));
    assert.deepEqual(fired, []);
    assert.equal(await scheduler.runUntil(T0 + 3_000), 2);
    assert.deepEqual(fired, [
      ['a', T0 + 1_000],
      ['b', T0 + 2_000],
    ]);
    assert.equal(clock.now(), T0 + 3_000);
    assert.equal(scheduler.nextDueAt(), T0 + 5_000);
  });

  it('fires ties in the order they were scheduled and replaces a task scheduled again under its key', async () => {
    const { scheduler } = setup();
    const fired: string[] = [];
    scheduler.schedule('x', T0 + 1_000, () => fired.push('x-old'));
    scheduler.schedule('y', T0 + 1_000, () => fired.push('y'));
    scheduler.schedule('x', T0 + 1_000, () => fired.push('x-new'));
    scheduler.schedule('z', T0 + 1_000, () => fired.push('z'));
    scheduler.cancel('z');
    await scheduler.runUntil(T0 + 1_000);
    assert.deepEqual(fired, ['y', 'x-new']);
    assert.equal(scheduler.size(), 0);
  });

  it('lets asynchronous work of a task schedule more before the next task fires', async () => {
    const { clock, scheduler } = setup();
    const fired: [string, number][] = [];
    let work: Promise<void> = Promise.resolve();
    scheduler.schedule('first', T0 + 1_000, () => {
      work = (async () => {
        await Promise.resolve();
        scheduler.schedule('follow-up', clock.now() + 500, () => fired.push(['follow-up', clock.now()]));
      })();
    });
    scheduler.schedule('second', T0 + 2_000, () => fired.push(['second', clock.now()]));
    await scheduler.runUntil(T0 + 10_000, () => work);
    assert.deepEqual(fired, [
      ['follow-up', T0 + 1_500],
      ['second', T0 + 2_000],
    ]);
  });

  it('keeps the clock where it is when asked to run to an earlier instant, and fires past-due tasks at once', async () => {
    const { clock, scheduler } = setup();
    await scheduler.runUntil(T0 + 10_000);
    const seen: number[] = [];
    scheduler.schedule('late', T0 + 5_000, () => seen.push(clock.now()));
    await scheduler.runUntil(T0 + 8_000);
    assert.deepEqual(seen, [T0 + 10_000]);
    assert.equal(clock.now(), T0 + 10_000);
  });

  it('stays correct when many tasks are re-armed (cancelled entries are compacted away)', async () => {
    const { scheduler } = setup();
    const fired: number[] = [];
    for (let round = 0; round < 5; round++) {
      for (let i = 0; i < 1_000; i++)
        scheduler.schedule(`k${i}`, T0 + 1_000 * (i + 1) + round, () => fired.push(i));
    }
    assert.equal(scheduler.size(), 1_000);
    await scheduler.runUntil(T0 + 2_000_000);
    assert.deepEqual(
      fired,
      Array.from({ length: 1_000 }, (_, i) => i),
    );
  });

  it('takes no work after dispose', async () => {
    const { scheduler } = setup();
    const fired: string[] = [];
    scheduler.schedule('a', T0, () => fired.push('a'));
    scheduler.dispose();
    scheduler.schedule('b', T0, () => fired.push('b'));
    await scheduler.runUntil(T0 + 1);
    assert.deepEqual(fired, []);
    assert.equal(scheduler.nextDueAt(), undefined);
  });
});
