import assert from 'node:assert/strict';
import { ManualClock } from '../../support/manual-clock';

describe('ManualClock (the tests’ clock and timer source)', () => {
  it('fires timers in deadline order, ties in the order armed, each reading its due instant', () => {
    const clock = new ManualClock(1_000);
    const fired: string[] = [];
    clock.startTimer(() => fired.push(`b@${clock.now()}`), 200);
    clock.startTimer(() => fired.push(`a@${clock.now()}`), 100);
    clock.startTimer(() => fired.push(`c@${clock.now()}`), 200);
    clock.advanceBy(150);
    assert.deepEqual(fired, ['a@1100']);
    assert.equal(clock.now(), 1_150);
    clock.advanceBy(50);
    assert.deepEqual(fired, ['a@1100', 'b@1200', 'c@1200']);
  });

  it('never fires a cancelled timer, repeats an interval until cancelled, and never goes backwards', () => {
    const clock = new ManualClock(0);
    let ticks = 0;
    const cancelled = clock.startTimer(() => assert.fail('cancelled'), 10);
    cancelled();
    const stop = clock.startInterval(() => (ticks += 1), 100);
    clock.advanceBy(350);
    assert.equal(ticks, 3);
    stop();
    clock.advanceBy(1_000);
    assert.equal(ticks, 3);
    assert.deepEqual(clock.armedTimers(), []);
    assert.throws(() => clock.set(10), /cannot go back/);
  });

  it('keeps the clock where a timer moved it, even past the instant the test asked for', () => {
    const clock = new ManualClock(0);
    clock.startTimer(() => clock.advanceBy(1_000), 10);
    clock.advanceBy(20);
    assert.equal(clock.now(), 1_010);
  });

  it('steps the wall clock without the timers noticing', () => {
    const clock = new ManualClock(0);
    let fired = false;
    clock.startTimer(() => (fired = true), 60_000);
    clock.jump(3_600_000);
    assert.equal(fired, false);
    assert.equal(clock.armedTimers()[0]?.remainingInMs, 60_000);
    clock.advanceBy(60_000);
    assert.equal(fired, true);
    assert.equal(clock.now(), 3_660_000);
  });

  it('runs concurrent work that sleeps in discrete-event time, and names a stall', async () => {
    const clock = new ManualClock(0);
    const order: string[] = [];
    const worker = async (name: string, naps: number[]): Promise<void> => {
      for (const nap of naps) {
        await clock.sleep(nap);
        order.push(`${name}@${clock.now()}`);
      }
    };
    await clock.run(Promise.all([worker('a', [300, 300]), worker('b', [500])]));
    assert.deepEqual(order, ['a@300', 'b@500', 'a@600']);
    await assert.rejects(clock.run(new Promise(() => undefined)), /waits on something other than this clock/);
  });
});
