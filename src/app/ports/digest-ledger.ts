/**
 * Where a channel's digest of one week stands: `claimed` while an instance sends it, `pending` when handed back unsent
 * (a stop, a throttle, a retryable failure: tried again from `notBefore`), `sent`, `skipped` (more than a day late)
 * or `failed` (given up).
 */
export type DigestStatus = 'claimed' | 'pending' | 'sent' | 'skipped' | 'failed';

/**
 * The one weekly digest a watching channel gets for one week. Created by the first instance to insert it (that
 * instance sends it), claimed before each send and kept as the record of what went out.
 */
export interface DigestRecord {
  /** Monday (`YYYY-MM-DD`) of the local week the digest reports. */
  readonly weekStart: string;
  /** The channel: `channel:<Teams channel id>`. */
  readonly conversationKey: string;
  readonly status: DigestStatus;
  /** The zone the week and the due time were read in. */
  readonly timeZone: string;
  /** When the digest was due (epoch ms). */
  readonly dueAt: number;
  readonly attempts: number;
  /** Do not attempt before this instant (epoch ms). */
  readonly notBefore: number;
  /** The instance sending it, and since when (epoch ms); cleared when the outcome is recorded. */
  readonly claimedBy?: string;
  readonly claimedAt?: number;
  readonly sentAt?: number;
  /** Where the card landed: the channel thread and its root activity. */
  readonly conversationId?: string;
  readonly activityId?: string;
  readonly lastError?: string;
  /** Sent again after a claim whose sender stopped mid-send: the channel may have it twice. */
  readonly isInDoubt?: boolean;
  /** Row version (ETag); `update` fails when it is no longer current. */
  readonly etag?: string;
}

/** The weekly digest ledger: one row per channel and week. */
export interface DigestLedger {
  /** Adds the row unless the channel already has one for that week (of any status); false = it had one. */
  create(record: DigestRecord): Promise<boolean>;
  get(weekStart: string, conversationKey: string): Promise<DigestRecord | undefined>;
  /** Replaces a row guarded by its etag; false when someone else changed it first. */
  update(record: DigestRecord): Promise<boolean>;
}
