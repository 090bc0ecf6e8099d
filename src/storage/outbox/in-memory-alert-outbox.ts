import type { AlertOutbox, OutboxAlert } from '../../app/ports/alert-outbox';

/** The alert outbox and ledger in a Map, with row versions like the Table store's ETags. */
export class InMemoryAlertOutbox implements AlertOutbox {
  private readonly rows = new Map<string, OutboxAlert>();
  /** Row ids per episode, so `listByEpisode` does not scan the ledger (a replay holds thousands of rows). */
  private readonly idsByEpisode = new Map<string, string[]>();
  private version = 0;

  async enqueue(alert: OutboxAlert): Promise<'enqueued' | 'exists'> {
    if (this.rows.has(alert.id)) return 'exists';
    this.rows.set(alert.id, { ...alert, etag: this.nextEtag() });
    const ids = this.idsByEpisode.get(alert.episodeId);
    if (ids === undefined) this.idsByEpisode.set(alert.episodeId, [alert.id]);
    else ids.push(alert.id);
    return 'enqueued';
  }

  async get(id: string): Promise<OutboxAlert | undefined> {
    return this.rows.get(id);
  }

  async update(alert: OutboxAlert): Promise<boolean> {
    return (await this.replace(alert)) !== undefined;
  }

  async replace(alert: OutboxAlert): Promise<OutboxAlert | undefined> {
    const current = this.rows.get(alert.id);
    if (!current || current.etag !== alert.etag) return undefined;
    const stored = { ...alert, etag: this.nextEtag() };
    this.rows.set(alert.id, stored);
    return stored;
  }

  async *listPending(): AsyncIterable<OutboxAlert> {
    for (const row of [...this.rows.values()]) if (row.status === 'pending') yield row;
  }

  async listByEpisode(episodeId: string): Promise<OutboxAlert[]> {
    return (this.idsByEpisode.get(episodeId) ?? []).map((id) => this.rows.get(id)!);
  }

  private nextEtag(): string {
    this.version += 1;
    return `W/"${this.version}"`;
  }
}
