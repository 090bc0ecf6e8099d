import assert from 'node:assert/strict';
import { AgentWorkQueue } from '../../../src/app/agent-work-queue';
import { RecordingLogger } from '../../support/recording-logger';

/** A promise the test settles by hand. */
function gate(): { readonly promise: Promise<void>; open(): void } {
  let open!: () => void;
  const promise = new Promise<void>((resolve) => (open = resolve));
  return { promise, open };
}

describe('AgentWorkQueue', () => {
  it("runs one agent's work in the order it was given, while another agent's work runs meanwhile", async () => {
    const queue = new AgentWorkQueue(new RecordingLogger());
    const order: string[] = [];
    const first = gate();
    const a1 = queue.run('a', async () => {
      await first.promise;
      order.push('a1');
    });
    const a2 = queue.run('a', async () => void order.push('a2'));
    await queue.run('b', async () => void order.push('b1'));
    assert.deepEqual(order, ['b1'], "b's work does not wait for a's");
    first.open();
    await Promise.all([a1, a2]);
    assert.deepEqual(order, ['b1', 'a1', 'a2']);
  });

  it('hands the result back, and a failure to its caller and the log, without stopping the next work of the agent', async () => {
    const logger = new RecordingLogger();
    const queue = new AgentWorkQueue(logger);
    const failed = queue.run('a', async () => {
      throw new Error('storage unreachable');
    });
    const next = queue.run('a', async () => 42);
    await assert.rejects(failed, /storage unreachable/);
    assert.equal(await next, 42);
    const logged = logger.entries.find((entry) => entry.msg === 'drift work failed');
    assert.equal(logged?.bindings.agentId, 'a');
  });

  it('is idle only once queued work and tracked background work have settled', async () => {
    const queue = new AgentWorkQueue(new RecordingLogger());
    const queued = gate();
    const background = gate();
    let isDone = false;
    void queue.run('a', () => queued.promise);
    queue.track(background.promise);
    const idle = queue.idle().then(() => (isDone = true));
    queued.open();
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(isDone, false, 'background work is still running');
    background.open();
    await idle;
    assert.equal(isDone, true);
  });
});
