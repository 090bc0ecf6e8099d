import { randomBytes } from 'node:crypto';

/** Holds JSON documents behind pre-signed-style download URLs (no token needed, like Genesys's S3 links). */
export class DownloadStore {
  private readonly documents = new Map<string, unknown>();

  constructor(
    private readonly baseUrl: () => string,
    private readonly capacity = 200,
  ) {}

  /** Stores `document` and returns its URL. */
  put(document: unknown): string {
    const id = randomBytes(16).toString('hex');
    this.documents.set(id, document);
    while (this.documents.size > this.capacity)
      this.documents.delete(this.documents.keys().next().value as string);
    // UNCONFIRMED: real download URLs point at another host with a signature query; ours stay on loopback.
    return `${this.baseUrl()}/downloads/${id}?X-Amz-Signature=${randomBytes(8).toString('hex')}`;
  }

  /** The document stored under `id`, if any. */
  get(id: string): unknown {
    return this.documents.get(id);
  }
}
