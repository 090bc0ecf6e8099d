import assert from 'node:assert/strict';
import { PartitionBatcher, type PartitionWriter } from '../../../src/storage/partition-batcher';

interface Call {
  readonly kind: 'batch' | 'one';
  readonly partitionKey: string;
  readonly actions: readonly string[];
  finish(error?: Error): void;
}

/** A writer whose calls stay in flight until the test finishes them; ETags are `etag:<action>`. */
class HeldWriter implements PartitionWriter<string> {
  readonly calls: Call[] = [];
  /** Actions a transaction or a lone write refuses (as a stale ETag would). */
  readonly refused = new Set<string>();

  submitBatch(partitionKey: string, actions: readonly string[]): Promise<ReadonlyArray<string | undefined>> {
    return new Promise((resolve, reject) => {
      this.calls.push({
        kind: 'batch',
        partitionKey,
        actions,
        finish: (error) => {
          if (error) reject(error);
          else if (actions.some((action) => this.refused.has(action))) reject(new Error('412 in the batch'));
          else resolve(actions.map((action) => `etag:${action}`));
        },
      });
    });
  }

  submitOne(partitionKey: string, action: string): Promise<string | undefined> {
    return new Promise((resolve, reject) => {
      this.calls.push({
        kind: 'one',
        partitionKey,
        actions: [action],
        finish: (error) => {
          if (error) reject(error);
          else if (this.refused.has(action)) reject(new Error(`412 ${action}`));
          else resolve(`etag:${action}`);
        },
      });
    });
  }

  /** Finishes every call in flight, in order, and lets the batcher react. */
  async finishAll(): Promise<void> {
    for (const call of this.calls.splice(0)) call.finish();
    await settle();
  }
}

/** Lets queued microtasks and promise reactions run (no timers involved). */
async function settle(): Promise<void> {
  for (let i = 0; i < 10; i += 1) await Promise.resolve();
}

describe('PartitionBatcher', () => {
  it('sends a lone write at once, on its own, without waiting for company', async () => {
    const writer = new HeldWriter();
    const batcher = new PartitionBatcher({ writer });
    const written = batcher.write('mu-1', 'agent-1', 'a1');
    await settle();
    assert.deepEqual(
      writer.calls.map((call) => [call.kind, call.actions]),
      [['one', ['a1']]],
    );
    await writer.finishAll();
    assert.equal(await written, 'etag:a1');
  });

  it('writes what came while a transaction was in flight as one transaction, in order of arrival', async () => {
    const writer = new HeldWriter();
    const batcher = new PartitionBatcher({ writer });
    const first = batcher.write('mu-1', 'agent-0', 'a0');
    await settle();
    const later = Array.from({ length: 5 }, (_, i) => batcher.write('mu-1', `agent-${i + 1}`, `a${i + 1}`));
    await settle();
    assert.equal(writer.calls.length, 1, 'the later writes wait for the one in flight');
    await writer.finishAll();
    assert.deepEqual(
      writer.calls.map((call) => [call.kind, call.actions]),
      [['batch', ['a1', 'a2', 'a3', 'a4', 'a5']]],
    );
    await writer.finishAll();
    assert.equal(await first, 'etag:a0');
    assert.deepEqual(await Promise.all(later), ['etag:a1', 'etag:a2', 'etag:a3', 'etag:a4', 'etag:a5']);
  });

  it('joins the writes of the same turn into one transaction of at most the batch size', async () => {
    const writer = new HeldWriter();
    const batcher = new PartitionBatcher({ writer, maxBatchSize: 100 });
    const writes = Array.from({ length: 250 }, (_, i) => batcher.write('mu-1', `agent-${i}`, `a${i}`));
    await settle();
    assert.deepEqual(
      writer.calls.map((call) => call.actions.length),
      [100],
    );
    await writer.finishAll();
    await writer.finishAll();
    await writer.finishAll();
    assert.equal((await Promise.all(writes)).length, 250);
  });

  it('keeps partitions apart: each has its own transaction in flight', async () => {
    const writer = new HeldWriter();
    const batcher = new PartitionBatcher({ writer });
    const writes = [batcher.write('mu-1', 'agent-1', 'a1'), batcher.write('mu-2', 'agent-2', 'b2')];
    await settle();
    assert.deepEqual(
      writer.calls.map((call) => [call.partitionKey, call.actions]),
      [
        ['mu-1', ['a1']],
        ['mu-2', ['b2']],
      ],
    );
    await writer.finishAll();
    assert.deepEqual(await Promise.all(writes), ['etag:a1', 'etag:b2']);
    assert.equal(batcher.busyPartitions, 0);
  });

  it('never puts two writes of one row in the same transaction: the later goes in the next', async () => {
    const writer = new HeldWriter();
    const batcher = new PartitionBatcher({ writer });
    const writes = [
      batcher.write('mu-1', 'agent-1', 'first'),
      batcher.write('mu-1', 'agent-2', 'other'),
      batcher.write('mu-1', 'agent-1', 'second'),
    ];
    await settle();
    await writer.finishAll();
    assert.deepEqual(
      writer.calls.map((call) => call.actions),
      [['second']],
    );
    await writer.finishAll();
    assert.deepEqual(await Promise.all(writes), ['etag:first', 'etag:other', 'etag:second']);
  });

  it('writes each row of a failed transaction alone, so only the refused row fails', async () => {
    const writer = new HeldWriter();
    writer.refused.add('stale');
    const batcher = new PartitionBatcher({ writer });
    const writes = ['ok-1', 'stale', 'ok-2'].map((action, i) => batcher.write('mu-1', `agent-${i}`, action));
    await settle();
    await writer.finishAll();
    assert.deepEqual(
      writer.calls.map((call) => [call.kind, call.actions]),
      [
        ['one', ['ok-1']],
        ['one', ['stale']],
        ['one', ['ok-2']],
      ],
    );
    await writer.finishAll();
    const outcomes = await Promise.allSettled(writes);
    assert.deepEqual(
      outcomes.map((outcome) => (outcome.status === 'fulfilled' ? outcome.value : String(outcome.reason))),
      ['etag:ok-1', 'Error: 412 stale', 'etag:ok-2'],
    );
  });

  it('refuses a batch size Table Storage does not allow', () => {
    assert.throws(() => new PartitionBatcher({ writer: new HeldWriter(), maxBatchSize: 101 }), /1 to 100/);
  });
});
