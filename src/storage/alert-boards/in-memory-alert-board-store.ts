import type { AlertBoardStore } from '../../app/ports/alert-board-store';
import type { BoardRow, ChannelAlertLedger } from '../../domain/alert-board';

interface Partition {
  ledger: ChannelAlertLedger;
  readonly rows: Map<string, BoardRow>;
}

/** The channels' ledgers and boards in Maps, with ETags and all-or-nothing commits like the Table store: the in-memory twin. */
export class InMemoryAlertBoardStore implements AlertBoardStore {
  private readonly partitions = new Map<string, Partition>();
  private version = 0;

  get(channelKey: string): Promise<ChannelAlertLedger | undefined> {
    return Promise.resolve(this.partitions.get(channelKey)?.ledger);
  }

  getRow(channelKey: string, agentId: string): Promise<BoardRow | undefined> {
    return Promise.resolve(this.partitions.get(channelKey)?.rows.get(agentId));
  }

  getRows(channelKey: string, agentIds: readonly string[]): Promise<ReadonlyMap<string, BoardRow>> {
    const rows = this.partitions.get(channelKey)?.rows;
    const found = new Map<string, BoardRow>();
    for (const agentId of agentIds) {
      const row = rows?.get(agentId);
      if (row !== undefined) found.set(agentId, row);
    }
    return Promise.resolve(found);
  }

  read(channelKey: string): Promise<{ ledger?: ChannelAlertLedger; rows: BoardRow[] }> {
    const partition = this.partitions.get(channelKey);
    return Promise.resolve(
      partition === undefined
        ? { rows: [] }
        : { ledger: partition.ledger, rows: [...partition.rows.values()] },
    );
  }

  commit(
    ledger: ChannelAlertLedger,
    rows: { readonly upsert?: readonly BoardRow[]; readonly remove?: readonly string[] } = {},
  ): Promise<boolean> {
    return Promise.resolve(this.apply(ledger, rows));
  }

  /** The commit, all or nothing: false (and nothing written) when the ETag or a row to remove does not match. */
  private apply(
    ledger: ChannelAlertLedger,
    rows: { readonly upsert?: readonly BoardRow[]; readonly remove?: readonly string[] },
  ): boolean {
    const partition = this.partitions.get(ledger.channelKey);
    if (ledger.etag === undefined ? partition !== undefined : partition?.ledger.etag !== ledger.etag)
      return false;
    const removed = rows.remove ?? [];
    if (removed.some((agentId) => !partition?.rows.has(agentId))) return false;
    const next: Partition = partition ?? { ledger, rows: new Map() };
    this.version += 1;
    next.ledger = { ...ledger, etag: `W/"${this.version}"` };
    for (const agentId of removed) next.rows.delete(agentId);
    for (const row of rows.upsert ?? []) next.rows.set(row.agentId, row);
    this.partitions.set(ledger.channelKey, next);
    return true;
  }
}
