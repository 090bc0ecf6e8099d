import assert from 'node:assert/strict';
import { TimerScheduler } from '../../../src/platform/timer-scheduler';
import { ManualClock } from '../../support/manual-clock';
import { RecordingLogger } from '../../support/recording-logger';

function setup(options: { maxTimerDelayInMs?: number; maxTasksPerTurn?: number } = {}) {
  const time = new ManualClock(1_000_000);
  const logger = new RecordingLogger();
  /** Every delay a real timer was armed with, fired or not. */
  const armedDelays: number[] = [];
  const scheduler = new TimerScheduler({
    clock: time,
    startTimer: (fn, delayInMs) => {
      armedDelays.push(delayInMs);
      return time.startTimer(fn, delayInMs);
    },
    logger,
    ...options,
  });
  const errors = (): unknown[] => logger.atLevel('error').map((entry) => entry.fields);
  return { time, errors, scheduler, armedDelays };
}

describe('TimerScheduler', () => {
  it('fires tasks in due order, ties in the order they were scheduled', () => {
    const { time, scheduler } = setup();
    const fired: string[] = [];
    const t0 = time.now();
    scheduler.schedule('c', t0 + 300, () => fired.push('c'));
    scheduler.schedule('a', t0 + 100, () => fired.push('a'));
    scheduler.schedule('b2', t0 + 200, () => fired.push('b2'));
    scheduler.schedule('b1', t0 + 200, () => fired.push('b1'));
    time.advanceBy(250);
    assert.deepEqual(fired, ['a', 'b2', 'b1']);
    time.advanceBy(100);
    assert.deepEqual(fired, ['a', 'b2', 'b1', 'c']);
    assert.equal(scheduler.size(), 0);
  });

  it('does not fire a task before its due instant', () => {
    const { time, scheduler } = setup();
    let fired = false;
    scheduler.schedule('k', time.now() + 1_000, () => (fired = true));
    time.advanceBy(999);
    assert.equal(fired, false);
    time.advanceBy(1);
    assert.equal(fired, true);
  });

  it('replaces the pending task when a key is scheduled again', () => {
    const { time, scheduler } = setup();
    const fired: string[] = [];
    scheduler.schedule('agent:1', time.now() + 100, () => fired.push('first'));
    scheduler.schedule('agent:1', time.now() + 500, () => fired.push('second'));
    assert.equal(scheduler.size(), 1);
    assert.equal(scheduler.dueAt('agent:1'), time.now() + 500);
    time.advanceBy(1_000);
    assert.deepEqual(fired, ['second']);
  });

  it('fires a task whose due instant is already past on the next turn', () => {
    const { time, scheduler } = setup();
    let fired = false;
    scheduler.schedule('late', time.now() - 60_000, () => (fired = true));
    assert.equal(time.armedTimers()[0]?.delayInMs, 0);
    time.advanceBy(0);
    assert.equal(fired, true);
  });

  it('never runs a cancelled task and treats a repeated cancel as a no-op', () => {
    const { time, scheduler } = setup();
    const fired: string[] = [];
    scheduler.schedule('a', time.now() + 10, () => fired.push('a'));
    scheduler.schedule('b', time.now() + 20, () => fired.push('b'));
    scheduler.cancel('a');
    scheduler.cancel('a');
    scheduler.cancel('never-scheduled');
    assert.equal(scheduler.dueAt('a'), undefined);
    time.advanceBy(100);
    assert.deepEqual(fired, ['b']);
  });

  it('keeps a single real timer armed for the earliest deadline', () => {
    const { time, scheduler } = setup();
    for (let i = 0; i < 1_000; i++) scheduler.schedule(`k${i}`, time.now() + 5_000 + i, () => {});
    assert.equal(time.armedTimers().length, 1);
    assert.equal(time.armedTimers()[0].delayInMs, 5_000);
    scheduler.schedule('earlier', time.now() + 10, () => {});
    assert.equal(time.armedTimers().length, 1);
    assert.equal(time.armedTimers()[0].delayInMs, 10);
  });

  it('re-arms in steps no longer than the cap for deadlines beyond setTimeout range', () => {
    const { time, scheduler, armedDelays } = setup({ maxTimerDelayInMs: 2 ** 40 });
    let fired = false;
    const dueAt = time.now() + 40 * 86_400_000; // 40 days, beyond 2^31-1 ms
    scheduler.schedule('far', dueAt, () => (fired = true));
    assert.equal(time.armedTimers()[0].delayInMs, 2 ** 31 - 1);
    time.set(dueAt - 1);
    assert.equal(fired, false);
    assert.ok(armedDelays.every((delay) => delay <= 2 ** 31 - 1));
    time.set(dueAt);
    assert.equal(fired, true);
  });

  it('notices a wall-clock step forward within the maximum timer delay', () => {
    const { time, scheduler } = setup({ maxTimerDelayInMs: 60_000 });
    let fired = false;
    scheduler.schedule('k', time.now() + 3_600_000, () => (fired = true));
    // The wall clock jumps an hour while the monotonic timer still waits: the next wake-up reads the clock again.
    time.jump(3_600_000);
    assert.equal(fired, false);
    time.advanceBy(60_000);
    assert.equal(fired, true);
  });

  it('logs a task that throws and still runs the others', () => {
    const { time, scheduler, errors } = setup();
    const fired: string[] = [];
    scheduler.schedule('bad', time.now() + 1, () => {
      throw new Error('boom');
    });
    scheduler.schedule('good', time.now() + 2, () => fired.push('good'));
    time.advanceBy(10);
    assert.deepEqual(fired, ['good']);
    assert.equal(errors().length, 1);
    assert.equal((errors()[0] as { key: string }).key, 'bad');
  });

  it('logs an async task that rejects', async () => {
    const { time, scheduler, errors } = setup();
    // The port types a task as `() => void`; this checks the scheduler's defence against one that returns a promise.
    // eslint-disable-next-line @typescript-eslint/no-misused-promises
    scheduler.schedule('async', time.now() + 1, async () => {
      throw new Error('later');
    });
    time.advanceBy(1);
    await Promise.resolve();
    await Promise.resolve();
    assert.equal(errors().length, 1);
  });

  it('lets a task reschedule its own key', () => {
    const { time, scheduler } = setup();
    const firedAt: number[] = [];
    const tick = () => {
      firedAt.push(time.now());
      if (firedAt.length < 3) scheduler.schedule('tick', time.now() + 100, tick);
    };
    const t0 = time.now();
    scheduler.schedule('tick', t0 + 100, tick);
    time.advanceBy(1_000);
    assert.deepEqual(firedAt, [t0 + 100, t0 + 200, t0 + 300]);
  });

  it('yields after a batch and runs the rest of the due tasks on the next turn', () => {
    const { time, scheduler } = setup({ maxTasksPerTurn: 2 });
    const fired: number[] = [];
    for (let i = 0; i < 5; i++) scheduler.schedule(`k${i}`, time.now() + 1, () => fired.push(i));
    assert.equal(time.fireNextTimer(), true);
    assert.deepEqual(fired, [0, 1]);
    assert.equal(time.armedTimers()[0].delayInMs, 0);
    time.advanceBy(0);
    assert.deepEqual(fired, [0, 1, 2, 3, 4]);
  });

  it('takes no more work after dispose and drops what was pending', () => {
    const { time, scheduler } = setup();
    let fired = 0;
    scheduler.schedule('a', time.now() + 10, () => fired++);
    scheduler.dispose();
    scheduler.schedule('b', time.now() + 10, () => fired++);
    time.advanceBy(100);
    assert.equal(fired, 0);
    assert.equal(scheduler.size(), 0);
    assert.equal(time.armedTimers().length, 0);
  });

  it('matches a sorted reference under random schedules and cancels', () => {
    const { time, scheduler } = setup();
    let seed = 42;
    const random = () => (seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31;
    const expected = new Map<string, number>();
    const fired: { key: string; at: number }[] = [];
    const t0 = time.now();
    for (let i = 0; i < 5_000; i++) {
      const key = `k${Math.floor(random() * 700)}`;
      if (random() < 0.2) {
        scheduler.cancel(key);
        expected.delete(key);
      } else {
        const dueAt = t0 + Math.floor(random() * 10_000);
        scheduler.schedule(key, dueAt, () => fired.push({ key, at: dueAt }));
        expected.set(key, dueAt);
      }
    }
    assert.equal(scheduler.size(), expected.size);
    time.advanceBy(20_000);
    assert.equal(fired.length, expected.size);
    for (let i = 1; i < fired.length; i++) assert.ok(fired[i - 1].at <= fired[i].at);
    assert.deepEqual(new Map(fired.map((f) => [f.key, f.at])), expected);
  });

  it('fires on real timers, a past-due task before a later one', async () => {
    const scheduler = new TimerScheduler({ clock: { now: () => Date.now() } });
    const fired: string[] = [];
    // One reading of the clock: a pause (GC on a busy machine) between two readings could reorder the instants.
    const now = Date.now();
    await new Promise<void>((resolve) => {
      scheduler.schedule('second', now + 2, () => {
        fired.push('second');
        resolve();
      });
      scheduler.schedule('first', now - 5, () => fired.push('first'));
    });
    assert.deepEqual(fired, ['first', 'second']);
    scheduler.dispose();
  });
});
