/** How a {@link PartitionBatcher} writes: one transaction of a partition, or one row alone. */
export interface PartitionWriter<A> {
  /**
   * Submits the actions as one transaction (all in `partitionKey`, each row at most once); resolves with each row's new
   * ETag, in order, or rejects when the transaction failed (it is atomic: then nothing was written).
   */
  submitBatch(partitionKey: string, actions: readonly A[]): Promise<ReadonlyArray<string | undefined>>;
  /** Writes one action alone; resolves with the row's new ETag or rejects with the action's own error. */
  submitOne(partitionKey: string, action: A): Promise<string | undefined>;
}

/** Options of a {@link PartitionBatcher}. */
export interface PartitionBatcherOptions<A> {
  readonly writer: PartitionWriter<A>;
  /** A Table Storage transaction holds at most 100 operations, all in one partition; default 100. */
  readonly maxBatchSize?: number;
}

interface QueuedWrite<A> {
  readonly rowKey: string;
  readonly action: A;
  resolve(etag: string | undefined): void;
  reject(error: unknown): void;
}

interface PartitionQueue<A> {
  readonly waiting: Array<QueuedWrite<A>>;
  isBusy: boolean;
}

/**
 * Group commit of row writes, per partition: a write goes out at once when its partition has nothing in flight;
 * writes that come while a transaction of their partition is in flight wait for it and then go out together, as one
 * transaction of up to `maxBatchSize` rows. Nothing waits on a timer, so a lone write (an alert's) is never delayed,
 * and a burst costs one transaction per hundred rows instead of one per row.
 *
 * A transaction is atomic: when one of its rows fails (e.g. its ETag is no longer current), nothing of it was written,
 * so each of its rows is then written alone and gets its own outcome. Two writes of the same row never share a
 * transaction (Table Storage refuses that); the later one waits for the next.
 */
export class PartitionBatcher<A> {
  private readonly queues = new Map<string, PartitionQueue<A>>();
  private readonly maxBatchSize: number;

  constructor(private readonly options: PartitionBatcherOptions<A>) {
    this.maxBatchSize = options.maxBatchSize ?? 100;
    if (!Number.isInteger(this.maxBatchSize) || this.maxBatchSize < 1 || this.maxBatchSize > 100)
      throw new RangeError(`maxBatchSize must be an integer from 1 to 100, got ${this.maxBatchSize}`);
  }

  /** Writes one row of a partition, batched with others of the partition; resolves with the row's new ETag. */
  write(partitionKey: string, rowKey: string, action: A): Promise<string | undefined> {
    let queue = this.queues.get(partitionKey);
    if (queue === undefined) {
      queue = { waiting: [], isBusy: false };
      this.queues.set(partitionKey, queue);
    }
    const written = new Promise<string | undefined>((resolve, reject) => {
      queue.waiting.push({ rowKey, action, resolve, reject });
    });
    // The writes of this same turn of the event loop join the first one (a socket read delivers many frames at once).
    if (!queue.isBusy) {
      queue.isBusy = true;
      queueMicrotask(() => void this.drain(partitionKey, queue));
    }
    return written;
  }

  /** Transactions still to go out or in flight (for tests and metrics). */
  get busyPartitions(): number {
    let busy = 0;
    for (const queue of this.queues.values()) if (queue.isBusy) busy += 1;
    return busy;
  }

  private async drain(partitionKey: string, queue: PartitionQueue<A>): Promise<void> {
    while (queue.waiting.length > 0) {
      const batch = this.nextBatch(queue);
      await this.submit(partitionKey, batch);
    }
    queue.isBusy = false;
    this.queues.delete(partitionKey);
  }

  /** The oldest waiting writes, up to the batch size, stopping before a row already in the batch. */
  private nextBatch(queue: PartitionQueue<A>): Array<QueuedWrite<A>> {
    const rows = new Set<string>();
    let count = 0;
    while (count < queue.waiting.length && count < this.maxBatchSize) {
      const rowKey = queue.waiting[count].rowKey;
      if (rows.has(rowKey)) break;
      rows.add(rowKey);
      count += 1;
    }
    return queue.waiting.splice(0, count);
  }

  private async submit(partitionKey: string, batch: ReadonlyArray<QueuedWrite<A>>): Promise<void> {
    const { writer } = this.options;
    if (batch.length === 1) {
      await this.one(partitionKey, batch[0]);
      return;
    }
    let etags: ReadonlyArray<string | undefined>;
    try {
      etags = await writer.submitBatch(
        partitionKey,
        batch.map((write) => write.action),
      );
    } catch {
      // Nothing of the transaction was written: each row alone, so only the failing one fails.
      await Promise.all(batch.map((write) => this.one(partitionKey, write)));
      return;
    }
    batch.forEach((write, index) => write.resolve(etags[index]));
  }

  private async one(partitionKey: string, write: QueuedWrite<A>): Promise<void> {
    try {
      write.resolve(await this.options.writer.submitOne(partitionKey, write.action));
    } catch (error) {
      write.reject(error);
    }
  }
}
