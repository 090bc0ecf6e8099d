import assert from 'node:assert/strict';
import { newOutboxAlert } from '../../../src/app/outbox-alert';
import { OutboxDispatcher } from '../../../src/app/outbox-dispatcher';
import type { AlertNotifier, DeliveryOptions, DeliveryResult } from '../../../src/app/ports/alert-notifier';
import type { OutboxAlert } from '../../../src/app/ports/alert-outbox';
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

/**
 * A notifier whose sends wait until the test opens the gate; with `honoursDrain` a send still waiting (as for a Teams
 * rate-limit slot) answers `notSent` when the dispatcher's drain signal aborts, otherwise it is on the wire and finishes.
 */
class GatedNotifier implements AlertNotifier {
  readonly started: OutboxAlert[] = [];
  readonly results: DeliveryResult[] = [];
  private open: (() => void) | undefined;
  private readonly gate = new Promise<void>((resolve) => (this.open = resolve));
  private arrive: (() => void) | undefined;
  readonly arrived = new Promise<void>((resolve) => (this.arrive = resolve));

  constructor(private readonly honoursDrain: boolean) {}

  async deliver(alert: OutboxAlert, options: DeliveryOptions = {}): Promise<DeliveryResult> {
    this.started.push(alert);
    this.arrive?.();
    const drained = new Promise<'drained'>((resolve) => {
      if (this.honoursDrain) options.signal?.addEventListener('abort', () => resolve('drained'));
    });
    const result: DeliveryResult =
      (await Promise.race([this.gate.then(() => 'open' as const), drained])) === 'drained'
        ? { status: 'notSent', reason: 'draining' }
        : { status: 'sent', conversationId: 'c', activityId: `x${this.started.length}` };
    this.results.push(result);
    return result;
  }

  release(): void {
    this.open?.();
  }

  async updateCards(): Promise<void> {}
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

  it('hands a send still waiting for a slot back unsent on stop, so the next owner sends it once and not in doubt', async () => {
    const waiting = new GatedNotifier(true);
    const { clock, scheduler, outbox, dispatcher } = setup(waiting);
    await outbox.enqueue(row());
    const before = (await outbox.get(row().id))!;
    const outcome = dispatcher.dispatch(row().id);
    await waiting.arrived;
    dispatcher.stop();

    assert.equal(await outcome, 'handedBack');
    const handedBack = (await outbox.get(row().id))!;
    assert.equal(handedBack.status, 'pending');
    assert.equal(handedBack.claimedAt, undefined);
    assert.equal(handedBack.attempts, before.attempts);
    assert.equal(handedBack.notBefore, before.notBefore);
    assert.equal(handedBack.lastError, undefined);

    const next = new RecordingNotifier();
    const nextOwner = new OutboxDispatcher({
      clock,
      scheduler,
      outbox,
      notifier: next,
      logger: new RecordingLogger(),
    });
    await nextOwner.dispatchPending();
    assert.equal(next.deliveries.length, 1);
    const sent = (await outbox.get(row().id))!;
    assert.equal(sent.status, 'sent');
    assert.equal(sent.lastError, undefined, 'not marked in doubt');
  });

  it('hands a send still waiting for a slot back unsent when its unit goes to another replica', async () => {
    const waiting = new GatedNotifier(true);
    const { outbox, dispatcher } = setup(waiting);
    await outbox.enqueue(row());
    const outcome = dispatcher.dispatch(row().id);
    await waiting.arrived;
    dispatcher.cancelUnit('mu1');

    assert.equal(await outcome, 'handedBack');
    const handedBack = (await outbox.get(row().id))!;
    assert.equal(handedBack.status, 'pending');
    assert.equal(handedBack.claimedAt, undefined);
    assert.deepEqual(waiting.results, [{ status: 'notSent', reason: 'draining' }]);
  });

  it('lets a send of another unit go on when one unit is lost', async () => {
    const waiting = new GatedNotifier(true);
    const { outbox, dispatcher } = setup(waiting);
    await outbox.enqueue(row());
    const outcome = dispatcher.dispatch(row().id);
    await waiting.arrived;
    dispatcher.cancelUnit('mu2');
    waiting.release();

    assert.equal(await outcome, 'sent');
  });

  it('finishes a send already on the wire when stopped and records it sent, so nobody sends it again', async () => {
    const onTheWire = new GatedNotifier(false);
    const { clock, scheduler, outbox, dispatcher } = setup(onTheWire);
    await outbox.enqueue(row());
    const outcome = dispatcher.dispatch(row().id);
    await onTheWire.arrived;
    dispatcher.stop();
    onTheWire.release();

    assert.equal(await outcome, 'sent');
    assert.equal((await outbox.get(row().id))?.status, 'sent');
    const next = new RecordingNotifier();
    const nextOwner = new OutboxDispatcher({
      clock,
      scheduler,
      outbox,
      notifier: next,
      logger: new RecordingLogger(),
    });
    await nextOwner.dispatchPending();
    assert.equal(next.deliveries.length, 0);
  });

  it('takes no new send once stopped: the row stays pending for the next owner', async () => {
    const notifier = new RecordingNotifier();
    const { outbox, dispatcher } = setup(notifier);
    dispatcher.stop();
    assert.equal(await dispatcher.enqueueAndDispatch(row()), 'skipped');
    assert.equal(notifier.deliveries.length, 0);
    assert.equal((await outbox.get(row().id))?.status, 'pending');
  });

  describe('outbox depth (pendingCount)', () => {
    it('counts a row from its enqueue until it is sent, while the send is on the wire too', async () => {
      const gated = new GatedNotifier(false);
      const { dispatcher } = setup(gated);
      assert.equal(dispatcher.pendingCount(), 0);
      const outcome = dispatcher.enqueueAndDispatch(row());
      await gated.arrived;
      assert.equal(dispatcher.pendingCount(), 1);
      gated.release();
      assert.equal(await outcome, 'sent');
      assert.equal(dispatcher.pendingCount(), 0);
    });

    it('keeps a row counted while its retry waits, until the retry sends it', async () => {
      const notifier = new RecordingNotifier();
      notifier.script('agent', { status: 'throttled', retryAfterMs: 30_000 });
      const { dispatcher, scheduler } = setup(notifier);
      assert.equal(await dispatcher.enqueueAndDispatch(row()), 'retryScheduled');
      assert.equal(dispatcher.pendingCount(), 1);
      await scheduler.advanceByAsync(30_000);
      assert.equal(notifier.deliveries.length, 2);
      assert.equal(dispatcher.pendingCount(), 0);
    });

    it('counts the rows listed at start and drops those of a unit it loses, or all of them on stop', async () => {
      const notifier = new RecordingNotifier();
      const { outbox, dispatcher } = setup(notifier);
      const later = { notBefore: T0 + 60_000 };
      await outbox.enqueue(row(later));
      await outbox.enqueue(row({ ...later, id: 'other-unit|nudge|agent', managementUnitId: 'mu2' }));
      await dispatcher.dispatchPending();
      assert.equal(dispatcher.pendingCount(), 2);
      dispatcher.cancelUnit('mu2');
      assert.equal(dispatcher.pendingCount(), 1);
      dispatcher.stop();
      assert.equal(dispatcher.pendingCount(), 0);
    });

    it('drops the rows of a unit it loses even when none of them waits for a retry', async () => {
      const gated = new GatedNotifier(false);
      const { dispatcher } = setup(gated);
      const outcome = dispatcher.enqueueAndDispatch(row());
      await gated.arrived;
      assert.equal(dispatcher.pendingCount(), 1);
      dispatcher.cancelUnit('mu1');
      assert.equal(dispatcher.pendingCount(), 0);
      gated.release();
      await outcome;
      assert.equal(dispatcher.pendingCount(), 0);
    });

    it('stops counting a row once it is dead-lettered or found already sent', async () => {
      const notifier = new RecordingNotifier();
      notifier.script('agent', { status: 'recipientGone', reason: '404' });
      const { dispatcher } = setup(notifier);
      assert.equal(await dispatcher.enqueueAndDispatch(row()), 'deadLettered');
      assert.equal(dispatcher.pendingCount(), 0);
      assert.equal(await dispatcher.enqueueAndDispatch(row()), 'skipped');
      assert.equal(dispatcher.pendingCount(), 0);
    });
  });
});
