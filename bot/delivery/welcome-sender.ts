import type { DeliveryResult } from '../../src/app/ports/alert-notifier';
import type { WelcomeLedger, WelcomeRecord, WelcomeScope } from '../../src/app/ports/welcome-ledger';
import type { Clock } from '../../src/platform/clock';
import type { Logger } from '../../src/platform/logger';
import { computeBackoffInMs } from '../../src/platform/backoff';
import type { ConversationLocation, TeamsMessenger } from './teams-messenger';
import type { TeamsSendLimiter } from './teams-send-limiter';
import { describeError } from '../../src/platform/describe-error';

/** Ports and tunables of a {@link WelcomeSender}. */
export interface WelcomeSenderDeps {
  readonly ledger: WelcomeLedger;
  readonly messenger: TeamsMessenger;
  readonly limiter: TeamsSendLimiter;
  readonly clock: Clock;
  readonly logger: Logger;
  /** Waits real time by default (the limiter's sleep); tests move a manual clock. */
  readonly sleep: (ms: number) => Promise<void>;
  /** Attempts before a welcome is given up (failed); default 5. */
  readonly maxAttempts?: number;
  /** How long another instance's claim is respected before the welcome is taken over; default 2 minutes. */
  readonly claimInMs?: number;
}

/** What {@link WelcomeSender.offer} did. */
export type WelcomeOffer = 'queued' | 'alreadyWelcomed' | 'markedSilently';

/** Counters of welcomes, rendered by /metrics. */
export interface WelcomeMetrics {
  /** Welcomes by outcome (`queued`, `alreadyWelcomed`, `markedSilently`, `sent`, `failed`). */
  welcomes: Record<string, number>;
}

/**
 * One welcome per scope, ever, within Teams limits. `offer` records the welcome in the durable ledger (an insert that
 * fails when the scope already has one, so the two install events Teams sends, on any instance and after any
 * restart, welcome once; an app upgrade only marks the scope) and queues it. A background loop sends queued welcomes
 * one by one through the shared tenant limiter, so a bulk install (an admin policy reaching thousands of people)
 * shares the tenant's budget with nudges and alerts instead of bursting past it. Welcomes left pending by a stop are
 * sent by the next start (`resume`); each is claimed (ETag) before sending so two instances never both send it.
 */
export class WelcomeSender {
  readonly metrics: WelcomeMetrics = { welcomes: {} };
  private readonly log: Logger;
  private readonly queue: Array<{ readonly scope: WelcomeScope; readonly scopeId: string }> = [];
  private draining: Promise<void> | undefined;
  private isStopped = false;
  private readonly maxAttempts: number;
  private readonly claimInMs: number;

  constructor(private readonly deps: WelcomeSenderDeps) {
    this.log = deps.logger.child({ component: 'welcomes' });
    this.maxAttempts = deps.maxAttempts ?? 5;
    this.claimInMs = deps.claimInMs ?? 2 * 60_000;
  }

  /**
   * Records and queues the welcome for a scope unless it already had one; `silently` (an app upgrade) only marks the
   * scope as done, so no later install event welcomes it either.
   */
  async offer(
    scope: WelcomeScope,
    scopeId: string,
    location: ConversationLocation,
    card: object,
    options: { readonly silently?: boolean } = {},
  ): Promise<WelcomeOffer> {
    const now = this.deps.clock.now();
    const isNew = await this.deps.ledger.create({
      scope,
      scopeId,
      status: options.silently ? 'skipped' : 'pending',
      tenantId: location.tenantId,
      serviceUrl: location.serviceUrl,
      conversationId: location.conversationId,
      reference: location.reference ?? {},
      ...(options.silently ? {} : { card }),
      createdAt: now,
      attempts: 0,
      notBefore: now,
    });
    const outcome: WelcomeOffer = !isNew ? 'alreadyWelcomed' : options.silently ? 'markedSilently' : 'queued';
    this.count(outcome);
    if (outcome === 'queued') this.enqueue(scope, scopeId);
    return outcome;
  }

  /** When the scope's welcome (or upgrade marker) was first recorded, or undefined when it has none. */
  async recordedAt(scope: WelcomeScope, scopeId: string): Promise<number | undefined> {
    return (await this.deps.ledger.get(scope, scopeId))?.createdAt;
  }

  /** Queues every welcome still pending in the ledger (left by a stop or a crash) and starts sending. */
  async resume(): Promise<number> {
    let queued = 0;
    for await (const row of this.deps.ledger.listPending()) {
      this.enqueue(row.scope, row.scopeId);
      queued += 1;
    }
    if (queued > 0) this.log.info({ queued }, 'pending welcomes queued again');
    return queued;
  }

  /** Resolves once the queue is empty (tests, and stopping). */
  async idle(): Promise<void> {
    while (this.draining) await this.draining;
  }

  /** Stops sending; queued welcomes stay pending in the ledger for the next start. */
  async stop(): Promise<void> {
    this.isStopped = true;
    await this.draining;
  }

  private enqueue(scope: WelcomeScope, scopeId: string): void {
    if (this.isStopped) return;
    this.queue.push({ scope, scopeId });
    if (this.draining === undefined) {
      this.draining = this.drain().finally(() => {
        this.draining = undefined;
      });
    }
  }

  private async drain(): Promise<void> {
    for (let next = this.queue.shift(); next && !this.isStopped; next = this.queue.shift()) {
      try {
        await this.deliver(next.scope, next.scopeId);
      } catch (error) {
        this.log.error(
          { scope: next.scope, err: describeError(error) },
          'welcome not sent: it stays pending for the next start',
        );
      }
    }
  }

  private async deliver(scope: WelcomeScope, scopeId: string): Promise<void> {
    const { ledger, clock } = this.deps;
    const found = await ledger.get(scope, scopeId);
    if (found === undefined || found.status !== 'pending' || found.card === undefined) return;
    if (found.claimedAt !== undefined && clock.now() - found.claimedAt < this.claimInMs) return;
    let row = found;
    for (;;) {
      const claimed: WelcomeRecord = { ...row, claimedAt: clock.now(), attempts: row.attempts + 1 };
      if (!(await ledger.update(claimed))) return; // another instance claimed or finished it
      const current = await ledger.get(scope, scopeId);
      if (current === undefined) return;
      const location = {
        serviceUrl: current.serviceUrl,
        conversationId: current.conversationId,
        tenantId: current.tenantId,
        reference: current.reference,
      };
      const hasSlot = await this.deps.limiter.take(current.conversationId, current.tenantId ?? '', {
        isCancelled: () => this.isStopped,
        isBulk: true,
      });
      if (!hasSlot) {
        await ledger.update({ ...current, claimedAt: undefined, attempts: row.attempts });
        return;
      }
      const result = await this.deps.messenger.sendCard(location, current.card!);
      const next = await this.record(current, result);
      if (next === undefined) return;
      row = next;
    }
  }

  /** Writes the outcome; returns the row to try again, or undefined when done. */
  private async record(row: WelcomeRecord, result: DeliveryResult): Promise<WelcomeRecord | undefined> {
    const { ledger, clock } = this.deps;
    const now = clock.now();
    if (result.status === 'sent') {
      await ledger.update({ ...row, status: 'sent', sentAt: now, card: undefined, claimedAt: undefined });
      this.count('sent');
      this.log.info({ scope: row.scope }, 'welcome sent');
      return undefined;
    }
    if (result.status === 'throttled') {
      // A 429 pauses the whole tenant; the next take waits it out. Not counted as an attempt.
      this.deps.limiter.pauseTenant(row.tenantId, now + result.retryAfterMs);
      if (!(await ledger.update({ ...row, claimedAt: undefined, attempts: row.attempts - 1 })))
        return undefined;
      return ledger.get(row.scope, row.scopeId);
    }
    const isRetryable = result.status === 'failed' && result.isRetryable && row.attempts < this.maxAttempts;
    const reason = result.reason;
    if (!isRetryable) {
      await ledger.update({
        ...row,
        status: 'failed',
        lastError: reason,
        card: undefined,
        claimedAt: undefined,
      });
      this.count('failed');
      this.log.warn({ scope: row.scope, status: result.status, reason }, 'welcome given up');
      return undefined;
    }
    const backoffInMs = computeBackoffInMs(row.attempts, {
      baseInMs: 1_000,
      maxInMs: 60_000,
      jitter: 'none',
    });
    if (
      !(await ledger.update({
        ...row,
        claimedAt: undefined,
        lastError: reason,
        notBefore: now + backoffInMs,
      }))
    )
      return undefined;
    await this.deps.sleep(backoffInMs);
    return ledger.get(row.scope, row.scopeId);
  }

  private count(outcome: string): void {
    this.metrics.welcomes[outcome] = (this.metrics.welcomes[outcome] ?? 0) + 1;
  }
}
