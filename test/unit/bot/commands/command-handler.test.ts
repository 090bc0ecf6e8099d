import assert from 'node:assert/strict';
import { CommandHandler } from '../../../../bot/commands/command-handler';
import { RoutingEntitlements } from '../../../../bot/commands/routing-entitlements';
import type { BotReply, TurnInfo } from '../../../../bot/handlers/turn-info';
import type { ConversationRecord } from '../../../../src/app/ports/conversation-store';
import { createInMemoryStores } from '../../../../src/storage/in-memory-stores';
import type { StoreSet } from '../../../../src/storage/store-set';
import type { FakeDirectory } from '../../../support/bot-fakes';
import { AAD, exampleDirectory } from '../../../support/bot-fakes';
import { FakeTeamsMessenger } from '../../../support/fake-teams-messenger';
import { ManualClock } from '../../../support/manual-clock';
import { RecordingLogger } from '../../../support/recording-logger';

const TENANT = '11111111-2222-4333-8444-555555555555';
const TEAM = '19:support@thread.tacv2';
const ALERTS = '19:alerts@thread.tacv2';
const FLOOR = '19:floor@thread.tacv2';
const OUTSIDER = '0d0d0d0d-0000-4000-8000-00000000d0d0';
const MANAGER_AAD = '0e0e0e0e-0000-4000-8000-00000000e0e0';

describe('CommandHandler: who may route alerts, and what users type comes back escaped', () => {
  let stores: StoreSet;
  let messenger: FakeTeamsMessenger;
  let clock: ManualClock;
  let directory: FakeDirectory;
  let refusals: Record<string, number>;

  beforeEach(async () => {
    stores = createInMemoryStores();
    messenger = new FakeTeamsMessenger();
    clock = new ManualClock(Date.UTC(2026, 7, 20, 10, 0, 0));
    directory = exampleDirectory();
    refusals = {};
    // Mo manages Ana and Ben (unit North); nobody in South reports to Mo.
    directory.agents[0] = { ...directory.agents[0], managerId: 'user-mo' };
    directory.agents[1] = { ...directory.agents[1], managerId: 'user-mo' };
    for (const [id, name] of [
      [ALERTS, 'Alerts'],
      [FLOOR, 'Floor'],
    ] as const)
      await stores.conversations.upsert(channelRecord(id, name));
    messenger.members.set(TEAM, [
      { id: '29:sup', aadObjectId: AAD.sup, email: 'sam@contoso.com' },
      {
        id: '29:mo',
        aadObjectId: MANAGER_AAD,
        email: 'Mo.Manager@contoso.com',
        userPrincipalName: 'mo@contoso.com',
      },
      { id: '29:out', aadObjectId: OUTSIDER, email: 'pat@contoso.com' },
    ]);
  });

  function handler(options: { admins?: string[]; allowUnitManagers?: boolean } = {}): CommandHandler {
    const logger = new RecordingLogger();
    return new CommandHandler({
      conversations: stores.conversations,
      routes: stores.routes,
      driftState: stores.driftState,
      history: stores.history,
      directory,
      clock,
      logger,
      entitlements: new RoutingEntitlements({
        admins: options.admins ?? [AAD.sup],
        allowUnitManagers: options.allowUnitManagers ?? false,
        directory,
        userEmail: async (userId) => (userId === 'user-mo' ? 'mo@contoso.com' : undefined),
        logger,
      }),
      messenger,
      tenantId: TENANT,
      refusals,
    });
  }

  function inChannel(
    channelId: string,
    from: { id: string; aadObjectId: string; name: string },
    tenantId = TENANT,
  ): TurnInfo {
    return {
      serviceUrl: 'https://smba.example/teams/',
      tenantId,
      conversationId: channelId,
      conversationType: 'channel',
      from,
      teamId: TEAM,
      teamName: 'Support',
      channelId,
      reference: {},
    };
  }

  const sam = { id: '29:sup', aadObjectId: AAD.sup, name: 'Sam Supervisor' };
  const pat = { id: '29:out', aadObjectId: OUTSIDER, name: 'Pat' };
  const mo = { id: '29:mo', aadObjectId: MANAGER_AAD, name: 'Mo Manager' };

  const textOf = (reply: BotReply): string => (reply.kind === 'text' ? reply.text : JSON.stringify(reply));

  async function routesOf(channelId: string): Promise<string[]> {
    return (await stores.routes.listByConversation(`channel:${channelId}`))
      .map((route) => `${route.scope}:${route.targetId}`)
      .sort();
  }

  it('refuses watch and unwatch from anyone WATCH_ADMINS does not name, saying who may, without listing units or teams', async () => {
    const commands = handler({ admins: ['sam@contoso.com', 'lee@contoso.com'] });
    for (const text of ['watch all', 'watch North', 'watch Atlantis', 'unwatch all', 'move North']) {
      const reply = textOf(await commands.handle(inChannel(ALERTS, pat), `<at>Drift</at> ${text}`));
      assert.match(reply, /only sam@contoso\.com, lee@contoso\.com can choose which drift alerts/, text);
      assert.doesNotMatch(reply, /North|South|Blue|Green|Red/, 'the refusal names no unit or team');
    }
    assert.deepEqual(await routesOf(ALERTS), []);
    assert.deepEqual(refusals, { notEntitled: 5 }, 'each refusal is counted');
  });

  it('lets an admin named by object id, email or UPN route alerts (email and UPN read from Teams)', async () => {
    assert.match(
      textOf(await handler({ admins: ['MO@contoso.com'] }).handle(inChannel(FLOOR, mo), 'watch South')),
      /now gets drift alerts for unit South/,
    );
    assert.match(
      textOf(await handler({ admins: ['pat@contoso.com'] }).handle(inChannel(FLOOR, pat), 'watch Red Team')),
      /now gets drift alerts for team Red Team/,
    );
    assert.match(
      textOf(await handler().handle(inChannel(ALERTS, sam), 'watch all')),
      /now gets drift alerts for all units\. Except unit South, team Red Team: another channel watches them/,
    );
    assert.deepEqual(await routesOf(FLOOR), ['managementUnit:mu-south', 'team:team-red']);
    assert.deepEqual(await routesOf(ALERTS), ['all:*']);
  });

  it('lets the Genesys manager of a unit route that unit and its teams only when the admin turns it on, never all', async () => {
    const off = handler({ admins: [AAD.sup] });
    assert.match(textOf(await off.handle(inChannel(FLOOR, mo), 'watch North')), /Sorry, only/);
    const on = handler({ admins: [AAD.sup], allowUnitManagers: true });
    assert.match(textOf(await on.handle(inChannel(FLOOR, mo), 'watch North')), /unit North/);
    assert.match(textOf(await on.handle(inChannel(FLOOR, mo), 'watch Blue Team')), /team Blue Team/);
    assert.match(
      textOf(await on.handle(inChannel(FLOOR, mo), 'watch South')),
      /Sorry, only .*Genesys supervisors/,
    );
    assert.match(textOf(await on.handle(inChannel(FLOOR, mo), 'watch all')), /Sorry, only/);
    assert.deepEqual(await routesOf(FLOOR), ['managementUnit:mu-north', 'team:team-blue']);
    assert.match(textOf(await on.handle(inChannel(FLOOR, pat), 'watch North')), /Sorry, only/);
  });

  it('refuses a second channel for alerts another channel already gets, and moves them only when asked, telling that channel', async () => {
    const commands = handler();
    await commands.handle(inChannel(ALERTS, sam), 'watch North');
    const refused = textOf(await commands.handle(inChannel(FLOOR, sam), 'watch North'));
    assert.match(refused, /already go to Alerts \(team Support\)/);
    assert.match(refused, /move North/);
    assert.deepEqual(await routesOf(FLOOR), []);
    // A team of North would outrank North's route in Alerts and take its alerts silently: refused too.
    assert.match(
      textOf(await commands.handle(inChannel(FLOOR, sam), 'watch Blue Team')),
      /already go to Alerts/,
    );
    assert.equal(messenger.callsOf('postToChannel').length, 0);

    const moved = textOf(await commands.handle(inChannel(FLOOR, sam), 'move Blue Team here'));
    assert.match(moved, /now gets drift alerts for team Blue Team\. The channel that got them was told/);
    assert.deepEqual(await routesOf(FLOOR), ['team:team-blue']);
    assert.deepEqual(await routesOf(ALERTS), ['managementUnit:mu-north'], 'Alerts keeps the rest of North');
    const notices = messenger.callsOf('postToChannel');
    assert.equal(notices.length, 1);
    assert.equal(notices[0].conversationId, ALERTS);
    assert.match(
      JSON.stringify(notices[0].card),
      /alerts for team Blue Team now go to Floor \(team Support\)/,
    );
    assert.match(JSON.stringify(notices[0].card), /moved there by Sam Supervisor/);

    await commands.handle(inChannel(FLOOR, sam), 'move North');
    assert.deepEqual(await routesOf(ALERTS), [], 'the same target moves whole');
    assert.deepEqual(await routesOf(FLOOR), ['managementUnit:mu-north', 'team:team-blue']);
  });

  it('lets a broader route in and names what stays with other channels', async () => {
    const commands = handler();
    await commands.handle(inChannel(ALERTS, sam), 'watch Blue Team');
    const reply = textOf(await commands.handle(inChannel(FLOOR, sam), 'watch all'));
    assert.match(
      reply,
      /now gets drift alerts for all units\. Except team Blue Team: another channel watches it/,
    );
    assert.deepEqual(await routesOf(ALERTS), ['team:team-blue']);
  });

  it('ignores a dead channel when deciding whether alerts are taken', async () => {
    const commands = handler();
    await commands.handle(inChannel(ALERTS, sam), 'watch North');
    await stores.conversations.upsert({
      ...channelRecord(ALERTS, 'Alerts'),
      deadReason: 'the app was removed',
    });
    assert.match(
      textOf(await commands.handle(inChannel(FLOOR, sam), 'watch North')),
      /now gets drift alerts/,
    );
  });

  it('answers watch, unwatch, status and report only in the bot’s own tenant', async () => {
    const commands = handler();
    for (const text of [
      'watch all',
      'unwatch all',
      'status',
      'report',
      'report agents',
      'digest',
      'move North',
    ]) {
      const reply = textOf(
        await commands.handle(inChannel(ALERTS, sam, 'ffffffff-0000-4000-8000-000000000000'), text),
      );
      assert.match(reply, /only answer .* in the organisation this app belongs to/, text);
    }
    assert.deepEqual(await routesOf(ALERTS), []);
    const inOwnTenant = await commands.handle(inChannel(ALERTS, sam), 'status');
    assert.match(textOf(inOwnTenant), /watches nothing yet/);
  });

  it('quotes what was typed cut to 80 characters with Markdown escaped, and never lists the directory', async () => {
    const typed = `**Click** [here](https://evil.example) {{DATE(2030-01-01T00:00:00Z)}} <b>x</b> ${'y'.repeat(200)}`;
    const unknown = JSON.stringify(await handler().handle(inChannel(ALERTS, sam), typed));
    assert.doesNotMatch(unknown, /\*\*Click\*\*|\[here\]\(|\{\{DATE|<b>/);
    assert.match(unknown, /\\\\\*\\\\\*Click\\\\\*\\\\\* \\\\\[here\\\\\]\(https:\/\/evil\.example\)/);
    assert.doesNotMatch(unknown, /y{80}/, 'cut to 80 characters');
    const notFound = textOf(await handler().handle(inChannel(ALERTS, sam), 'watch *Atlantis*'));
    assert.match(notFound, /don't know a management unit or team called "\\\*Atlantis\\\*"/);
    assert.doesNotMatch(notFound, /North|South|Blue|Green|Red/);
  });
});

function channelRecord(channelId: string, name: string): ConversationRecord {
  return {
    key: `channel:${channelId}`,
    kind: 'channel',
    tenantId: TENANT,
    serviceUrl: 'https://smba.example/teams/',
    conversationId: channelId,
    reference: {},
    teamId: TEAM,
    teamName: 'Support',
    channelId,
    channelName: name,
    updatedAt: 0,
  };
}
