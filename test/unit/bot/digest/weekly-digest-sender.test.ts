import assert from 'node:assert/strict';
import { DigestViews, digestTimeZone } from '../../../../bot/digest/digest-views';
import { WeeklyDigestSender } from '../../../../bot/digest/weekly-digest-sender';
import { TeamsSendLimiter } from '../../../../bot/delivery/teams-send-limiter';
import type { DigestLedger, DigestRecord } from '../../../../src/app/ports/digest-ledger';
import type { Scheduler } from '../../../../src/platform/clock';
import { InMemoryDigestLedger } from '../../../../src/storage/digests/in-memory-digest-ledger';
import { createInMemoryStores } from '../../../../src/storage/in-memory-stores';
import type { StoreSet } from '../../../../src/storage/store-set';
import { exampleDirectory, type FakeDirectory } from '../../../support/bot-fakes';
import { endedEpisode } from '../../../support/digest-fixtures';
import { FakeTeamsMessenger } from '../../../support/fake-teams-messenger';
import { ManualClock } from '../../../support/manual-clock';
import { ManualScheduler } from '../../../support/manual-scheduler';
import { RecordingLogger } from '../../../support/recording-logger';
import { watchFrom } from '../../../support/tab-fixtures';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const MONDAY_8 = { isoWeekday: 1, hour: 8, minute: 0 };
// Unit North is in Europe/Dublin: Monday 24 August 2026, 08:00 IST is 07:00Z.
const DUE = Date.UTC(2026, 7, 24, 7, 0);
const ALERTS = {
  teamId: '19:support@thread.tacv2',
  teamName: 'Support',
  channelId: '19:alerts@thread.tacv2',
  channelName: 'Alerts',
  serviceUrl: 'https://smba.example/teams/',
  tenantId: 'tenant-1',
};
const ALERTS_KEY = `channel:${ALERTS.channelId}`;
const FLOOR = { ...ALERTS, channelId: '19:floor@thread.tacv2', channelName: 'Floor' };

describe('WeeklyDigestSender: one digest per channel and week, on time, across replicas and restarts', () => {
  let clock: ManualClock;
  let scheduler: ManualScheduler;
  let stores: StoreSet;
  let ledger: DigestLedger;
  let directory: FakeDirectory;
  let logger: RecordingLogger;
  const running: WeeklyDigestSender[] = [];

  beforeEach(async () => {
    clock = new ManualClock(DUE - 3 * DAY);
    scheduler = new ManualScheduler(clock);
    stores = createInMemoryStores();
    ledger = new InMemoryDigestLedger();
    directory = exampleDirectory();
    logger = new RecordingLogger();
    // The channel has watched unit North for a month; Ana drifted last week (17-23 August) and the week before.
    await watchFrom(stores, ALERTS, { scope: 'managementUnit', targetId: 'mu-north' }, DUE - 30 * DAY);
    for (const [startedAt, outcome] of [
      [Date.UTC(2026, 7, 11, 9, 0), 'becameFormalException'],
      [Date.UTC(2026, 7, 12, 9, 0), 'becameFormalException'],
      [Date.UTC(2026, 7, 18, 9, 0), 'resolvedAfterNudge'],
      [Date.UTC(2026, 7, 19, 9, 0), 'becameFormalException'],
    ] as const)
      await stores.history.upsert(
        endedEpisode({
          agentId: 'agent-ana',
          agentName: 'Ana Alvarez',
          managementUnitId: 'mu-north',
          teamId: 'team-red',
          startedAt,
          outcome,
        }),
      );
  });

  afterEach(async () => {
    for (const sender of running.splice(0)) await sender.stop();
  });

  function startSender(
    instanceId: string,
    options: { messenger?: FakeTeamsMessenger; limiter?: TeamsSendLimiter; scheduler?: Scheduler } = {},
  ): { sender: WeeklyDigestSender; messenger: FakeTeamsMessenger; limiter: TeamsSendLimiter } {
    const messenger = options.messenger ?? new FakeTeamsMessenger();
    const limiter = options.limiter ?? new TeamsSendLimiter({ clock, sleep: clock.sleep });
    const sender = new WeeklyDigestSender({
      views: new DigestViews({ ...stores, directory, clock }),
      ledger,
      messenger,
      limiter,
      clock,
      scheduler: options.scheduler ?? scheduler.scoped(instanceId),
      logger: logger.child({ instance: instanceId }),
      instanceId,
      schedule: MONDAY_8,
    });
    running.push(sender);
    sender.start();
    return { sender, messenger, limiter };
  }

  async function advanceTo(at: number): Promise<void> {
    await scheduler.advanceToAsync(at);
    for (const sender of running) await sender.idle();
  }

  const posts = (messenger: FakeTeamsMessenger) => messenger.callsOf('postToChannel');
  const row = (weekStart = '2026-08-17', key = ALERTS_KEY) => ledger.get(weekStart, key);

  it("posts the channel's digest at Monday 08:00 in its unit's zone, not a moment before, once", async () => {
    clock.set(DUE - 2 * HOUR);
    const { sender, messenger } = startSender('replica-a');
    await sender.idle();
    assert.equal((await row('2026-08-10'))?.status, 'skipped', 'the digest due a week ago is a week late');
    await advanceTo(DUE - 1);
    assert.deepEqual(posts(messenger), []);
    await advanceTo(DUE);
    assert.equal(posts(messenger).length, 1);
    const card = JSON.stringify(posts(messenger)[0].card);
    assert.match(card, /Weekly drift digest/);
    assert.match(
      card,
      /Watching: unit North\. Last week \(17–23 Aug 2026\) against the week before \(10–16 Aug 2026\), Europe\/Dublin time/,
    );
    assert.doesNotMatch(card, /Ana Alvarez/, 'no agent is named');
    const sent = await row();
    assert.equal(sent?.status, 'sent');
    assert.equal(
      sent?.activityId,
      sent?.conversationId?.split('=')[1],
      'the root activity of the new thread',
    );
    assert.equal(sent?.sentAt, DUE);
    await advanceTo(DUE + 7 * DAY - 1);
    assert.equal(posts(messenger).length, 1, 'nothing more until the next Monday');
    await advanceTo(DUE + 7 * DAY);
    assert.equal(posts(messenger).length, 2);
    assert.equal((await row('2026-08-24'))?.status, 'sent');
  });

  it('sends once per channel and week with two replicas on one ledger, and not again after a restart', async () => {
    clock.set(DUE - HOUR);
    const a = startSender('replica-a');
    const b = startSender('replica-b');
    await advanceTo(DUE);
    await advanceTo(DUE + 10 * MINUTE); // the loser looks again when the winner's claim would have run out
    assert.equal(posts(a.messenger).length + posts(b.messenger).length, 1);
    const winner = posts(a.messenger).length === 1 ? 'replica-a' : 'replica-b';
    assert.equal((await row())?.status, 'sent');
    await a.sender.stop();
    await b.sender.stop();

    // Both restart an hour later (new processes, new instance ids): the ledger says it went out.
    clock.set(DUE + HOUR);
    const c = startSender('replica-c');
    const d = startSender('replica-d');
    await advanceTo(DUE + 2 * HOUR);
    assert.deepEqual([...posts(c.messenger), ...posts(d.messenger)], []);
    assert.equal(logger.withMessage('weekly digest sent').length, 1);
    assert.equal(logger.withMessage('weekly digest sent')[0].bindings.instance, winner);
  });

  it('sends a digest missed while the service was down when it starts less than a day late', async () => {
    clock.set(DUE + 23 * HOUR);
    const { sender, messenger } = startSender('replica-a');
    await sender.idle();
    assert.equal(posts(messenger).length, 1);
    assert.equal((await row())?.status, 'sent');
    assert.equal(
      logger.withMessage('weekly digest skipped: more than a day late (the service was down when it was due)')
        .length,
      0,
    );
  });

  it('skips and logs a digest more than a day late, once across replicas, and sends the next one on time', async () => {
    clock.set(DUE + 25 * HOUR);
    const a = startSender('replica-a');
    await a.sender.idle();
    const b = startSender('replica-b');
    await b.sender.idle();
    assert.deepEqual([...posts(a.messenger), ...posts(b.messenger)], []);
    const skipped = await row();
    assert.equal(skipped?.status, 'skipped');
    assert.match(skipped?.lastError ?? '', /not sent: 25 h after it was due/);
    const warnings = logger.withMessage(
      'weekly digest skipped: more than a day late (the service was down when it was due)',
    );
    assert.equal(warnings.length, 1, 'logged by the replica that recorded it');
    assert.deepEqual(warnings[0].fields, {
      conversationKey: ALERTS_KEY,
      weekStart: '2026-08-17',
      dueAt: new Date(DUE).toISOString(),
      lateInHours: 25,
    });
    await advanceTo(DUE + 7 * DAY);
    assert.equal(posts(a.messenger).length + posts(b.messenger).length, 1);
  });

  it("takes over a claim left by a crash after the claim's lifetime and sends it again, marked in doubt", async () => {
    await ledger.create(claimedBy('replica-gone', DUE + MINUTE));
    clock.set(DUE + 2 * MINUTE);
    const { messenger } = startSender('replica-b');
    await advanceTo(DUE + 6 * MINUTE - 1);
    assert.deepEqual(
      posts(messenger),
      [],
      "the other instance's claim is respected while it may still be sending",
    );
    await advanceTo(DUE + 6 * MINUTE);
    assert.equal(posts(messenger).length, 1);
    const sent = await row();
    assert.equal(sent?.status, 'sent');
    assert.equal(sent?.isInDoubt, true);
    assert.match(sent?.lastError ?? '', /in doubt: claimed at .* by replica-gone that stopped/);
    assert.equal(logger.withMessage('weekly digest outcome unknown after a stop; sending again').length, 1);
  });

  it('takes its own claim back at once when the same instance restarts after a crash', async () => {
    await ledger.create(claimedBy('replica-a', DUE));
    clock.set(DUE + MINUTE);
    const { sender, messenger } = startSender('replica-a');
    await sender.idle();
    assert.equal(posts(messenger).length, 1);
    assert.equal((await row())?.isInDoubt, true);
  });

  it('hands a digest still waiting for a Teams slot back unsent when it stops; the next start sends it, not in doubt', async () => {
    clock.set(DUE - MINUTE);
    const limiter = new TeamsSendLimiter({ clock, sleep: clock.sleep });
    limiter.pauseTenant(ALERTS.tenantId, DUE + 30_000); // a 429 paused the tenant for 30 s
    const { sender, messenger } = startSender('replica-a', { limiter });
    await scheduler.advanceToAsync(DUE);
    await sender.stop();
    assert.deepEqual(posts(messenger), []);
    const handedBack = await row();
    assert.equal(handedBack?.status, 'pending');
    assert.equal(handedBack?.attempts, 0, 'the hand-back is not an attempt');
    assert.equal(handedBack?.claimedBy, undefined);

    const next = startSender('replica-b');
    await next.sender.idle();
    assert.equal(posts(next.messenger).length, 1);
    const sent = await row();
    assert.equal(sent?.status, 'sent');
    assert.equal(sent?.isInDoubt, undefined);
  });

  it("waits out Teams' Retry-After, retries a failure, and gives up on a channel Teams no longer knows", async () => {
    clock.set(DUE - MINUTE);
    const messenger = new FakeTeamsMessenger();
    messenger.failNext(
      { status: 'throttled', retryAfterMs: 30_000 },
      { status: 'failed', reason: 'HTTP 503', isRetryable: true },
    );
    startSender('replica-a', { messenger });
    await advanceTo(DUE);
    assert.equal((await row())?.status, 'pending');
    await advanceTo(DUE + 30_000);
    assert.equal((await row())?.lastError, 'HTTP 503');
    await advanceTo(DUE + 30 * MINUTE);
    assert.equal(posts(messenger).length, 3);
    assert.equal((await row())?.status, 'sent');

    messenger.failNext({ status: 'recipientGone', reason: 'HTTP 404 ConversationNotFound' });
    await advanceTo(DUE + 7 * DAY + HOUR);
    assert.equal((await row('2026-08-24'))?.status, 'failed');
    assert.equal(posts(messenger).length, 4, 'given up, never tried again');
  });

  it('gives a channel that began watching after the digest was due its first digest the week after', async () => {
    await watchFrom(stores, FLOOR, { scope: 'all' }, DUE + HOUR);
    clock.set(DUE + 2 * HOUR);
    const { sender, messenger } = startSender('replica-a');
    await sender.idle();
    assert.deepEqual(
      posts(messenger).map((call) => call.conversationId),
      [ALERTS.channelId],
      'Alerts watched before it was due (missed, < 1 day late); Floor did not',
    );
    await advanceTo(DUE + 7 * DAY);
    assert.deepEqual(
      posts(messenger)
        .slice(1)
        .map((call) => call.conversationId)
        .sort(),
      [ALERTS.channelId, FLOOR.channelId],
    );
  });

  it("sends each channel at 08:00 in its own units' zone, and none to a channel whose Teams reference is dead", async () => {
    await watchFrom(stores, FLOOR, { scope: 'managementUnit', targetId: 'mu-south' }, DUE - 30 * DAY);
    const gone = { ...ALERTS, channelId: '19:gone@thread.tacv2', channelName: 'Gone' };
    await watchFrom(stores, gone, { scope: 'all' }, DUE - 30 * DAY);
    const record = (await stores.conversations.get(`channel:${gone.channelId}`))!;
    await stores.conversations.upsert({ ...record, deadReason: 'HTTP 403' });
    clock.set(DUE - HOUR);
    const { messenger } = startSender('replica-a');
    await advanceTo(DUE);
    assert.deepEqual(
      posts(messenger).map((call) => call.conversationId),
      [ALERTS.channelId],
    );
    await advanceTo(DUE + HOUR); // unit South has no zone: UTC
    assert.deepEqual(
      posts(messenger).map((call) => call.conversationId),
      [ALERTS.channelId, FLOOR.channelId],
    );
  });

  it('serves a unit found mid-week in a zone no other unit has within six hours of its due instant', async () => {
    const { messenger } = startSender('replica-a'); // on Friday
    await advanceTo(DUE - 2 * DAY);
    // Genesys gains a unit on Kiritimati (UTC+14): its Monday 08:00 is Sunday 18:00Z, long before Dublin's.
    directory.units.push({ id: 'mu-line', name: 'Line Islands', timeZone: 'Pacific/Kiritimati' });
    await watchFrom(stores, FLOOR, { scope: 'managementUnit', targetId: 'mu-line' }, DUE - 2 * DAY);
    const lineDue = Date.UTC(2026, 7, 23, 18, 0);
    await advanceTo(lineDue + 6 * HOUR);
    assert.deepEqual(
      posts(messenger).map((call) => call.conversationId),
      [FLOOR.channelId],
    );
    assert.ok((await row('2026-08-17', `channel:${FLOOR.channelId}`))!.sentAt! <= lineDue + 6 * HOUR);
  });

  it('reads a channel watching units in several zones in the zone most of them share, a tie in the first by name', () => {
    const unit = (id: string, name: string, timeZone?: string) => ({
      id,
      name,
      ...(timeZone ? { timeZone } : {}),
    });
    assert.equal(
      digestTimeZone([
        unit('1', 'Austin', 'America/Chicago'),
        unit('2', 'Berlin', 'Europe/Berlin'),
        unit('3', 'Munich', 'Europe/Berlin'),
      ]),
      'Europe/Berlin',
    );
    assert.equal(
      digestTimeZone([unit('2', 'Berlin', 'Europe/Berlin'), unit('1', 'Austin', 'America/Chicago')]),
      'America/Chicago',
    );
    assert.equal(digestTimeZone([unit('1', 'Nowhere', 'Mars/Olympus'), unit('2', 'Plain')]), 'UTC');
    assert.equal(digestTimeZone([]), 'UTC');
  });

  function claimedBy(instanceId: string, at: number): DigestRecord {
    return {
      weekStart: '2026-08-17',
      conversationKey: ALERTS_KEY,
      status: 'claimed',
      timeZone: 'Europe/Dublin',
      dueAt: DUE,
      attempts: 1,
      notBefore: at,
      claimedBy: instanceId,
      claimedAt: at,
    };
  }
});
