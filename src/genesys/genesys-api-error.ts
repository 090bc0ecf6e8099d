/**
 * A Genesys REST call answered with a status that retrying will not fix (4xx other than 401-once and 429):
 * `status` is the HTTP status, `code` Genesys's error code. Retryable failures (429 beyond the bound, 5xx, network)
 * are thrown as the platform's TransientError instead.
 */
export class GenesysApiError extends Error {
  override readonly name = 'GenesysApiError';

  constructor(
    message: string,
    readonly status: number,
    readonly correlationId?: string,
    readonly code?: string,
  ) {
    super(message);
  }
}
