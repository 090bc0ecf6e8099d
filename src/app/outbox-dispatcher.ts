import type { EpisodeChange } from '../domain/drift-commands';
import type { Clock, Scheduler } from '../platform/clock';
import type { Logger } from '../platform/logger';
import type { AlertNotifier, DeliveryResult } from './ports/alert-notifier';
import type { AlertOutbox, OutboxAlert } from './ports/alert-outbox';
import { UnitStopSignals } from './unit-stop-signals';
import { outboxAlertId } from './outbox-alert';
import { computeBackoffInMs } from '../platform/backoff';
import { describeError } from '../platform/describe-error';

/** Settings and ports of an {@link OutboxDispatcher}. */
export interface OutboxDispatcherOptions {
  readonly clock: Clock;
  readonly scheduler: Scheduler;
  readonly outbox: AlertOutbox;
  readonly notifier: AlertNotifier;
  readonly logger: Logger;
  /** Failed (retryable) attempts before a row is dead-lettered; default 5. */
  readonly maxAttempts?: number;
  /** Throttled attempts before a row is dead-lettered; default 50 (Retry-After is honoured each time). */
  readonly maxThrottledAttempts?: number;
  /** First retry delay of the jittered exponential backoff; default 2 s. */
  readonly baseBackoffInMs?: number;
  /** Longest retry delay; default 5 min. */
  readonly maxBackoffInMs?: number;
  /** How long a claimed row is left alone by other dispatchers while it is being sent; default 2 min. */
  readonly claimInMs?: number;
  /** A number in [0, 1) for the jitter; default Math.random. */
  readonly random?: () => number;
  /** Waits for pending asynchronous work (the monitor passes its tracker so `idle()` sees retries). */
  readonly track?: (work: Promise<unknown>) => void;
  /** Whether this instance delivers the unit's rows now (its lease owner); default every unit. */
  readonly ownsUnit?: (managementUnitId: string) => boolean;
}

/**
 * What one dispatch did to a row; `handedBack`: claimed, then given back unsent as it was because the dispatcher
 * stopped (the next owner sends it, and it is not in doubt).
 */
export type DispatchOutcome = 'sent' | 'retryScheduled' | 'deadLettered' | 'skipped' | 'handedBack';

/** Scheduler key of an outbox row's retry. */
function outboxRetryKey(id: string): string {
  return `outbox:${id}`;
}

/**
 * Delivers outbox rows through the AlertNotifier and records each result on the row: `sent` (with where it
 * landed), `throttled` (retry at Retry-After), `failed` (retryable: jittered backoff, bounded; else dead-letter),
 * `recipientGone` (dead-letter and update the episode's cards). Retries go through the Scheduler, never sleeps;
 * a row already sent is never sent again, and nothing is dropped without a dead-letter row and an error log.
 */
export class OutboxDispatcher {
  private readonly log: Logger;
  private readonly inFlight = new Set<string>();
  /** Row ids with a scheduled retry, per management unit, so a lost unit's retries can be cancelled at once. */
  private readonly retriesByUnit = new Map<string, Set<string>>();
  /** Pending rows this dispatcher is responsible for (enqueued, listed at start or adoption, retrying), by id: unit. */
  private readonly pending = new Map<string, string>();
  private readonly maxAttempts: number;
  private readonly maxThrottledAttempts: number;
  private readonly baseBackoffInMs: number;
  private readonly maxBackoffInMs: number;
  private readonly claimInMs: number;
  private readonly random: () => number;
  /** Aborted by {@link stop} (or, for a unit, {@link cancelUnit}): waiting sends give their rows back unsent. */
  private readonly stopping = new UnitStopSignals();
  private isStopped = false;

  constructor(private readonly options: OutboxDispatcherOptions) {
    this.log = options.logger.child({ component: 'outbox-dispatcher' });
    this.maxAttempts = options.maxAttempts ?? 5;
    this.maxThrottledAttempts = options.maxThrottledAttempts ?? 50;
    this.baseBackoffInMs = options.baseBackoffInMs ?? 2_000;
    this.maxBackoffInMs = options.maxBackoffInMs ?? 5 * 60_000;
    this.claimInMs = options.claimInMs ?? 2 * 60_000;
    this.random = options.random ?? Math.random;
  }

  /** Adds the row (idempotent: an existing id is left as it is) and tries to deliver it if it is pending. */
  async enqueueAndDispatch(alert: OutboxAlert): Promise<DispatchOutcome> {
    await this.options.outbox.enqueue(alert);
    if (!this.isStopped && this.owns(alert.managementUnitId))
      this.pending.set(alert.id, alert.managementUnitId);
    return this.dispatch(alert.id);
  }

  /**
   * How many outbox rows of the units this instance delivers are pending: waiting to be sent, in flight, or waiting
   * for a retry (the outbox depth in /metrics). Kept as rows come and go; never reads the store.
   */
  pendingCount(): number {
    return this.pending.size;
  }

  /**
   * Tries every pending row of owned units (or of one unit) now, or schedules it for its notBefore; used at start-up
   * and adoption. A row still claimed was in flight when its previous sender stopped (crash, lost lease): whether Teams
   * got it is unknown and cannot be asked, so it is sent again now (at-least-once), logged and marked `in doubt`.
   */
  async dispatchPending(managementUnitId?: string): Promise<void> {
    const ids: string[] = [];
    for await (const row of this.options.outbox.listPending()) {
      if (managementUnitId !== undefined && row.managementUnitId !== managementUnitId) continue;
      if (!this.owns(row.managementUnitId)) continue;
      ids.push(row.id);
      this.pending.set(row.id, row.managementUnitId);
    }
    for (const id of ids) await this.dispatch(id, true);
  }

  /** Cancels the scheduled retries of a unit's rows (the unit's lease was lost); the rows stay pending for the next owner. */
  cancelUnit(managementUnitId: string): void {
    // A send of the unit still waiting for its Teams turn must not go out: the new owner sends the row.
    this.stopping.stopUnit(managementUnitId);
    for (const [id, unitId] of this.pending) if (unitId === managementUnitId) this.pending.delete(id);
    const ids = this.retriesByUnit.get(managementUnitId);
    if (ids === undefined) return;
    for (const id of ids) this.options.scheduler.cancel(outboxRetryKey(id));
    this.retriesByUnit.delete(managementUnitId);
  }

  /** Attempts one row if it is pending and due; a row in flight or already sent or dead-lettered is skipped. */
  async dispatch(id: string, isRecovery = false): Promise<DispatchOutcome> {
    if (this.isStopped || this.inFlight.has(id)) return 'skipped';
    this.inFlight.add(id);
    try {
      const outcome = await this.attempt(id, isRecovery);
      // Still pending here only while a retry waits; sent, dead-lettered, skipped (not pending, not ours, claimed by
      // another dispatcher) or handed back on a stop: the row is no longer this dispatcher's to send.
      if (outcome !== 'retryScheduled') this.pending.delete(id);
      return outcome;
    } finally {
      this.inFlight.delete(id);
    }
  }

  /**
   * Stops taking work (drain on SIGTERM): scheduled retries become no-ops and rows stay pending for the next owner;
   * a claimed row whose send has not gone out yet (still waiting for a rate-limit slot) is handed back unsent, as it
   * was before the claim, so the next owner sends it without marking it in doubt. A request already on the wire
   * finishes and its outcome is recorded; the caller waits for that (the monitor's `idle`).
   */
  stop(): void {
    this.isStopped = true;
    this.stopping.stopAll();
    this.pending.clear();
  }

  private async attempt(id: string, isRecovery: boolean): Promise<DispatchOutcome> {
    const { outbox, clock } = this.options;
    const found = await outbox.get(id);
    if (found === undefined || found.status !== 'pending') return 'skipped';
    // Only the unit's owner delivers its rows; a row of a unit lost meanwhile stays pending for the new owner.
    if (!this.owns(found.managementUnitId)) return 'skipped';
    const now = clock.now();
    let row = found;
    if (isRecovery && found.claimedAt !== undefined) {
      // The claim's sender stopped between claiming and recording (a crash or a lost lease; only the unit's owner
      // sends, and it takes the unit only after the old lease ran out). Teams has no idempotency key, so this may
      // repeat a message Teams already accepted; waiting out the claim would make it late instead.
      this.log.warn(
        { alertId: id, claimedAt: found.claimedAt, attempts: found.attempts },
        'delivery outcome unknown after a stop; sending again',
      );
      row = {
        ...found,
        notBefore: now,
        lastError: `in doubt: claimed at ${found.claimedAt} by a sender that stopped`,
      };
    }
    if (row.notBefore > now) {
      this.scheduleRetry(row, row.notBefore);
      return 'retryScheduled';
    }
    // Claim the row first (guarded by its ETag) so two dispatchers never send it twice; a crash after the send and
    // before the result is written is the one window where a restart can send again (at-least-once).
    const claimed: OutboxAlert = {
      ...row,
      attempts: row.attempts + 1,
      notBefore: now + this.claimInMs,
      claimedAt: now,
    };
    // The row as stored, with the version the result is written against (no read after the claim).
    const stored = await outbox.replace(claimed);
    if (stored === undefined) return 'skipped';
    const current = stored.etag === undefined ? ((await outbox.get(id)) ?? claimed) : stored;
    const result: DeliveryResult = this.isStopped
      ? { status: 'notSent', reason: 'stopping before the send' }
      : await this.deliver(current);
    return this.record(current, result, row);
  }

  /** Writes the row back as it was before this claim (attempts, notBefore), unclaimed: nothing was sent. */
  private async handBack(
    claimed: OutboxAlert,
    before: OutboxAlert,
    reason: string,
  ): Promise<DispatchOutcome> {
    await this.write({ ...before, claimedAt: undefined, etag: claimed.etag });
    this.log.info({ alertId: claimed.id, episodeId: claimed.episodeId, reason }, 'alert handed back unsent');
    return 'handedBack';
  }

  private async deliver(row: OutboxAlert): Promise<DeliveryResult> {
    try {
      return await this.options.notifier.deliver(row, { signal: this.stopping.of(row.managementUnitId) });
    } catch (error) {
      // The notifier should answer with values; an exception is unexpected, so it is logged and retried.
      this.log.error(
        { alertId: row.id, episodeId: row.episodeId, err: describeError(error) },
        'notifier threw while delivering',
      );
      return { status: 'failed', reason: describeError(error), isRetryable: true };
    }
  }

  /** Records the result on the claimed `row`; `unclaimed` is the row as it was before the claim. */
  private async record(
    row: OutboxAlert,
    result: DeliveryResult,
    unclaimed: OutboxAlert,
  ): Promise<DispatchOutcome> {
    const now = this.options.clock.now();
    const log = this.log.child({ alertId: row.id, episodeId: row.episodeId, agentId: row.agentId });
    switch (result.status) {
      case 'sent':
        await this.write({
          ...row,
          status: 'sent',
          conversationId: result.conversationId,
          activityId: result.activityId,
          ...(result.presentation === undefined ? {} : { presentation: result.presentation }),
          sentAt: now,
          claimedAt: undefined,
        });
        log.info({ kind: row.kind, recipient: row.recipient }, 'alert delivered');
        if (row.recipient !== 'agent') await this.reportEarlierDeadLetters(row);
        return 'sent';
      case 'throttled':
        if (row.attempts >= this.maxThrottledAttempts)
          return this.deadLetter(row, `throttled ${row.attempts} times`, log);
        return this.retry(row, now + Math.max(0, result.retryAfterMs), 'throttled', log);
      case 'recipientGone':
        return this.deadLetter(row, `recipient gone: ${result.reason}`, log);
      case 'failed':
        if (!result.isRetryable || row.attempts >= this.maxAttempts)
          return this.deadLetter(row, result.reason, log);
        return this.retry(row, now + this.backoffInMs(row.attempts), result.reason, log);
      case 'notSent':
        return this.handBack(row, unclaimed, result.reason);
    }
  }

  private async retry(
    row: OutboxAlert,
    notBefore: number,
    reason: string,
    log: Logger,
  ): Promise<DispatchOutcome> {
    await this.write({ ...row, notBefore, lastError: reason, claimedAt: undefined });
    log.warn({ attempts: row.attempts, retryAt: notBefore, reason }, 'alert delivery will be retried');
    this.scheduleRetry(row, notBefore);
    return 'retryScheduled';
  }

  private async deadLetter(row: OutboxAlert, reason: string, log: Logger): Promise<DispatchOutcome> {
    const dead: OutboxAlert = { ...row, status: 'deadLettered', lastError: reason, claimedAt: undefined };
    await this.write(dead);
    log.error(
      { kind: row.kind, recipient: row.recipient, attempts: row.attempts, reason },
      'alert dead-lettered',
    );
    await this.updateCards(dead, 'deliveryFailed');
    return 'deadLettered';
  }

  /** A supervisor card sent after the agent's nudge was dead-lettered must say the nudge did not arrive. */
  private async reportEarlierDeadLetters(row: OutboxAlert): Promise<void> {
    // One read of the nudge's row (its id is known), not of the episode's whole ledger.
    const nudge = await this.options.outbox.get(outboxAlertId(row.episodeId, 'nudge', 'agent'));
    if (nudge?.status === 'deadLettered') await this.updateCards(row, 'deliveryFailed');
  }

  private async updateCards(row: OutboxAlert, change: EpisodeChange): Promise<void> {
    const rows = await this.options.outbox.listByEpisode(row.episodeId);
    // Every row goes to the notifier: the sent ones are the cards to re-render, the dead-lettered ones say what failed.
    if (!rows.some((other) => other.status === 'sent')) return;
    try {
      await this.options.notifier.updateCards(row.episode, change, rows);
    } catch (error) {
      this.log.error(
        { episodeId: row.episodeId, err: describeError(error) },
        'could not update cards after a failed delivery',
      );
    }
  }

  /** Writes the row; if another writer changed it meanwhile, re-reads and writes the result over the newer version. */
  private async write(row: OutboxAlert): Promise<void> {
    if (await this.options.outbox.update(row)) return;
    const latest = await this.options.outbox.get(row.id);
    if (latest === undefined || latest.status === 'sent') return;
    if (!(await this.options.outbox.update({ ...row, etag: latest.etag }))) {
      this.log.error({ alertId: row.id }, 'outbox row changed twice while recording a delivery result');
    }
  }

  private scheduleRetry(row: OutboxAlert, at: number): void {
    const { id, managementUnitId } = row;
    const ids = this.retriesByUnit.get(managementUnitId) ?? new Set<string>();
    ids.add(id);
    this.retriesByUnit.set(managementUnitId, ids);
    this.options.scheduler.schedule(outboxRetryKey(id), at, () => {
      ids.delete(id);
      const work = this.dispatch(id).catch((error) =>
        this.log.error({ alertId: id, err: describeError(error) }, 'retry failed'),
      );
      this.options.track?.(work);
    });
  }

  private owns(managementUnitId: string): boolean {
    return this.options.ownsUnit?.(managementUnitId) ?? true;
  }

  /** Exponential backoff with equal jitter: half fixed, half random, capped. */
  private backoffInMs(attempts: number): number {
    return computeBackoffInMs(
      attempts,
      { baseInMs: this.baseBackoffInMs, maxInMs: this.maxBackoffInMs, jitter: 'equal' },
      this.random,
    );
  }
}
