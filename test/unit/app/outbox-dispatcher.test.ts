import assert from 'node:assert/strict';
import { newOutboxAlert } from '../../../src/app/outbox-alert';
import { OutboxDispatcher } from '../../../src/app/outbox-dispatcher';
import type { AlertNotifier, DeliveryResult, OutboxAlert } from '../../../src/app/ports';
import { InMemoryAlertOutbox } from '../../../src/storage/outbox/in-memory-alert-outbox';
import { T0, observation } from '../../support/drift-fixtures';
import { ManualClock } from '../../support/manual-clock';
import { ManualScheduler } from '../../support/manual-scheduler';
import { RecordingLogger } from '../../support/recording-logger';
import { RecordingNotifier } from '../../support/recording-notifier';

function row(overrides: Partial<OutboxAlert> = {}): OutboxAlert {
  const o = observation();
  const episode = {
    id: `a1:${T0}`,
    agentId: 'a1',
    managementUnitId: 'mu1',
    driftStartedAt: T0,
    stage: 'nudged' as const,
    nudgedAt: T0 + 360_000,
    scheduledActivityCategory: o.scheduledActivityCategory,
  };
  return { ...newOutboxAlert(episode, 'nudge', 'agent', T0), ...overrides };
}

function setup(notifier: AlertNotifier) {
  const clock = new ManualClock(T0);
  const scheduler = new ManualScheduler(clock);
  const outbox = new InMemoryAlertOutbox();
  const dispatcher = new OutboxDispatcher({
    clock,
    scheduler,
    outbox,
    notifier,
    logger: new RecordingLogger(),
    random: () => 0,
  });
  return { clock, scheduler, outbox, dispatcher };
}

describe('OutboxDispatcher', () => {
  it('sends a row once even when it is dispatched twice at the same time', async () => {
    const notifier = new RecordingNotifier();
    const { outbox, dispatcher } = setup(notifier);
    await outbox.enqueue(row());
    const outcomes = await Promise.all([dispatcher.dispatch(row().id), dispatcher.dispatch(row().id)]);
    assert.deepEqual(outcomes.sort(), ['sent', 'skipped']);
    assert.equal(notifier.deliveries.length, 1);
    const stored = await outbox.get(row().id);
    assert.equal(stored?.status, 'sent');
    assert.equal(stored?.activityId, 'act-1');
  });

  it('keeps an enqueued row as it is when the same id is enqueued again', async () => {
    const notifier = new RecordingNotifier();
    const { outbox, dispatcher } = setup(notifier);
    await dispatcher.enqueueAndDispatch(row());
    assert.equal(await dispatcher.enqueueAndDispatch(row()), 'skipped');
    assert.equal(notifier.deliveries.length, 1);
    assert.equal((await outbox.get(row().id))?.status, 'sent');
  });

  it('retries through the scheduler when the notifier throws, and sends on the retry', async () => {
    let calls = 0;
    const notifier: AlertNotifier = {
      deliver: async (): Promise<DeliveryResult> => {
        calls += 1;
        if (calls === 1) throw new Error('socket hang up');
        return { status: 'sent', conversationId: 'c', activityId: 'x' };
      },
      updateCards: async () => undefined,
    };
    const { outbox, dispatcher, scheduler } = setup(notifier);
    assert.equal(await dispatcher.enqueueAndDispatch(row()), 'retryScheduled');
    assert.equal(scheduler.dueAt(`outbox:${row().id}`), T0 + 1_000);
    await scheduler.advanceByAsync(1_000);
    assert.equal((await outbox.get(row().id))?.status, 'sent');
    assert.equal(calls, 2);
  });

  it('waits for a row whose notBefore is in the future', async () => {
    const notifier = new RecordingNotifier();
    const { outbox, dispatcher, scheduler } = setup(notifier);
    await outbox.enqueue(row({ notBefore: T0 + 5_000 }));
    await dispatcher.dispatchPending();
    assert.equal(notifier.deliveries.length, 0);
    await scheduler.advanceByAsync(5_000);
    assert.equal(notifier.deliveries.length, 1);
  });
});
