import type { Lease, LeaseStore } from '../../app/ports/lease-store';

/** Leases in a Map: the in-memory twin of the Table store (expired means `expiresAt <= now`). */
export class InMemoryLeaseStore implements LeaseStore {
  private readonly rows = new Map<string, Lease>();

  async acquire(resource: string, owner: string, ttlMs: number, now: number): Promise<Lease | undefined> {
    const current = this.rows.get(resource);
    if (current && current.owner !== owner && current.expiresAt > now) return undefined;
    const lease: Lease = { resource, owner, expiresAt: now + ttlMs };
    this.rows.set(resource, lease);
    return lease;
  }

  async release(resource: string, owner: string): Promise<void> {
    if (this.rows.get(resource)?.owner === owner) this.rows.delete(resource);
  }

  async *list(): AsyncIterable<Lease> {
    for (const row of [...this.rows.values()]) yield row;
  }
}
