/** What a {@link GenesysApiError} carries besides its message. */
export interface GenesysApiErrorDetails {
  /** The HTTP status. */
  readonly status: number;
  /** The `ININ-Correlation-Id` the call was sent with. */
  readonly correlationId?: string;
  /** Genesys's error code (`ErrorBody.code`), when the body had one. */
  readonly code?: string;
}

/**
 * A Genesys REST call answered with a status that retrying will not fix (see src/platform/http-failure.ts; 401 is
 * retried once with a new token): `status` is the HTTP status, `code` Genesys's error code. Retryable failures
 * (429 beyond the bound, 502/503/504, network) are thrown as the platform's TransientError instead.
 */
export class GenesysApiError extends Error {
  override readonly name = 'GenesysApiError';
  readonly status: number;
  readonly correlationId?: string;
  readonly code?: string;

  constructor(message: string, details: GenesysApiErrorDetails) {
    super(message);
    this.status = details.status;
    if (details.correlationId !== undefined) this.correlationId = details.correlationId;
    if (details.code !== undefined) this.code = details.code;
  }
}
