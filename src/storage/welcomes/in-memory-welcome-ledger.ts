import type { WelcomeLedger, WelcomeRecord, WelcomeScope } from '../../app/ports/welcome-ledger';

/** Welcome markers in a Map, with row versions like the Table store's ETags: the in-memory twin. */
export class InMemoryWelcomeLedger implements WelcomeLedger {
  private readonly rows = new Map<string, WelcomeRecord>();
  private version = 0;

  async create(record: WelcomeRecord): Promise<boolean> {
    const key = keyOf(record.scope, record.scopeId);
    if (this.rows.has(key)) return false;
    this.rows.set(key, { ...record, etag: this.nextEtag() });
    return true;
  }

  async get(scope: WelcomeScope, scopeId: string): Promise<WelcomeRecord | undefined> {
    return this.rows.get(keyOf(scope, scopeId));
  }

  async update(record: WelcomeRecord): Promise<boolean> {
    const key = keyOf(record.scope, record.scopeId);
    const current = this.rows.get(key);
    if (!current || current.etag !== record.etag) return false;
    this.rows.set(key, { ...record, etag: this.nextEtag() });
    return true;
  }

  async *listPending(): AsyncIterable<WelcomeRecord> {
    for (const row of [...this.rows.values()]) if (row.status === 'pending') yield row;
  }

  private nextEtag(): string {
    this.version += 1;
    return `W/"${this.version}"`;
  }
}

function keyOf(scope: WelcomeScope, scopeId: string): string {
  return `${scope}\u0000${scopeId}`;
}
