import { startTimer, type CancelTimer } from '../platform/timers';
import type { TableService } from './table-service';

/** Longest a readiness probe waits for Table storage by default. */
const DEFAULT_PROBE_TIMEOUT_IN_MS = 2_000;

/**
 * Asks Table storage for real whether it answers now: one query of at most one entity (`$top=1`, PartitionKey only)
 * on the Leases table, the cheapest call that needs the account, the credential and the table. True when it
 * answered, false when it failed or did not answer within `timeoutInMs` (the request is aborted); never throws.
 */
export async function probeTableStorage(
  service: TableService,
  timeoutInMs: number = DEFAULT_PROBE_TIMEOUT_IN_MS,
): Promise<boolean> {
  const abort = new AbortController();
  let cancel: CancelTimer = () => undefined;
  const timedOut = new Promise<boolean>((resolve) => {
    cancel = startTimer(
      () => {
        abort.abort();
        resolve(false);
      },
      timeoutInMs,
      true,
    );
  });
  const answered = service
    .client('Leases')
    .listEntities({ queryOptions: { select: ['PartitionKey'] }, abortSignal: abort.signal })
    .byPage({ maxPageSize: 1 })
    .next()
    .then(
      () => true,
      () => false,
    );
  try {
    return await Promise.race([answered, timedOut]);
  } finally {
    cancel();
  }
}
