/**
 * The rounds of an AlertBoardLedger (./alert-board-ledger.ts): which queued changes of a channel go into one commit,
 * and what they write together when applied in order.
 */
import type { BoardRow, ChannelAlertLedger } from '../domain/alert-board';

/** One change waiting in a channel's queue: applied to the ledger (and the agent's row) as it is when its turn comes. */
export interface QueuedChange {
  readonly agentId: string | undefined;
  readonly apply: (ledger: ChannelAlertLedger, row: BoardRow | undefined) => ChangeOutcome<unknown>;
  readonly resolve: (result: unknown) => void;
  readonly reject: (error: unknown) => void;
}

/** What one change writes (nothing: only `result`) and answers its caller. */
export interface ChangeOutcome<T> {
  readonly write?: ChannelAlertLedger;
  readonly upsert?: BoardRow;
  readonly remove?: string;
  readonly result: T;
}

/**
 * Most board rows one commit writes: the ledger and its rows are one entity group transaction, at most 100 operations
 * (learn.microsoft.com/rest/api/storageservices/performing-entity-group-transactions).
 */
const MAX_ROWS_PER_COMMIT = 99;

/** Moves changes from the head of `queue` into `batch` while their rows fit in one commit. */
export function takeInto(batch: QueuedChange[], queue: QueuedChange[]): void {
  const agents = new Set(batch.flatMap((change) => (change.agentId === undefined ? [] : [change.agentId])));
  while (queue.length > 0) {
    const agentId = queue[0].agentId;
    if (agentId !== undefined && !agents.has(agentId)) {
      if (agents.size >= MAX_ROWS_PER_COMMIT) return;
      agents.add(agentId);
    }
    batch.push(queue.shift()!);
  }
}

/**
 * Applies the changes of a round one after another (each sees the ledger and rows as the ones before it left them)
 * and gathers what to commit: the last ledger and, per agent, the row's last write. A change that throws fails alone
 * and leaves the round (and the batch).
 */
export function applyInOrder(
  stored: ChannelAlertLedger,
  rowsRead: ReadonlyMap<string, BoardRow>,
  batch: QueuedChange[],
): {
  readonly write?: ChannelAlertLedger;
  readonly rows: { readonly upsert: BoardRow[]; readonly remove: string[] };
  readonly settlements: (() => void)[];
} {
  let ledger = stored;
  let isWritten = false;
  const rows = new Map(rowsRead);
  const touched = new Set<string>();
  const settlements: (() => void)[] = [];
  for (const change of [...batch]) {
    let outcome: ChangeOutcome<unknown>;
    try {
      outcome = change.apply(ledger, change.agentId === undefined ? undefined : rows.get(change.agentId));
    } catch (error) {
      batch.splice(batch.indexOf(change), 1);
      change.reject(error);
      continue;
    }
    settlements.push(() => change.resolve(outcome.result));
    if (outcome.write === undefined) continue;
    ledger = outcome.write;
    isWritten = true;
    if (outcome.remove !== undefined) {
      rows.delete(outcome.remove);
      touched.add(outcome.remove);
    }
    if (outcome.upsert !== undefined) {
      rows.set(outcome.upsert.agentId, outcome.upsert);
      touched.add(outcome.upsert.agentId);
    }
  }
  const upsert: BoardRow[] = [];
  const remove: string[] = [];
  for (const agentId of touched) {
    const row = rows.get(agentId);
    if (row !== undefined) upsert.push(row);
    // A row that joined and left within the round was never written: nothing to remove.
    else if (rowsRead.has(agentId)) remove.push(agentId);
  }
  return { ...(isWritten ? { write: ledger } : {}), rows: { upsert, remove }, settlements };
}
