import assert from 'node:assert/strict';
import type { Activity } from 'botbuilder';
import { TestAdapter } from 'botbuilder';
import { CommandHandler } from '../../../../bot/commands/command-handler';
import { DigestViews } from '../../../../bot/digest/digest-views';
import { RoutingEntitlements } from '../../../../bot/commands/routing-entitlements';
import { TeamsSendLimiter } from '../../../../bot/delivery/teams-send-limiter';
import { WelcomeSender } from '../../../../bot/delivery/welcome-sender';
import { AlertCardRenderer } from '../../../../bot/delivery/alert-card-renderer';
import { CardActionHandler } from '../../../../bot/handlers/card-action-handler';
import { InstallationHandler } from '../../../../bot/handlers/installation-handler';
import { TeamsBot } from '../../../../bot/teams/teams-bot';
import type { DriftEpisode } from '../../../../src/domain/drift-episode';
import { createInMemoryStores } from '../../../../src/storage/in-memory-stores';
import type { StoreSet } from '../../../../src/storage/store-set';
import { AAD, EngineActionSink, exampleDirectory, openEpisode, recordRow } from '../../../support/bot-fakes';
import { FakeTeamsMessenger } from '../../../support/fake-teams-messenger';
import { ManualClock } from '../../../support/manual-clock';
import { RecordingLogger } from '../../../support/recording-logger';
import * as teams from '../../../support/teams-activities';

const TENANT = 'tenant-1';
const TEAM = '19:general@thread.tacv2';
const ALERTS = '19:alerts@thread.tacv2';
const OTHER = '19:other@thread.tacv2';

describe('TeamsBot (botbuilder TestAdapter)', () => {
  let stores: StoreSet;
  let messenger: FakeTeamsMessenger;
  let clock: ManualClock;
  let sink: EngineActionSink;
  let adapter: TestAdapter;
  let welcomes: WelcomeSender;

  beforeEach(() => {
    stores = createInMemoryStores();
    messenger = new FakeTeamsMessenger();
    clock = new ManualClock(Date.UTC(2026, 7, 20, 10, 15, 0));
    sink = new EngineActionSink(stores.driftState);
    const directory = exampleDirectory();
    const logger = new RecordingLogger();
    const sleep = async (ms: number): Promise<void> => clock.advanceBy(ms);
    const limiter = new TeamsSendLimiter({ clock, sleep });
    welcomes = new WelcomeSender({ ledger: stores.welcomes, messenger, limiter, clock, logger, sleep });
    const bot = new TeamsBot({
      installation: new InstallationHandler({
        conversations: stores.conversations,
        routes: stores.routes,
        directory,
        messenger,
        welcomes,
        clock,
        logger,
      }),
      commands: new CommandHandler({
        conversations: stores.conversations,
        routes: stores.routes,
        driftState: stores.driftState,
        history: stores.history,
        directory,
        clock,
        logger,
        entitlements: new RoutingEntitlements({
          admins: [AAD.sup],
          allowUnitManagers: false,
          directory,
          logger,
        }),
        messenger,
        tenantId: TENANT,
        digestCard: (key) =>
          new DigestViews({
            ...stores,
            directory,
            clock,
            schedule: { isoWeekday: 1, hour: 8, minute: 0 },
          }).currentCard(key),
      }),
      cardActions: new CardActionHandler({
        outbox: stores.outbox,
        conversations: stores.conversations,
        actions: sink,
        renderer: new AlertCardRenderer({ directory, clock }),
        clock,
        logger,
      }),
      logger,
    });
    adapter = new TestAdapter((context) => bot.run(context));
  });

  /** Sends one activity and returns what the bot answered in the turn. */
  async function send(activity: Partial<Activity>): Promise<Partial<Activity>[]> {
    const before = adapter.activeQueue.length;
    await adapter.processActivity(
      teams.fromTeams({ ...activity }, { serviceUrl: 'https://smba.example/teams/' }),
    );
    return adapter.activeQueue.splice(before);
  }

  const inChannel = (
    channelId: string,
    activity: Partial<Activity>,
    from: teams.TeamsAccount = teams.TEAMS_ACCOUNTS.sup,
  ): Partial<Activity> =>
    teams.channelActivity(
      activity.type ?? 'message',
      { tenantId: TENANT, from, team: { id: TEAM, name: 'Support' }, channel: { id: channelId } },
      { ...activity },
    );

  const inPersonal = (aad: string, activity: Partial<Activity>): Partial<Activity> =>
    teams.personalActivity(
      activity.type ?? 'message',
      { tenantId: TENANT, from: { id: `29:${aad}`, aadObjectId: aad, name: 'Ana Alvarez' } },
      { ...activity },
    );

  const textOf = (replies: Partial<Activity>[]): string => JSON.stringify(replies);

  describe('commands', () => {
    it('routes a channel to all units with "watch all" (mention stripped) and lists it in status', async () => {
      const replies = await send(
        inChannel(ALERTS, { type: 'message', text: '<at>Drift</at>&nbsp;watch all' }),
      );
      assert.match(textOf(replies), /now gets drift alerts for all units/);
      assert.deepEqual(
        (await stores.routes.listByConversation(`channel:${ALERTS}`)).map((route) => [
          route.scope,
          route.targetId,
        ]),
        [['all', '*']],
      );
      assert.equal(
        (await stores.conversations.get(`channel:${ALERTS}`))?.kind,
        'channel',
        'the channel is stored on first use',
      );
      assert.match(
        textOf(await send(inChannel(ALERTS, { type: 'message', text: 'status' }))),
        /Nobody is drifting right now/,
      );
    });

    it('watches a unit or a team by name or id and unwatches it', async () => {
      assert.match(
        textOf(await send(inChannel(ALERTS, { type: 'message', text: 'watch north' }))),
        /unit North/,
      );
      assert.match(
        textOf(await send(inChannel(ALERTS, { type: 'message', text: 'watch Blue Team' }))),
        /team Blue Team/,
      );
      assert.match(
        textOf(await send(inChannel(ALERTS, { type: 'message', text: 'watch team-green' }))),
        /team Green Team/,
      );
      assert.match(
        textOf(await send(inChannel(ALERTS, { type: 'message', text: 'watch Atlantis' }))),
        /don't know a management unit or team called \\"Atlantis\\"/,
      );
      assert.match(
        textOf(await send(inChannel(ALERTS, { type: 'message', text: 'unwatch north' }))),
        /no longer gets drift alerts for unit North/,
      );
      const routes = (await stores.routes.listByConversation(`channel:${ALERTS}`))
        .map((route) => route.targetId)
        .sort();
      assert.deepEqual(routes, ['team-blue', 'team-green']);
    });

    it('shows who is drifting now in the watched unit with stage and minutes', async () => {
      await send(inChannel(ALERTS, { type: 'message', text: 'watch North' }));
      await seedState(openEpisode({ stage: 'nudged', supervisorAlertedAt: undefined }));
      const status = textOf(await send(inChannel(ALERTS, { type: 'message', text: 'status' })));
      assert.match(status, /Ana Alvarez/);
      assert.match(status, /Nudged · 12 min · North/);
    });

    it('reports the last 7 days of the watched units, naming agents only with "report agents"', async () => {
      await send(inChannel(ALERTS, { type: 'message', text: 'watch all' }));
      await stores.history.upsert({
        episode: openEpisode({ endedAt: clock.now(), outcome: 'resolvedAfterSupervisorAlert' }),
        agentName: 'Ana Alvarez',
        recordedAt: clock.now(),
      });
      const report = textOf(await send(inChannel(ALERTS, { type: 'message', text: 'report' })));
      assert.match(report, /Drift episodes.*"value":"1"/);
      assert.doesNotMatch(report, /Ana Alvarez/);
      assert.match(report, /mention me with \\"report agents\\"/);
      const withAgents = textOf(await send(inChannel(ALERTS, { type: 'message', text: 'report agents' })));
      assert.match(withAgents, /Drift episodes.*"value":"1"/);
      assert.match(withAgents, /Most drift episodes.*Ana Alvarez/);
    });

    it('shows the weekly digest on demand with "digest", naming no agent and recording nothing', async () => {
      await send(inChannel(ALERTS, { type: 'message', text: 'watch North' }));
      // Last week (10-16 August) in unit North: a drift that ended after the nudge.
      const lastWeek = Date.UTC(2026, 7, 12, 9, 0);
      await stores.history.upsert({
        episode: openEpisode({
          id: `agent-ana:${lastWeek}`,
          driftStartedAt: lastWeek,
          nudgedAt: lastWeek + 6 * 60_000,
          supervisorAlertedAt: undefined,
          stage: 'nudged',
          endedAt: lastWeek + 8 * 60_000,
          outcome: 'resolvedAfterNudge',
        }),
        agentName: 'Ana Alvarez',
        recordedAt: lastWeek + 8 * 60_000,
      });
      const digest = textOf(
        await send(inChannel(ALERTS, { type: 'message', text: '<at>Drift</at> digest' })),
      );
      assert.match(digest, /Weekly drift digest/);
      assert.match(digest, /Watching: unit North\. Last week \(10–16 Aug 2026\)/);
      assert.match(digest, /"Drift episodes".*"text":"1"/);
      assert.match(digest, /every Monday at 08:00 \(Europe\/Dublin\)/);
      assert.doesNotMatch(digest, /Ana Alvarez/);
      assert.equal(
        await stores.digests.get('2026-08-10', `channel:${ALERTS}`),
        undefined,
        "not the week's digest",
      );
    });

    it('answers "digest" and "report agents" only in a channel that watches something', async () => {
      for (const text of ['digest', 'report agents']) {
        assert.match(
          textOf(await send(inChannel(OTHER, { type: 'message', text }))),
          /watches nothing yet/,
          text,
        );
        assert.match(
          textOf(await send(inPersonal(AAD.ana, { type: 'message', text }))),
          /work in a supervisor team channel/,
          text,
        );
      }
    });

    it('answers unknown text with the help card and "my adherence" with the agent\'s own drift window', async () => {
      assert.match(
        textOf(await send(inPersonal(AAD.ana, { type: 'message', text: 'what?' }))),
        /didn't understand.*my adherence/,
      );
      messenger.members.set(`a:${AAD.ana}`, [
        { id: `29:${AAD.ana}`, aadObjectId: AAD.ana, email: 'ANA.ALVAREZ@contoso.com' },
      ]);
      await seedState(openEpisode({ stage: 'nudged', supervisorAlertedAt: undefined }));
      const mine = textOf(await send(inPersonal(AAD.ana, { type: 'message', text: 'my adherence' })));
      assert.match(mine, /Your drift window, Ana/);
      assert.match(mine, /Private check-in.*after 6 min/);
      assert.match(mine, /still open/);
    });
  });

  describe('installation', () => {
    it('stores and links a personal install, then forgets it on uninstall', async () => {
      messenger.members.set(`a:${AAD.ana}`, [
        {
          id: `29:${AAD.ana}`,
          aadObjectId: AAD.ana,
          email: 'other@contoso.com',
          userPrincipalName: 'Ana.Alvarez@contoso.com',
        },
      ]);
      await send(inPersonal(AAD.ana, { type: 'installationUpdate', action: 'add' }));
      await welcomes.idle();
      assert.match(JSON.stringify(messenger.callsOf('sendCard')), /Hi Ana! You're linked/);
      const record = await stores.conversations.get(AAD.ana);
      assert.equal(record?.agentId, 'agent-ana');
      assert.equal(record?.conversationId, `a:${AAD.ana}`);
      await send(inPersonal(AAD.ana, { type: 'installationUpdate', action: 'remove' }));
      assert.equal(await stores.conversations.get(AAD.ana), undefined);
    });

    it('stores a team install with every channel and roster link, and removes them and their routes when the bot is removed', async () => {
      messenger.channels.set(TEAM, [{ id: TEAM }, { id: ALERTS, name: 'Alerts' }]);
      messenger.members.set(TEAM, [
        { id: '29:ben', aadObjectId: AAD.ben, email: 'ben.brown@contoso.com' },
        { id: '29:x', aadObjectId: AAD.x, email: 'x@contoso.com' },
      ]);
      await send(inChannel(TEAM, { type: 'installationUpdate', action: 'add' }));
      await welcomes.idle();
      assert.match(JSON.stringify(messenger.callsOf('sendCard')), /linked 1 of 2 team members/);
      assert.equal((await stores.conversations.get(`channel:${ALERTS}`))?.teamId, TEAM);
      assert.equal((await stores.conversations.get(AAD.ben))?.agentId, 'agent-ben');
      await send(inChannel(ALERTS, { type: 'message', text: 'watch all' }));
      await send(
        inChannel(TEAM, { type: 'conversationUpdate', membersRemoved: [{ id: '28:bot', name: 'Drift' }] }),
      );
      assert.equal(await stores.conversations.get(`channel:${ALERTS}`), undefined);
      assert.equal(await stores.conversations.get(AAD.ben), undefined);
      assert.deepEqual(await stores.routes.listByConversation(`channel:${ALERTS}`), []);
    });

    it('forgets a roster link when the member leaves the team', async () => {
      messenger.members.set(TEAM, [{ id: '29:ben', aadObjectId: AAD.ben, email: 'ben.brown@contoso.com' }]);
      await send(inChannel(TEAM, { type: 'installationUpdate', action: 'add' }));
      await send(
        inChannel(TEAM, {
          type: 'conversationUpdate',
          membersRemoved: [{ id: '29:ben', aadObjectId: AAD.ben, name: 'Ben' }],
        }),
      );
      assert.equal(await stores.conversations.get(AAD.ben), undefined);
    });
  });

  describe('card action authorization', () => {
    let episode: DriftEpisode;

    beforeEach(async () => {
      episode = openEpisode();
      await seedState(episode);
      await recordRow(stores.outbox, episode, 'supervisorAlert', 'supervisorChannel', {
        conversationId: `${ALERTS};messageid=77`,
        activityId: '77',
      });
      await recordRow(stores.outbox, episode, 'nudge', 'agent', {
        conversationId: `a:${AAD.ana}`,
        activityId: 'n1',
      });
      await stores.conversations.upsert({
        key: AAD.ana,
        kind: 'personal',
        serviceUrl: 'https://smba.example/teams/',
        conversationId: `a:${AAD.ana}`,
        reference: {},
        aadObjectId: AAD.ana,
        agentId: 'agent-ana',
        updatedAt: 0,
      });
      await stores.conversations.upsert({
        key: AAD.ben,
        kind: 'personal',
        serviceUrl: 'https://smba.example/teams/',
        conversationId: `a:${AAD.ben}`,
        reference: {},
        aadObjectId: AAD.ben,
        agentId: 'agent-ben',
        updatedAt: 0,
      });
    });

    const invoke = (verb: string, data: object): Partial<Activity> => teams.cardActionInvoke(verb, data);

    function invokeBody(replies: Partial<Activity>[]): { statusCode: number; type: string; value: unknown } {
      const response = replies.find((reply) => reply.type === 'invokeResponse')!;
      assert.equal((response.value as { status: number }).status, 200, 'always HTTP 200');
      return (response.value as { body: { statusCode: number; type: string; value: unknown } }).body;
    }

    it('applies a snooze from the alert channel and answers with the updated card', async () => {
      const body = invokeBody(
        await send(
          inChannel(
            `${ALERTS};messageid=77`,
            invoke('drift.snooze', { episodeId: episode.id, snoozeMinutes: '30' }),
          ),
        ),
      );
      assert.equal(body.type, 'application/vnd.microsoft.card.adaptive');
      assert.match(JSON.stringify(body.value), /Snoozed by Sam Supervisor until/);
      assert.equal(sink.actions[0]?.type, 'snooze');
      assert.equal(
        sink.actions[0]?.type === 'snooze' ? sink.actions[0].until - sink.actions[0].at : 0,
        30 * 60_000,
      );
    });

    it('refuses a supervisor action from another channel, whatever the card data says', async () => {
      const body = invokeBody(
        await send(
          inChannel(
            OTHER,
            invoke('drift.acknowledge', {
              episodeId: episode.id,
              conversationId: ALERTS,
              agentId: 'agent-ana',
            }),
          ),
        ),
      );
      assert.equal(body.type, 'application/vnd.microsoft.activity.message');
      assert.match(String(body.value), /Only the supervisor channel/);
      assert.deepEqual(sink.actions, []);
    });

    it('refuses a supervisor action from a personal chat', async () => {
      const body = invokeBody(
        await send(inPersonal(AAD.ana, invoke('drift.acknowledge', { episodeId: episode.id }))),
      );
      assert.match(String(body.value), /Only the supervisor channel/);
      assert.deepEqual(sink.actions, []);
    });

    it("takes the agent's reply only from that agent", async () => {
      const refused = invokeBody(
        await send(
          inPersonal(
            AAD.ben,
            invoke('drift.agentReply', { episodeId: episode.id, replyReason: 'systemIssue' }),
          ),
        ),
      );
      assert.match(String(refused.value), /Only the person this check-in is for/);
      assert.deepEqual(sink.actions, []);
      const taken = invokeBody(
        await send(
          inPersonal(
            AAD.ana,
            invoke('drift.agentReply', { episodeId: episode.id, replyReason: 'systemIssue' }),
          ),
        ),
      );
      assert.match(JSON.stringify(taken.value), /Thanks for letting us know: \*\*System issue\*\*/);
      assert.equal(
        (await stores.driftState.get({ managementUnitId: 'mu-north', agentId: 'agent-ana' }))?.episode
          ?.agentReply?.reason,
        'systemIssue',
      );
    });

    it('answers a stale action (the episode has ended) with a message and changes nothing', async () => {
      await seedState(
        openEpisode({ id: 'agent-ana:newer', driftStartedAt: episode.driftStartedAt + 3_600_000 }),
      );
      const body = invokeBody(
        await send(
          inChannel(`${ALERTS};messageid=77`, invoke('drift.acknowledge', { episodeId: episode.id })),
        ),
      );
      assert.equal(body.type, 'application/vnd.microsoft.activity.message');
      assert.match(String(body.value), /already ended/);
      assert.equal(
        (await stores.driftState.get({ managementUnitId: 'mu-north', agentId: 'agent-ana' }))?.episode
          ?.acknowledged,
        undefined,
      );
    });

    it('takes the Action.Submit fallback as a message and replaces the card in place', async () => {
      adapter.activeQueue.push({ type: 'message', id: '77', text: 'the card as first sent' });
      await send(
        inChannel(`${ALERTS};messageid=77`, {
          type: 'message',
          replyToId: '77',
          value: { verb: 'drift.acknowledge', episodeId: episode.id },
        }),
      );
      assert.equal(sink.actions[0]?.type, 'acknowledge');
      const updated = adapter.activeQueue.find((activity) => activity.id === '77');
      assert.match(JSON.stringify(updated), /Acknowledged by Sam Supervisor/);
      assert.equal(
        (await stores.driftState.get({ managementUnitId: 'mu-north', agentId: 'agent-ana' }))?.episode
          ?.acknowledged?.by.name,
        'Sam Supervisor',
      );
    });
  });

  async function seedState(episode: DriftEpisode): Promise<void> {
    await stores.driftState.modify(
      { managementUnitId: episode.managementUnitId, agentId: episode.agentId },
      () => ({
        next: {
          agentId: episode.agentId,
          managementUnitId: episode.managementUnitId,
          teamId: episode.teamId,
          lastAdherenceState: 'OutOfAdherence',
          lastAdherenceChangedAt: episode.driftStartedAt,
          lastObservedAt: episode.driftStartedAt,
          episode,
        },
        result: undefined,
      }),
    );
  }
});
