import assert from 'node:assert/strict';
import { drainInstance, type DrainSteps } from '../../../src/app/drain-instance';
import { ManualClock } from '../../support/manual-clock';
import { ManualScheduler } from '../../support/manual-scheduler';
import { RecordingLogger } from '../../support/recording-logger';

const T0 = Date.UTC(2025, 5, 1, 8, 0, 0);

/** Drain steps that record the order they ran in; `finishWork` ends when the test says so. */
function recordingSteps() {
  const order: string[] = [];
  let finish!: () => void;
  const finished = new Promise<void>((resolve) => (finish = resolve));
  const step =
    (name: string, until: Promise<void> = Promise.resolve()) =>
    async (): Promise<void> => {
      order.push(`${name} started`);
      await until;
      order.push(`${name} done`);
    };
  const steps: DrainSteps = {
    stopAcquiring: step('stopAcquiring'),
    stopIntake: step('stopIntake'),
    finishWork: step('finishWork', finished),
    releaseLeases: step('releaseLeases'),
  };
  return { steps, order, finish };
}

describe('drainInstance', () => {
  it('takes no new unit, stops the intake, finishes the work, and only then releases the leases', async () => {
    const clock = new ManualClock(T0);
    const scheduler = new ManualScheduler(clock);
    const { steps, order, finish } = recordingSteps();
    const drained = drainInstance(steps, { clock, scheduler, logger: new RecordingLogger() });
    await scheduler.advanceByAsync(1_000);
    assert.deepEqual(order, [
      'stopAcquiring started',
      'stopAcquiring done',
      'stopIntake started',
      'stopIntake done',
      'finishWork started',
    ]);
    finish();
    assert.deepEqual(await drained, { isWorkFinished: true, tookMs: 1_000 });
    assert.deepEqual(order.slice(5), ['finishWork done', 'releaseLeases started', 'releaseLeases done']);
    assert.equal(scheduler.size(), 0, 'the deadline is cancelled');
  });

  it('releases the leases at the limit when a send on the wire never answers, and says the work did not finish', async () => {
    const clock = new ManualClock(T0);
    const scheduler = new ManualScheduler(clock);
    const { steps, order } = recordingSteps();
    const logger = new RecordingLogger();
    const drained = drainInstance(steps, { clock, scheduler, logger, finishWithinMs: 5_000 });
    await scheduler.advanceByAsync(4_999);
    assert.equal(order.includes('releaseLeases started'), false);
    await scheduler.advanceByAsync(1);
    assert.deepEqual(await drained, { isWorkFinished: false, tookMs: 5_000 });
    assert.deepEqual(order.slice(-2), ['releaseLeases started', 'releaseLeases done']);
    assert.ok(logger.entries.some((entry) => entry.level === 'warn' && /in doubt/.test(entry.msg ?? '')));
  });
});
