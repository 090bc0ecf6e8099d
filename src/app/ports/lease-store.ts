/** A lease on a resource (e.g. a management unit) held by one running instance until `expiresAt`. */
export interface Lease {
  readonly resource: string;
  readonly owner: string;
  readonly expiresAt: number;
}

/** Leases so that among several instances each management unit is processed by exactly one. */
export interface LeaseStore {
  /** Takes the lease if it is free, expired or already ours; returns it, or undefined when another owner holds it. */
  acquire(resource: string, owner: string, ttlMs: number, now: number): Promise<Lease | undefined>;
  release(resource: string, owner: string): Promise<void>;
  list(): AsyncIterable<Lease>;
}
