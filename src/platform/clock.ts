/** Reads the current instant (epoch ms). The only way code outside src/platform learns the time. */
export interface Clock {
  now(): number;
}

/**
 * Runs a task at an absolute instant, one pending task per key: scheduling a key again replaces its task.
 * A due instant in the past fires as soon as possible. Tasks fire in due order.
 */
export interface Scheduler {
  schedule(key: string, dueAt: number, task: () => void): void;
  /** Idempotent. */
  cancel(key: string): void;
  /** Due instant of the pending task for `key`, if any. */
  dueAt(key: string): number | undefined;
  /** Number of pending tasks. */
  size(): number;
  /** Cancels everything; the scheduler takes no more work. */
  dispose(): void;
}
