import type { BoardRow, ChannelAlertLedger } from '../../domain/alert-board';

/** The budget ledger and live drift board of each supervisor channel (src/domain/alert-board.ts). */
export interface AlertBoardStore {
  /** The channel's ledger with its version (ETag), or undefined when the channel never had an alert. */
  get(channelKey: string): Promise<ChannelAlertLedger | undefined>;
  /** The agent's row on the channel's board. */
  getRow(channelKey: string, agentId: string): Promise<BoardRow | undefined>;
  /** The rows of these agents on the channel's board, by agent id (agents without a row are left out). */
  getRows(channelKey: string, agentIds: readonly string[]): Promise<ReadonlyMap<string, BoardRow>>;
  /** The ledger and every row of the channel's board, in one read. */
  read(channelKey: string): Promise<{ readonly ledger?: ChannelAlertLedger; readonly rows: BoardRow[] }>;
  /**
   * Writes the ledger, guarded by its ETag (none: it must not exist yet), with the rows to write and the agent ids whose
   * rows leave, all or nothing; false when someone changed the ledger since it was read.
   */
  commit(
    ledger: ChannelAlertLedger,
    rows?: { readonly upsert?: readonly BoardRow[]; readonly remove?: readonly string[] },
  ): Promise<boolean>;
}
