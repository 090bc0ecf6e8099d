import type { WeeklyTime } from '../../src/analytics/digest-schedule';
import { latestDigestDue, nextDigestDue, reportedWeekOf } from '../../src/analytics/digest-schedule';
import type { DigestRecord } from '../../src/app/ports/digest-ledger';
import type { Clock, Scheduler } from '../../src/platform/clock';
import type { Logger } from '../../src/platform/logger';
import { describeError } from '../../src/platform/describe-error';
import { DigestCardDelivery, type DigestSendPorts } from './digest-card-delivery';
import type { DigestChannel, DigestViews } from './digest-views';

/** Ports and tunables of a {@link WeeklyDigestSender}. */
export interface WeeklyDigestSenderDeps extends DigestSendPorts {
  readonly views: Pick<DigestViews, 'listChannels' | 'channel' | 'timeZones' | 'card'>;
  readonly clock: Clock;
  readonly scheduler: Scheduler;
  readonly logger: Logger;
  /** This instance's name (INSTANCE_ID), written on the rows it claims. */
  readonly instanceId: string;
  /** DIGEST_SCHEDULE (not `off`). */
  readonly schedule: WeeklyTime;
  /** How long another instance's claim is respected before it counts as stopped; default 5 minutes. */
  readonly claimInMs?: number;
  /** A digest later than this after its due instant is skipped (and logged), not sent; default one day. */
  readonly maxLatenessInMs?: number;
  /** Failed attempts before a digest is given up; default 5. */
  readonly maxAttempts?: number;
  /** Longest wait for a Teams slot before the digest is handed back and tried a minute later; default 60 s. */
  readonly slotWaitInMs?: number;
}

/** Counters of weekly digests, rendered by /metrics (`digest_sends_total{key}`). */
export interface DigestMetrics {
  /** By outcome: `sent`, `skipped` (too late), `failed`, `retried`, `handedBack`, `inDoubt`. */
  readonly sends: Record<string, number>;
}

const PASS_KEY = 'job:weeklyDigest';
const DAY_IN_MS = 86_400_000;
/** How soon a pass that could not list the channels (storage unreachable) is tried again. */
const PASS_RETRY_IN_MS = 60_000;
/**
 * Longest time between two passes: the next is at the earliest due instant over the units' zones, or sooner, so a unit
 * found later in a zone no other unit has is served within this.
 */
const MAX_PASS_GAP_IN_MS = 6 * 60 * 60_000;

/**
 * Sends every watching channel its weekly digest once, at DIGEST_SCHEDULE in the channel's time zone, whatever the
 * number of instances and restarts. Every instance runs the schedule; the digest ledger decides who sends: the first
 * to insert the row of a channel and week (PartitionKey week, RowKey channel) claims it and sends; the others find the
 * row and leave it, looking again when the claim would expire. The card goes through the tenant's Teams limiter as
 * bulk work (alerts keep their share). A stop hands a claim back unsent; a claim left by a crash is taken over by the
 * same instance at its next start, or by another after `claimInMs`, and the digest is sent again marked in doubt
 * (Teams has no idempotency key: a crash after Teams accepted the card and before the row said so is the one way a
 * channel gets it twice). At start, and at every due instant, each channel's latest due digest is settled: sent when
 * it is less than `maxLatenessInMs` late, else recorded as skipped and logged.
 */
export class WeeklyDigestSender {
  readonly metrics: DigestMetrics = { sends: {} };
  private readonly log: Logger;
  private readonly claimInMs: number;
  private readonly maxLatenessInMs: number;
  /** Posts a claimed digest and records its outcome. */
  private readonly delivery: DigestCardDelivery;
  /** Work runs one item at a time, in order: passes, re-checks, sends. */
  private queue: Promise<void> = Promise.resolve();
  /** Digests settled for good (sent, skipped, failed), `week|channel`: never read again. */
  private readonly settled = new Set<string>();
  private readonly inFlight = new Set<string>();
  private readonly recheckKeys = new Set<string>();
  private isStopped = false;
  /** Resolves (false: no slot) when {@link stop} is called, so a send waiting for a Teams slot gives up at once. */
  private readonly stopping: Promise<false>;
  private noteStopping: () => void = () => undefined;

  constructor(private readonly deps: WeeklyDigestSenderDeps) {
    this.stopping = new Promise<false>((resolve) => {
      this.noteStopping = () => resolve(false);
    });
    this.log = deps.logger.child({ component: 'digest' });
    this.claimInMs = deps.claimInMs ?? 5 * 60_000;
    this.maxLatenessInMs = deps.maxLatenessInMs ?? DAY_IN_MS;
    this.delivery = new DigestCardDelivery({
      views: deps.views,
      ledger: deps.ledger,
      messenger: deps.messenger,
      limiter: deps.limiter,
      clock: deps.clock,
      log: this.log,
      maxAttempts: deps.maxAttempts ?? 5,
      slotWaitInMs: deps.slotWaitInMs ?? 60_000,
      isStopped: () => this.isStopped,
      stopping: this.stopping,
      noteSettled: (row) => this.settled.add(`${row.weekStart}|${row.conversationKey}`),
      recheckAt: (conversationKey, row, at) => this.recheckAt(conversationKey, row, at),
      count: (outcome) => this.count(outcome),
    });
  }

  /** Settles every channel's latest due digest now (a missed one goes out if less than a day late), then keeps time. */
  start(): void {
    this.enqueue(() => this.pass());
  }

  /** Resolves once no work is queued (tests, and stopping). */
  async idle(): Promise<void> {
    let current: Promise<void>;
    do {
      current = this.queue;
      await current;
    } while (current !== this.queue);
  }

  /** Stops: nothing more is scheduled, a send waiting for a Teams slot is handed back unsent, a send on the wire ends. */
  async stop(): Promise<void> {
    this.isStopped = true;
    this.noteStopping();
    this.deps.scheduler.cancel(PASS_KEY);
    for (const key of this.recheckKeys) this.deps.scheduler.cancel(key);
    this.recheckKeys.clear();
    await this.idle();
  }

  private enqueue(work: () => Promise<void>): void {
    this.queue = this.queue.then(async () => {
      if (this.isStopped) return;
      try {
        await work();
      } catch (error) {
        this.log.error({ err: describeError(error) }, 'weekly digest work failed');
      }
    });
  }

  /** Settles each channel's latest due digest; the next pass is at the next due instant over the units' zones. */
  private async pass(): Promise<void> {
    const now = this.deps.clock.now();
    let channels: DigestChannel[];
    try {
      channels = await this.deps.views.listChannels();
    } catch (error) {
      this.log.warn({ err: describeError(error) }, 'could not list the watching channels; trying again');
      this.deps.scheduler.schedule(PASS_KEY, now + PASS_RETRY_IN_MS, () => this.enqueue(() => this.pass()));
      return;
    }
    for (const channel of channels) {
      if (this.isStopped) return;
      const dueAt = latestDigestDue(this.deps.schedule, channel.timeZone, now);
      // A channel that began watching after the digest was due gets its first one next time.
      if (channel.watchingSince > dueAt) continue;
      const { weekStart } = reportedWeekOf(dueAt, channel.timeZone);
      try {
        await this.settle(channel, weekStart, dueAt);
      } catch (error) {
        this.log.error(
          { conversationKey: channel.key, weekStart, err: describeError(error) },
          'weekly digest not settled; trying again at the next due instant or start',
        );
      }
    }
    const next = Math.min(
      now + MAX_PASS_GAP_IN_MS,
      ...this.deps.views.timeZones().map((zone) => nextDigestDue(this.deps.schedule, zone, now)),
    );
    this.deps.scheduler.schedule(PASS_KEY, next, () => this.enqueue(() => this.pass()));
  }

  /** Sends the channel's digest of the week unless the ledger says it is done or another instance has it. */
  private async settle(channel: DigestChannel, weekStart: string, dueAt: number): Promise<void> {
    const id = `${weekStart}|${channel.key}`;
    if (this.settled.has(id) || this.inFlight.has(id)) return;
    const { ledger, clock, instanceId } = this.deps;
    const now = clock.now();
    const isLate = now - dueAt >= this.maxLatenessInMs;
    let row = await ledger.get(weekStart, channel.key);
    if (row === undefined) {
      const base = {
        weekStart,
        conversationKey: channel.key,
        timeZone: channel.timeZone,
        dueAt,
        notBefore: now,
      };
      if (isLate) {
        if (await ledger.create({ ...base, status: 'skipped', attempts: 0, lastError: lateness(now, dueAt) }))
          this.noteSkipped(base, now);
        this.settled.add(id);
        return;
      }
      // Insert-once: the instance whose insert succeeds sends; everyone else finds the row.
      if (
        await ledger.create({
          ...base,
          status: 'claimed',
          attempts: 1,
          claimedBy: instanceId,
          claimedAt: now,
        })
      ) {
        const created = await ledger.get(weekStart, channel.key);
        if (created !== undefined) await this.send(channel, created);
        return;
      }
      row = await ledger.get(weekStart, channel.key);
      if (row === undefined) return;
    }
    switch (row.status) {
      case 'sent':
      case 'skipped':
      case 'failed':
        this.settled.add(id);
        return;
      case 'pending':
        if (isLate) return this.skip(row, now);
        if (row.notBefore > now) return this.recheckAt(channel.key, row, row.notBefore);
        return this.claimAndSend(channel, row, false);
      case 'claimed': {
        // Our own claim that no send of this process holds was left by our previous run (same INSTANCE_ID).
        const claimEndsAt = (row.claimedAt ?? 0) + this.claimInMs;
        if (row.claimedBy !== instanceId && claimEndsAt > now)
          return this.recheckAt(channel.key, row, claimEndsAt);
        if (isLate) return this.skip(row, now);
        return this.claimAndSend(channel, row, true);
      }
    }
  }

  /** Claims a row (ETag) and sends; `isTakeover`: its last sender stopped mid-send, so the channel may have it. */
  private async claimAndSend(channel: DigestChannel, row: DigestRecord, isTakeover: boolean): Promise<void> {
    const { ledger, clock, instanceId } = this.deps;
    const now = clock.now();
    const claimed: DigestRecord = {
      ...row,
      status: 'claimed',
      attempts: row.attempts + 1,
      claimedBy: instanceId,
      claimedAt: now,
      ...(isTakeover
        ? {
            isInDoubt: true,
            lastError: `in doubt: claimed at ${new Date(row.claimedAt ?? 0).toISOString()} by ${row.claimedBy ?? 'an instance'} that stopped before recording the outcome`,
          }
        : {}),
    };
    if (!(await ledger.update(claimed))) return; // another instance took it first: it sends
    if (isTakeover) {
      this.count('inDoubt');
      this.log.warn(
        { conversationKey: row.conversationKey, weekStart: row.weekStart, claimedBy: row.claimedBy },
        'weekly digest outcome unknown after a stop; sending again',
      );
    }
    const current = await ledger.get(row.weekStart, row.conversationKey);
    if (current !== undefined) await this.send(channel, current);
  }

  /** Sends a claimed digest, marked in flight meanwhile so that no pass or re-check settles it twice. */
  private async send(channel: DigestChannel, row: DigestRecord): Promise<void> {
    const id = `${row.weekStart}|${row.conversationKey}`;
    this.inFlight.add(id);
    try {
      await this.delivery.send(channel, row);
    } finally {
      this.inFlight.delete(id);
    }
  }

  /** Looks at the row again at `at` (another instance's claim runs out, a retry is due). */
  private recheckAt(conversationKey: string, row: DigestRecord, at: number): void {
    if (this.isStopped) return;
    const key = `${PASS_KEY}:${row.weekStart}|${conversationKey}`;
    this.recheckKeys.add(key);
    this.deps.scheduler.schedule(key, at, () =>
      this.enqueue(async () => {
        this.recheckKeys.delete(key);
        const channel = await this.deps.views.channel(conversationKey);
        if (channel === undefined) {
          this.log.info({ conversationKey }, 'weekly digest dropped: the channel no longer watches');
          return;
        }
        await this.settle(channel, row.weekStart, row.dueAt);
      }),
    );
  }

  /** Marks a digest too late to send as skipped (the first instance to do so logs it). */
  private async skip(row: DigestRecord, now: number): Promise<void> {
    const skipped: DigestRecord = {
      ...row,
      status: 'skipped',
      claimedBy: undefined,
      claimedAt: undefined,
      lastError: `${lateness(now, row.dueAt)}${row.lastError ? `; ${row.lastError}` : ''}`,
    };
    if (await this.deps.ledger.update(skipped)) this.noteSkipped(row, now);
    this.settled.add(`${row.weekStart}|${row.conversationKey}`);
  }

  private noteSkipped(row: Pick<DigestRecord, 'conversationKey' | 'weekStart' | 'dueAt'>, now: number): void {
    this.count('skipped');
    this.log.warn(
      {
        conversationKey: row.conversationKey,
        weekStart: row.weekStart,
        dueAt: new Date(row.dueAt).toISOString(),
        lateInHours: Math.floor((now - row.dueAt) / 3_600_000),
      },
      'weekly digest skipped: more than a day late (the service was down when it was due)',
    );
  }

  private count(outcome: string): void {
    this.metrics.sends[outcome] = (this.metrics.sends[outcome] ?? 0) + 1;
  }
}

function lateness(now: number, dueAt: number): string {
  return `not sent: ${Math.floor((now - dueAt) / 3_600_000)} h after it was due`;
}
