import type { DigestLedger, DigestRecord } from '../../app/ports/digest-ledger';
import { withoutUndefined } from '../table-codec';

/** Digest rows in a Map, with row versions like the Table store's ETags: the in-memory twin. */
export class InMemoryDigestLedger implements DigestLedger {
  private readonly rows = new Map<string, DigestRecord>();
  private version = 0;

  create(record: DigestRecord): Promise<boolean> {
    const key = keyOf(record.weekStart, record.conversationKey);
    if (this.rows.has(key)) return Promise.resolve(false);
    this.rows.set(key, stored({ ...record, etag: this.nextEtag() }));
    return Promise.resolve(true);
  }

  get(weekStart: string, conversationKey: string): Promise<DigestRecord | undefined> {
    return Promise.resolve(this.rows.get(keyOf(weekStart, conversationKey)));
  }

  update(record: DigestRecord): Promise<boolean> {
    const key = keyOf(record.weekStart, record.conversationKey);
    const current = this.rows.get(key);
    if (!current || current.etag !== record.etag) return Promise.resolve(false);
    this.rows.set(key, stored({ ...record, etag: this.nextEtag() }));
    return Promise.resolve(true);
  }

  private nextEtag(): string {
    this.version += 1;
    return `W/"${this.version}"`;
  }
}

/** Fields set to undefined are left out, as the Table store leaves them out. */
function stored(record: DigestRecord): DigestRecord {
  return withoutUndefined(record as unknown as Record<string, unknown>) as unknown as DigestRecord;
}

function keyOf(weekStart: string, conversationKey: string): string {
  return `${weekStart}\u0000${conversationKey}`;
}
