import assert from 'node:assert/strict';
import { newOutboxAlert } from '../../../../src/app/outbox-alert';
import type { OutboxAlert } from '../../../../src/app/ports/alert-outbox';
import type { DriftEpisode } from '../../../../src/domain/drift-episode';
import { createInMemoryStores } from '../../../../src/storage/in-memory-stores';
import type { StoreSet } from '../../../../src/storage/store-set';
import { AlertCardRenderer } from '../../../../bot/delivery/alert-card-renderer';
import { CompositeAlertNotifier } from '../../../../bot/delivery/composite-alert-notifier';
import {
  APP_NOT_INSTALLED,
  NO_SUPERVISOR_CHANNEL,
  TeamsAlertNotifier,
} from '../../../../bot/delivery/teams-alert-notifier';
import { TeamsSendLimiter } from '../../../../bot/delivery/teams-send-limiter';
import { exampleDirectory, openEpisode, recordRow } from '../../../support/bot-fakes';
import { FakeTeamsMessenger } from '../../../support/fake-teams-messenger';
import { ManualClock } from '../../../support/manual-clock';
import { RecordingLogger } from '../../../support/recording-logger';

describe('TeamsAlertNotifier', () => {
  let stores: StoreSet;
  let messenger: FakeTeamsMessenger;
  let clock: ManualClock;
  let notifier: TeamsAlertNotifier;
  let slept: number[];
  /** Runs while a send sleeps for a slot (a test starts a drain there). */
  let onSleep: (() => void) | undefined;

  beforeEach(() => {
    onSleep = undefined;
    stores = createInMemoryStores();
    messenger = new FakeTeamsMessenger();
    clock = new ManualClock(Date.UTC(2026, 7, 20, 10, 15, 0));
    slept = [];
    const directory = exampleDirectory();
    notifier = new TeamsAlertNotifier({
      messenger,
      conversations: stores.conversations,
      routes: stores.routes,
      outbox: stores.outbox,
      driftState: stores.driftState,
      directory,
      renderer: new AlertCardRenderer({ directory, clock }),
      limiter: new TeamsSendLimiter({
        clock,
        tenantRps: 50,
        maxWaitInMs: 5_000,
        sleep: async (ms, signal) => {
          slept.push(ms);
          onSleep?.();
          if (!signal?.aborted) clock.advanceBy(ms);
        },
      }),
      clock,
      logger: new RecordingLogger(),
    });
  });

  const row = (
    episode: DriftEpisode,
    kind: OutboxAlert['kind'],
    recipient: OutboxAlert['recipient'],
  ): OutboxAlert => newOutboxAlert(episode, kind, recipient, 0);

  async function channel(id: string): Promise<void> {
    await stores.conversations.upsert({
      key: `channel:${id}`,
      kind: 'channel',
      serviceUrl: 'https://smba/',
      conversationId: id,
      channelId: id,
      reference: {},
      tenantId: 't',
      updatedAt: 0,
    });
  }

  it('routes the alert to the channel watching the team before the unit and before "all"', async () => {
    for (const id of ['all-ch', 'unit-ch', 'team-ch']) await channel(id);
    await stores.routes.upsert({
      scope: 'all',
      targetId: '*',
      conversationKey: 'channel:all-ch',
      createdAt: 1,
    });
    await stores.routes.upsert({
      scope: 'managementUnit',
      targetId: 'mu-north',
      conversationKey: 'channel:unit-ch',
      createdAt: 2,
    });
    await stores.routes.upsert({
      scope: 'team',
      targetId: 'team-red',
      conversationKey: 'channel:team-ch',
      createdAt: 3,
    });
    await notifier.deliver(row(openEpisode(), 'supervisorAlert', 'supervisorChannel'));
    await notifier.deliver(
      row(
        openEpisode({ id: 'b', agentId: 'agent-ben', teamId: 'team-blue' }),
        'supervisorAlert',
        'supervisorChannel',
      ),
    );
    await notifier.deliver(
      row(
        openEpisode({ id: 'c', agentId: 'agent-cai', managementUnitId: 'mu-south', teamId: 'team-green' }),
        'supervisorAlert',
        'supervisorChannel',
      ),
    );
    assert.deepEqual(
      messenger.callsOf('postToChannel').map((call) => call.conversationId),
      ['team-ch', 'unit-ch', 'all-ch'],
    );
  });

  it('says no supervisor channel watches the unit when none does', async () => {
    assert.deepEqual(await notifier.deliver(row(openEpisode(), 'supervisorAlert', 'supervisorChannel')), {
      status: 'recipientGone',
      reason: NO_SUPERVISOR_CHANNEL,
    });
  });

  it('says the app is not installed for an agent with no chat and no roster link', async () => {
    assert.deepEqual(await notifier.deliver(row(openEpisode(), 'nudge', 'agent')), {
      status: 'recipientGone',
      reason: APP_NOT_INSTALLED,
    });
    assert.deepEqual(messenger.calls, []);
  });

  it('finds an unlinked personal chat by the agent email and links it', async () => {
    await stores.conversations.upsert({
      key: 'aad-ana',
      kind: 'personal',
      serviceUrl: 'https://smba/',
      conversationId: 'a:ana',
      reference: {},
      aadObjectId: 'aad-ana',
      userPrincipalName: 'ANA.ALVAREZ@contoso.com',
      updatedAt: 0,
    });
    assert.equal((await notifier.deliver(row(openEpisode(), 'nudge', 'agent'))).status, 'sent');
    assert.equal((await stores.conversations.get('aad-ana'))?.agentId, 'agent-ana');
  });

  it('creates the chat again once when Teams says the conversation is gone (404)', async () => {
    await stores.conversations.upsert({
      key: 'aad-ana',
      kind: 'personal',
      serviceUrl: 'https://smba/',
      conversationId: 'a:ana',
      reference: {},
      aadObjectId: 'aad-ana',
      agentId: 'agent-ana',
      updatedAt: 0,
    });
    messenger.failNext({
      status: 'recipientGone',
      reason: 'the conversation no longer exists (404 ConversationNotFound)',
    });
    const result = await notifier.deliver(row(openEpisode(), 'nudge', 'agent'));
    assert.equal(result.status, 'sent');
    assert.equal(messenger.callsOf('createPersonalConversation')[0]?.aadObjectId, 'aad-ana');
    const record = await stores.conversations.get('aad-ana');
    assert.match(record?.conversationId ?? '', /^a:created-/);
    assert.equal(record?.deadReason, undefined);
  });

  it('keeps within 7 sends per second to one conversation by waiting for the window plus the jitter allowance, sends spaced evenly', async () => {
    await channel('busy');
    await stores.routes.upsert({
      scope: 'all',
      targetId: '*',
      conversationKey: 'channel:busy',
      createdAt: 1,
    });
    for (let i = 0; i < 8; i += 1)
      await notifier.deliver(row(openEpisode({ id: `e${i}` }), 'supervisorAlert', 'supervisorChannel'));
    assert.equal(messenger.callsOf('postToChannel').length, 8);
    // Seven go at once (the tenant's pacing lets ten go together); the eighth waits until the conversation's first send
    // is 1.05 s old (the 1-second window widened by the default 50 ms allowance).
    assert.deepEqual(slept, [1_050]);
  });

  it('answers notSent without calling Teams when a drain starts while the send waits for a slot', async () => {
    await channel('busy');
    await stores.routes.upsert({
      scope: 'all',
      targetId: '*',
      conversationKey: 'channel:busy',
      createdAt: 1,
    });
    for (let i = 0; i < 7; i += 1)
      await notifier.deliver(row(openEpisode({ id: `e${i}` }), 'supervisorAlert', 'supervisorChannel'));
    const drain = new AbortController();
    onSleep = () => drain.abort();

    // Through the composite, as the edge composes it: the signal must reach the Teams notifier.
    const result = await new CompositeAlertNotifier({ teams: notifier }).deliver(
      row(openEpisode({ id: 'e7' }), 'supervisorAlert', 'supervisorChannel'),
      { signal: drain.signal },
    );

    assert.equal(result.status, 'notSent');
    // The eighth began to wait for the conversation's window (7 per 1.05 s) and the drain ended it.
    assert.deepEqual(slept, [1_050]);
    assert.equal(messenger.callsOf('postToChannel').length, 7, 'the waiting send never reached Teams');
  });

  it('returns throttled instead of waiting when the tenant pause is longer than the in-process wait', async () => {
    await channel('c1');
    await stores.routes.upsert({ scope: 'all', targetId: '*', conversationKey: 'channel:c1', createdAt: 1 });
    messenger.failNext({ status: 'throttled', retryAfterMs: 60_000 });
    assert.deepEqual(await notifier.deliver(row(openEpisode(), 'supervisorAlert', 'supervisorChannel')), {
      status: 'throttled',
      retryAfterMs: 60_000,
    });
    const second = await notifier.deliver(
      row(openEpisode({ id: 'other' }), 'supervisorAlert', 'supervisorChannel'),
    );
    assert.equal(second.status, 'throttled');
    assert.equal(
      messenger.callsOf('postToChannel').length,
      1,
      'nothing reaches Teams while the tenant is paused',
    );
    assert.equal(notifier.metrics.tenantPauses, 1);
  });

  it('re-renders every sent Teams card of the episode in place and reports an undelivered nudge', async () => {
    const episode = openEpisode({ acknowledged: { by: { id: 'aad-sup', name: 'Sam' }, at: clock.now() } });
    await channel('ch');
    await recordRow(stores.outbox, episode, 'supervisorAlert', 'supervisorChannel', {
      conversationId: 'ch;messageid=5',
      activityId: '5',
    });
    await recordRow(stores.outbox, episode, 'nudge', 'agent', {
      status: 'deadLettered',
      lastError: 'recipient gone: app not installed for the agent',
    });
    await recordRow(stores.outbox, episode, 'supervisorAlert', 'slack', {
      conversationId: 'slack',
      activityId: 'slack:1',
    });
    const composite = new CompositeAlertNotifier({ teams: notifier });
    // The episode's ledger as it stands: the sent card is re-rendered, the dead-lettered nudge is reported on it.
    await composite.updateCards(episode, 'acknowledged', await stores.outbox.listByEpisode(episode.id));
    const updates = messenger.callsOf('updateCard');
    assert.deepEqual(
      updates.map((call) => [call.conversationId, call.activityId]),
      [['ch;messageid=5', '5']],
    );
    assert.match(JSON.stringify(updates[0].card), /Acknowledged by Sam/);
    assert.match(
      JSON.stringify(updates[0].card),
      /nudge could not be delivered: app not installed for the agent/,
    );
  });
});
