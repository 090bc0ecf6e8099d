import assert from 'node:assert/strict';
import type { WelcomeLedger, WelcomeRecord } from '../../../src/app/ports/welcome-ledger';
import { InMemoryWelcomeLedger } from '../../../src/storage/welcomes/in-memory-welcome-ledger';
import { TableWelcomeLedger } from '../../../src/storage/welcomes/table-welcome-ledger';
import { createTestTableService } from '../../support/azurite';
import { baseInstant, collect } from '../../support/storage-fixtures';

function aWelcome(overrides: Partial<WelcomeRecord> = {}): WelcomeRecord {
  return {
    scope: 'personal',
    scopeId: '6f1c2d3e-4a5b-4c6d-8e7f-0a1b2c3d4e5f',
    status: 'pending',
    tenantId: 'tenant-1',
    serviceUrl: 'https://smba.trafficmanager.net/teams/',
    conversationId: 'a:1xyz',
    reference: { conversation: { id: 'a:1xyz' }, bot: { id: '28:bot' } },
    card: { type: 'AdaptiveCard', body: [{ type: 'TextBlock', text: 'Hi Ünïcødé' }] },
    createdAt: baseInstant,
    attempts: 0,
    notBefore: baseInstant,
    ...overrides,
  };
}

/** The WelcomeLedger contract, run against every implementation. */
export function describeWelcomeLedgerContract(
  name: string,
  createLedger: () => Promise<WelcomeLedger>,
): void {
  describe(`WelcomeLedger contract: ${name}`, () => {
    let ledger: WelcomeLedger;
    beforeEach(async () => {
      ledger = await createLedger();
    });

    it('creates a welcome once per scope: a second create for the same scope is refused and changes nothing', async () => {
      assert.equal(await ledger.create(aWelcome()), true);
      assert.equal(await ledger.create(aWelcome({ conversationId: 'a:other', status: 'skipped' })), false);
      const { etag, ...stored } = (await ledger.get('personal', aWelcome().scopeId))!;
      assert.ok(etag);
      assert.deepEqual(stored, aWelcome());
      assert.equal(
        await ledger.create(aWelcome({ scope: 'team', scopeId: '19:team/1#?@thread.tacv2' })),
        true,
      );
      assert.equal(
        (await ledger.get('team', '19:team/1#?@thread.tacv2'))?.scopeId,
        '19:team/1#?@thread.tacv2',
      );
    });

    it('updates only from the current version and lists only pending welcomes', async () => {
      await ledger.create(aWelcome());
      await ledger.create(aWelcome({ scopeId: '00000000-0000-4000-8000-000000000002', status: 'skipped' }));
      const current = (await ledger.get('personal', aWelcome().scopeId))!;
      assert.equal(await ledger.update({ ...current, claimedAt: baseInstant + 1, attempts: 1 }), true);
      assert.equal(await ledger.update({ ...current, status: 'sent' }), false, 'a stale version is refused');
      assert.deepEqual(
        (await collect(ledger.listPending())).map((row) => [row.scopeId, row.attempts, row.claimedAt]),
        [[aWelcome().scopeId, 1, baseInstant + 1]],
      );
      const claimed = (await ledger.get('personal', aWelcome().scopeId))!;
      assert.equal(
        await ledger.update({ ...claimed, status: 'sent', sentAt: baseInstant + 2, card: undefined }),
        true,
      );
      assert.deepEqual(await collect(ledger.listPending()), []);
      assert.equal((await ledger.get('personal', aWelcome().scopeId))?.card, undefined);
    });
  });
}

describeWelcomeLedgerContract('in memory', async () => new InMemoryWelcomeLedger());
describeWelcomeLedgerContract(
  'Azure Table on Azurite',
  async () => new TableWelcomeLedger((await createTestTableService(['Welcomes'])).client('Welcomes')),
);
