import type { DeliveryResult } from '../../src/app/ports/alert-notifier';
import type { DigestLedger, DigestRecord } from '../../src/app/ports/digest-ledger';
import type { Clock } from '../../src/platform/clock';
import type { Logger } from '../../src/platform/logger';
import { computeBackoffInMs } from '../../src/platform/backoff';
import { describeError } from '../../src/platform/describe-error';
import type { TeamsMessenger } from '../delivery/teams-messenger';
import type { TeamsSendLimiter } from '../delivery/teams-send-limiter';
import type { DigestChannel, DigestViews } from './digest-views';

/** Where a digest is recorded and how it reaches Teams: shared by the sender and its card delivery. */
export interface DigestSendPorts {
  readonly ledger: DigestLedger;
  readonly messenger: Pick<TeamsMessenger, 'postToChannel'>;
  /** The tenant's Teams budget, shared with alerts, replies and welcomes. */
  readonly limiter: Pick<TeamsSendLimiter, 'take' | 'pauseTenant'>;
}

/** Ports and tunables of a {@link DigestCardDelivery}, and the steps of the sender it reports back to. */
export interface DigestCardDeliveryDeps extends DigestSendPorts {
  readonly views: Pick<DigestViews, 'card'>;
  readonly clock: Clock;
  readonly log: Logger;
  /** Failed attempts before a digest is given up. */
  readonly maxAttempts: number;
  /** Longest wait for a Teams slot before the digest is handed back and tried a minute later. */
  readonly slotWaitInMs: number;
  /** Whether the sender has stopped: a send waiting for a slot is handed back unsent. */
  readonly isStopped: () => boolean;
  /** Resolves (false: no slot) when the sender stops. */
  readonly stopping: Promise<false>;
  /** A digest settled for good (sent, or given up): never read again. */
  readonly noteSettled: (row: DigestRecord) => void;
  /** Looks at the row again at `at` (a retry is due). */
  readonly recheckAt: (conversationKey: string, row: DigestRecord, at: number) => void;
  /** Counts an outcome for /metrics. */
  readonly count: (outcome: string) => void;
}

/** How soon a digest handed back for want of a Teams slot is tried again. */
const HAND_BACK_RETRY_IN_MS = 60_000;

/**
 * Posts a claimed weekly digest card to its channel within the tenant's Teams budget and writes the outcome on its
 * ledger row: sent, tried again later (throttled, a retryable failure, no slot in time), or given up.
 */
export class DigestCardDelivery {
  constructor(private readonly deps: DigestCardDeliveryDeps) {}

  /** Builds the card, waits for a Teams slot and posts it as a new thread in the channel; records the outcome. */
  async send(channel: DigestChannel, row: DigestRecord): Promise<void> {
    let card: object;
    try {
      card = await this.deps.views.card(channel, row.weekStart, row.timeZone);
    } catch (error) {
      await this.record(channel, row, {
        status: 'failed',
        reason: describeError(error),
        isRetryable: true,
      });
      return;
    }
    const { conversation } = channel;
    // Bulk work: the digests of a Monday morning may use only part of the tenant's budget, alerts keep the rest.
    const hasSlot = await Promise.race([
      this.deps.limiter.take(conversation.conversationId, conversation.tenantId ?? '', {
        maxWaitInMs: this.deps.slotWaitInMs,
        isCancelled: () => this.deps.isStopped(),
        isBulk: true,
      }),
      this.deps.stopping,
    ]);
    if (!hasSlot || this.deps.isStopped()) {
      await this.handBack(channel, row, this.deps.isStopped() ? 'stopping' : 'no Teams slot in time');
      return;
    }
    const result = await this.deps.messenger.postToChannel(conversation, card);
    await this.record(channel, row, result);
  }

  /** Writes what became of a send: sent, or tried again later, or given up. */
  private async record(channel: DigestChannel, row: DigestRecord, result: DeliveryResult): Promise<void> {
    const { ledger, clock } = this.deps;
    const now = clock.now();
    const fields = { conversationKey: row.conversationKey, weekStart: row.weekStart };
    const unclaimed = { ...row, claimedBy: undefined, claimedAt: undefined };
    switch (result.status) {
      case 'sent': {
        const recorded = await ledger.update({
          ...unclaimed,
          status: 'sent',
          sentAt: now,
          conversationId: result.conversationId,
          activityId: result.activityId,
          ...(row.isInDoubt ? {} : { lastError: undefined }),
        });
        this.deps.noteSettled(row);
        this.deps.count('sent');
        if (recorded)
          this.deps.log.info({ ...fields, lateInMs: Math.max(0, now - row.dueAt) }, 'weekly digest sent');
        else this.deps.log.warn(fields, 'weekly digest sent, but its row changed meanwhile');
        return;
      }
      case 'notSent':
        return this.handBack(channel, row, result.reason);
      case 'throttled': {
        // A 429 pauses the whole tenant; the digest waits it out. Not counted as an attempt.
        this.deps.limiter.pauseTenant(channel.conversation.tenantId, now + result.retryAfterMs);
        const next = { ...unclaimed, status: 'pending' as const, attempts: row.attempts - 1 };
        return this.retryAt(channel, next, now + result.retryAfterMs, 'throttled by Teams');
      }
      case 'failed':
      case 'recipientGone': {
        if (result.status === 'failed' && result.isRetryable && row.attempts < this.deps.maxAttempts) {
          const backoffInMs = computeBackoffInMs(row.attempts, { baseInMs: 5_000, maxInMs: 10 * 60_000 });
          return this.retryAt(channel, { ...unclaimed, status: 'pending' }, now + backoffInMs, result.reason);
        }
        await ledger.update({ ...unclaimed, status: 'failed', lastError: result.reason });
        this.deps.noteSettled(row);
        this.deps.count('failed');
        this.deps.log.warn(
          { ...fields, status: result.status, reason: result.reason },
          'weekly digest given up',
        );
        return;
      }
    }
  }

  /** Gives a claimed row back unsent, as it was (the attempt does not count); retried in a minute unless stopping. */
  private async handBack(channel: DigestChannel, row: DigestRecord, reason: string): Promise<void> {
    const now = this.deps.clock.now();
    this.deps.count('handedBack');
    const next: DigestRecord = {
      ...row,
      status: 'pending',
      attempts: row.attempts - 1,
      claimedBy: undefined,
      claimedAt: undefined,
    };
    if (this.deps.isStopped()) {
      await this.deps.ledger.update({ ...next, notBefore: now, lastError: reason });
      this.deps.log.info(
        { conversationKey: row.conversationKey, reason },
        'weekly digest handed back unsent',
      );
      return;
    }
    await this.retryAt(channel, next, now + HAND_BACK_RETRY_IN_MS, reason);
  }

  private async retryAt(
    channel: DigestChannel,
    next: DigestRecord,
    at: number,
    reason: string,
  ): Promise<void> {
    if (!(await this.deps.ledger.update({ ...next, notBefore: at, lastError: reason }))) return;
    this.deps.count('retried');
    this.deps.log.info(
      { conversationKey: next.conversationKey, reason, retryAt: at },
      'weekly digest tried again later',
    );
    const current = await this.deps.ledger.get(next.weekStart, next.conversationKey);
    if (current !== undefined) this.deps.recheckAt(channel.key, current, at);
  }
}
