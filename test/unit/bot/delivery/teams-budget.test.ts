import assert from 'node:assert/strict';
import { AlertCardRenderer } from '../../../../bot/delivery/alert-card-renderer';
import { limiterGate } from '../../../../bot/delivery/teams-call-gate';
import { TeamsAlertNotifier } from '../../../../bot/delivery/teams-alert-notifier';
import { TeamsSendLimiter } from '../../../../bot/delivery/teams-send-limiter';
import { WelcomeSender } from '../../../../bot/delivery/welcome-sender';
import { newOutboxAlert } from '../../../../src/app/outbox-alert';
import type { AgentProfile } from '../../../../src/app/ports/agent-directory';
import type { DeliveryResult } from '../../../../src/app/ports/alert-notifier';
import { createInMemoryStores } from '../../../../src/storage/in-memory-stores';
import type { StoreSet } from '../../../../src/storage/store-set';
import { FakeDirectory, openEpisode } from '../../../support/bot-fakes';
import { FakeTeamsMessenger } from '../../../support/fake-teams-messenger';
import { RecordingLogger } from '../../../support/recording-logger';
import { ManualClock } from '../../../support/manual-clock';

const TENANT = 'tenant-1';
/** What Teams allows per app and tenant in any second, counted as requests arrive. */
const TEAMS_LIMIT_PER_SECOND = 50;
/** The spread of network delay in the models below: within the default allowance (50 ms). */
const JITTER_MS = 50;

/** A network delay model: the delay of the n-th request, sent at `sentAt`. */
type JitterModel = (sentAt: number, n: number) => number;

/** Seeded uniform delays in [0, JITTER_MS] (mulberry32). */
function uniformJitter(seed: number): JitterModel {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return Math.floor((((t ^ (t >>> 14)) >>> 0) / 4_294_967_296) * (JITTER_MS + 1));
  };
}

/** The worst kind: what is sent in even seconds is slowed by the whole spread, what follows not at all. */
const compressingJitter: JitterModel = (sentAt) => (Math.floor(sentAt / 1_000) % 2 === 0 ? JITTER_MS : 0);

/** Alternating extremes request by request. */
const alternatingJitter: JitterModel = (_sentAt, n) => (n % 2 === 0 ? JITTER_MS : 0);

/** The most arrivals in any 1-second window [t, t + 1000). */
function busiestSecond(arrivals: readonly number[]): number {
  const sorted = [...arrivals].sort((a, b) => a - b);
  let most = 0;
  let start = 0;
  for (let end = 0; end < sorted.length; end += 1) {
    while (sorted[end] - sorted[start] >= 1_000) start += 1;
    most = Math.max(most, end - start + 1);
  }
  return most;
}

/** A contact centre of `count` agents, each with a personal chat the bot can write to. */
async function seedAgents(stores: StoreSet, count: number): Promise<FakeDirectory> {
  const agents: AgentProfile[] = [];
  for (let i = 0; i < count; i += 1) {
    const id = `agent-${i}`;
    agents.push({ id, name: `Agent ${i}`, managementUnitId: 'mu-1', teamId: 'team-1' });
    await stores.conversations.upsert({
      key: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
      kind: 'personal',
      tenantId: TENANT,
      serviceUrl: 'https://smba.example/teams/',
      conversationId: `a:chat-${i}`,
      reference: {},
      agentId: id,
      updatedAt: 0,
    });
  }
  return new FakeDirectory(agents, [{ id: 'mu-1', name: 'North' }]);
}

/** A Teams stand-in that timestamps each call as it would arrive at Teams: sent at the virtual now, plus jitter. */
function jitteredReceiver(time: ManualClock, messenger: FakeTeamsMessenger, jitter: JitterModel): number[] {
  const arrivals: number[] = [];
  messenger.onCall = () => {
    const sentAt = time.now();
    arrivals.push(sentAt + jitter(sentAt, arrivals.length));
  };
  return arrivals;
}

function alertNotifier(
  time: ManualClock,
  stores: StoreSet,
  directory: FakeDirectory,
  messenger: FakeTeamsMessenger,
  limiter: TeamsSendLimiter,
): TeamsAlertNotifier {
  return new TeamsAlertNotifier({
    messenger,
    conversations: stores.conversations,
    routes: stores.routes,
    outbox: stores.outbox,
    directory,
    renderer: new AlertCardRenderer({ directory, clock: time }),
    limiter,
    clock: time,
    logger: new RecordingLogger(),
  });
}

/** A nudge for every agent of the directory, all asked for at the same virtual instant. */
function nudgeEveryAgent(
  time: ManualClock,
  directory: FakeDirectory,
  notifier: TeamsAlertNotifier,
): Promise<DeliveryResult[]> {
  return Promise.all(
    directory.agents.map((agent) =>
      notifier.deliver(
        newOutboxAlert(
          openEpisode({ id: `${agent.id}:1`, agentId: agent.id, managementUnitId: 'mu-1' }),
          'nudge',
          'agent',
          time.now(),
        ),
      ),
    ),
  );
}

describe('Teams budget with headroom for network jitter (virtual time, jittered arrivals)', () => {
  async function sixtySimultaneousNudges(
    jitter: JitterModel,
    limiterOptions: { readonly jitterAllowanceInMs?: number } = {},
  ): Promise<{ arrivals: number[]; results: DeliveryResult[] }> {
    const time = new ManualClock(Date.UTC(2026, 7, 20, 10, 0, 0));
    const stores = createInMemoryStores();
    const directory = await seedAgents(stores, 60);
    const messenger = new FakeTeamsMessenger();
    const arrivals = jitteredReceiver(time, messenger, jitter);
    // The default cap (TEAMS_TENANT_RPS 50) as the application builds it.
    const limiter = new TeamsSendLimiter({ clock: time, sleep: time.sleep, ...limiterOptions });
    const notifier = alertNotifier(time, stores, directory, messenger, limiter);
    const results = await time.run(nudgeEveryAgent(time, directory, notifier));
    return { arrivals, results };
  }

  for (const [name, jitter] of [
    ['uniform (seeded)', uniformJitter(7)],
    ['compressing', compressingJitter],
    ['alternating', alternatingJitter],
  ] as const) {
    it(`keeps every second at Teams at or under 50 when 60 drifts nudge at once, with ${name} jitter`, async () => {
      const { arrivals, results } = await sixtySimultaneousNudges(jitter);
      assert.deepEqual(
        results.map((result) => result.status),
        new Array(60).fill('sent'),
      );
      assert.equal(arrivals.length, 60);
      assert.ok(
        busiestSecond(arrivals) <= TEAMS_LIMIT_PER_SECOND,
        `busiest second: ${busiestSecond(arrivals)}`,
      );
    });
  }

  it('measures the bug without the allowance: spaced to exactly 50 per second, more than 50 arrive in one second', async () => {
    const { arrivals } = await sixtySimultaneousNudges(compressingJitter, { jitterAllowanceInMs: 0 });
    assert.ok(busiestSecond(arrivals) > TEAMS_LIMIT_PER_SECOND, `busiest second: ${busiestSecond(arrivals)}`);
  });

  it('counts a bulk install’s welcomes, command answers and drift nudges against one tenant budget, leaving room for the nudges', async () => {
    const time = new ManualClock(Date.UTC(2026, 7, 20, 10, 0, 0));
    const stores = createInMemoryStores();
    const directory = await seedAgents(stores, 60);
    const messenger = new FakeTeamsMessenger();
    const arrivals = jitteredReceiver(time, messenger, uniformJitter(11));
    const logger = new RecordingLogger();
    const limiter = new TeamsSendLimiter({ clock: time, sleep: time.sleep });
    const notifier = alertNotifier(time, stores, directory, messenger, limiter);
    const welcomes = new WelcomeSender({
      ledger: stores.welcomes,
      messenger,
      limiter,
      clock: time,
      logger,
      sleep: time.sleep,
    });
    const gate = limiterGate(limiter);
    const installs = 600;
    let welcomesWhenNudgesDone = 0;
    const work = (async () => {
      // An admin's setup policy reaches 600 people at once, 30 supervisors type commands, and 60 agents drift.
      for (let i = 0; i < installs; i += 1)
        await welcomes.offer(
          'personal',
          `10000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
          { serviceUrl: 'https://smba.example/teams/', conversationId: `a:new-${i}`, tenantId: TENANT },
          { type: 'AdaptiveCard', body: [] },
        );
      const answers = Array.from({ length: 30 }, async (_, i) => {
        if (await gate.take(`19:channel-${i}@thread.tacv2`, TENANT))
          await messenger.sendCard(
            { serviceUrl: 'https://smba.example/teams/', conversationId: `19:channel-${i}` },
            {},
          );
      });
      const nudges = directory.agents.map(async (agent) => {
        const result = await notifier.deliver(
          newOutboxAlert(
            openEpisode({ id: `${agent.id}:1`, agentId: agent.id, managementUnitId: 'mu-1' }),
            'nudge',
            'agent',
            time.now(),
          ),
        );
        welcomesWhenNudgesDone = messenger.callsOf('sendCard').length;
        return result.status;
      });
      const statuses = await Promise.all(nudges);
      await Promise.all(answers);
      await welcomes.idle();
      return statuses;
    })();
    const statuses = await time.run(work);
    assert.deepEqual(statuses, new Array(60).fill('sent'), 'no nudge had to wait for the bulk welcomes');
    assert.equal(messenger.callsOf('sendCard').length, installs + 30, 'every welcome and answer went out');
    assert.ok(
      busiestSecond(arrivals) <= TEAMS_LIMIT_PER_SECOND,
      `busiest second: ${busiestSecond(arrivals)}`,
    );
    // Welcomes may use at most 60% of the budget: the nudges went out while the bulk install was still being welcomed.
    assert.ok(
      welcomesWhenNudgesDone < installs / 2,
      `${welcomesWhenNudgesDone} welcomes before the last nudge`,
    );
  });
});

describe('Teams tenant line: thousands of sends due at once (virtual time, jittered arrivals)', () => {
  /** `count` nudges asked for at the same instant through the notifier; arrivals as Teams would count them. */
  async function simultaneousNudges(
    count: number,
    limiterOptions: { readonly maxWaitInMs?: number } = {},
  ): Promise<{ arrivals: number[]; results: DeliveryResult[]; startedAt: number; order: string[] }> {
    const time = new ManualClock(Date.UTC(2026, 7, 20, 10, 0, 0));
    const stores = createInMemoryStores();
    const directory = await seedAgents(stores, count);
    const messenger = new FakeTeamsMessenger();
    const arrivals = jitteredReceiver(time, messenger, uniformJitter(3));
    const order: string[] = [];
    const onCall = messenger.onCall;
    messenger.onCall = (call) => {
      onCall?.(call);
      order.push(call.conversationId ?? '?');
    };
    const limiter = new TeamsSendLimiter({ clock: time, sleep: time.sleep, ...limiterOptions });
    const notifier = alertNotifier(time, stores, directory, messenger, limiter);
    const startedAt = time.now();
    const results = await time.run(nudgeEveryAgent(time, directory, notifier));
    return { arrivals, results, startedAt, order };
  }

  it('sends 1,000 nudges due in the same second at 0.9 of the tenant cap or more, with no second at Teams over 50', async () => {
    const { arrivals, results, startedAt } = await simultaneousNudges(1_000);
    assert.deepEqual(
      results.filter((result) => result.status !== 'sent'),
      [],
    );
    const spanInMs = Math.max(...arrivals) - startedAt;
    const utilisation = (arrivals.length * 1_000) / spanInMs / TEAMS_LIMIT_PER_SECOND;
    assert.ok(utilisation >= 0.9, `utilisation ${utilisation.toFixed(3)}`);
    assert.ok(
      busiestSecond(arrivals) <= TEAMS_LIMIT_PER_SECOND,
      `busiest second: ${busiestSecond(arrivals)}`,
    );
  });

  it('serves the sends in the order they asked', async () => {
    const { order } = await simultaneousNudges(200);
    assert.deepEqual(
      order,
      Array.from({ length: 200 }, (_, i) => `a:chat-${i}`),
    );
  });

  it('tells a send further back than the longest wait when its turn comes, so the retries spread out', async () => {
    const { results } = await simultaneousNudges(600, { maxWaitInMs: 5_000 });
    const sent = results.filter((result) => result.status === 'sent').length;
    const retries = results.flatMap((result) => (result.status === 'throttled' ? [result.retryAfterMs] : []));
    assert.equal(sent + retries.length, 600);
    // 5 s of turns at one per 21 ms went out; each later send was told its own turn, 21 ms after the one before, less
    // a lead of a tenth of the longest wait (500 ms), so it is back in the line when its turn comes.
    assert.ok(sent >= 230 && sent <= 245, `${sent} sent`);
    for (let i = 1; i < retries.length; i += 1)
      assert.ok(retries[i] - retries[i - 1] === 21, `retry ${i}: ${retries[i - 1]} then ${retries[i]}`);
    assert.ok(retries[0] > 5_000 - 500 && retries[0] < 5_000, `first retry after ${retries[0]} ms`);
  });
});

describe('Teams tenant line: a conversation at its own limit', () => {
  it('lets a send to another conversation by, however many of its sends wait ahead', async () => {
    const time = new ManualClock(Date.UTC(2026, 7, 20, 10, 0, 0));
    const limiter = new TeamsSendLimiter({ clock: time, sleep: time.sleep });
    // 200 card updates of one channel ask at once: it takes 7 a second (and 60 in 30 s), so most of them wait.
    const channelSends = Array.from({ length: 200 }, () =>
      limiter.acquire('19:channel@thread.tacv2', 'tenant-1'),
    );
    const startedAt = time.now();
    let nudgeSentAt: number | undefined;
    const nudge = limiter.acquire('a:chat-ana', 'tenant-1').then((wait) => {
      nudgeSentAt = time.now();
      return wait;
    });
    assert.equal(await time.run(nudge), 0);
    assert.ok(nudgeSentAt !== undefined && nudgeSentAt - startedAt < 1_000, `${nudgeSentAt! - startedAt} ms`);
    await time.run(Promise.all(channelSends));
  });
});
