/**
 * What a failed HTTP call means for the caller, the one rule for every service we call (Genesys Cloud, Teams, Slack):
 * - `throttled`: 429; wait the server's Retry-After (else a default) and try again.
 * - `transient`: 412, 502, 503, 504 or no answer at all (network error, timeout); retry with jittered backoff.
 * - `unauthorized` (401), `forbidden` (403), `notFound` (404, 410): the caller decides (renew a token, drop a
 *   recipient); retrying as is will not help.
 * - `rejected`: anything else (400, 413, 500, ...): bad input or a fault that repeating the same request will not fix.
 *
 * The retryable set is what the vendors document: Teams retries 429 and "error codes 412, 502, and 504 must also be
 * retried" (https://learn.microsoft.com/microsoftteams/platform/bots/how-to/rate-limit), and Genesys Cloud's own SDKs
 * retry 429, 502, 503 and 504 (MyPureCloud/platform-client-sdk-java,
 * build/src/main/java/com/mypurecloud/sdk/v2/ApiClient.java, class `Retry`). Neither retries a 500.
 */
export type HttpFailureKind =
  'throttled' | 'transient' | 'unauthorized' | 'forbidden' | 'notFound' | 'rejected';

/** Classifies a non-2xx HTTP status (`undefined` or 0: no answer, i.e. a network error); pure. */
export function classifyHttpFailure(status: number | undefined): HttpFailureKind {
  if (status === undefined || status === 0) return 'transient';
  if (status === 429) return 'throttled';
  if (status === 412 || status === 502 || status === 503 || status === 504) return 'transient';
  if (status === 401) return 'unauthorized';
  if (status === 403) return 'forbidden';
  if (status === 404 || status === 410) return 'notFound';
  return 'rejected';
}

/** True for a 2xx status. */
export function isSuccessStatus(status: number | undefined): boolean {
  return status !== undefined && status >= 200 && status < 300;
}
