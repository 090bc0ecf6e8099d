import assert from 'node:assert/strict';
import type { DigestLedger, DigestRecord } from '../../../src/app/ports/digest-ledger';
import { InMemoryDigestLedger } from '../../../src/storage/digests/in-memory-digest-ledger';
import { TableDigestLedger } from '../../../src/storage/digests/table-digest-ledger';
import { createTestTableService } from '../../support/azurite';
import { baseInstant } from '../../support/storage-fixtures';

const CHANNEL = 'channel:19:alerts/1#?@thread.tacv2';

function aDigest(overrides: Partial<DigestRecord> = {}): DigestRecord {
  return {
    weekStart: '2026-08-17',
    conversationKey: CHANNEL,
    status: 'claimed',
    timeZone: 'Europe/London',
    dueAt: baseInstant,
    attempts: 1,
    notBefore: baseInstant,
    claimedBy: 'replica-a',
    claimedAt: baseInstant + 5,
    ...overrides,
  };
}

/** The DigestLedger contract, run against every implementation. */
export function describeDigestLedgerContract(name: string, createLedger: () => Promise<DigestLedger>): void {
  describe(`DigestLedger contract: ${name}`, () => {
    let ledger: DigestLedger;
    beforeEach(async () => {
      ledger = await createLedger();
    });

    it('creates one row per channel and week: a second create is refused and changes nothing', async () => {
      assert.equal(await ledger.create(aDigest()), true);
      assert.equal(await ledger.create(aDigest({ claimedBy: 'replica-b', status: 'skipped' })), false);
      const { etag, ...stored } = (await ledger.get('2026-08-17', CHANNEL))!;
      assert.ok(etag);
      assert.deepEqual(stored, aDigest());
      assert.equal(await ledger.create(aDigest({ weekStart: '2026-08-24' })), true, 'next week is a new row');
      assert.equal(await ledger.create(aDigest({ conversationKey: 'channel:19:other@thread.tacv2' })), true);
      assert.equal(await ledger.get('2026-08-31', CHANNEL), undefined);
    });

    it('updates only from the current version and clears what the update leaves out', async () => {
      await ledger.create(aDigest());
      const claimed = (await ledger.get('2026-08-17', CHANNEL))!;
      const sent: DigestRecord = {
        ...claimed,
        status: 'sent',
        claimedBy: undefined,
        claimedAt: undefined,
        sentAt: baseInstant + 10,
        conversationId: '19:alerts@thread.tacv2;messageid=1001',
        activityId: '1001',
        isInDoubt: true,
        lastError: 'in doubt: claimed by replica-a',
      };
      assert.equal(await ledger.update(sent), true);
      assert.equal(
        await ledger.update({ ...claimed, status: 'failed' }),
        false,
        'a stale version is refused',
      );
      const { etag: _etag, ...stored } = (await ledger.get('2026-08-17', CHANNEL))!;
      const { etag: _sentEtag, claimedBy: _by, claimedAt: _at, ...expected } = sent;
      assert.deepEqual(stored, expected);
    });
  });
}

describeDigestLedgerContract('in memory', () => Promise.resolve(new InMemoryDigestLedger()));
describeDigestLedgerContract(
  'Azure Table on Azurite',
  async () => new TableDigestLedger((await createTestTableService(['Digests'])).client('Digests')),
);
