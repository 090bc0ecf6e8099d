import assert from 'node:assert/strict';
import type { TableClient } from '@azure/data-tables';
import type { AlertOutbox, OutboxAlert } from '../../../src/app/ports/alert-outbox';
import { InMemoryAlertOutbox } from '../../../src/storage/outbox/in-memory-alert-outbox';
import { TableAlertOutbox } from '../../../src/storage/outbox/table-alert-outbox';
import { encodeKey } from '../../../src/storage/table-codec';
import { createTestTableService } from '../../support/azurite';
import { anAlert, anEpisode, baseInstant, collect } from '../../support/storage-fixtures';

const ids = (alerts: readonly OutboxAlert[]): string[] => alerts.map((a) => a.id).sort();
const withoutEtag = ({ etag: _etag, ...rest }: OutboxAlert): Omit<OutboxAlert, 'etag'> => rest;

/** The AlertOutbox contract, run against every implementation. */
export function describeAlertOutboxContract(name: string, createOutbox: () => Promise<AlertOutbox>): void {
  describe(`AlertOutbox contract: ${name}`, () => {
    let outbox: AlertOutbox;
    beforeEach(async () => {
      outbox = await createOutbox();
    });

    it('stores an enqueued alert as pending with a version', async () => {
      const alert = anAlert();
      assert.equal(await outbox.enqueue(alert), 'enqueued');
      const stored = await outbox.get(alert.id);
      assert.deepEqual(withoutEtag(stored!), alert);
      assert.equal(typeof stored!.etag, 'string');
      assert.equal(await outbox.get(`${alert.id}x`), undefined);
    });

    it('keeps the instant an alert was due, and reads a row written without one', async () => {
      const due = anAlert({ dueAt: baseInstant + 60_000 });
      const older = anAlert({ kind: 'supervisorAlert', recipient: 'supervisorChannel' });
      await outbox.enqueue(due);
      await outbox.enqueue(older);
      assert.equal((await outbox.get(due.id))!.dueAt, baseInstant + 60_000);
      assert.equal('dueAt' in (await outbox.get(older.id))!, false);
      const sent = { ...(await outbox.get(due.id))!, status: 'sent' as const, sentAt: baseInstant + 61_000 };
      assert.equal(await outbox.update(sent), true);
      assert.equal(
        (await outbox.listByEpisode(due.episodeId)).find((a) => a.id === due.id)!.dueAt,
        baseInstant + 60_000,
      );
    });

    it('enqueues the same id once and leaves the first row as it was', async () => {
      const alert = anAlert();
      await outbox.enqueue(alert);
      assert.equal(await outbox.enqueue({ ...alert, attempts: 7, createdAt: baseInstant + 999 }), 'exists');
      assert.equal((await outbox.get(alert.id))?.attempts, 0);
      assert.deepEqual(ids(await collect(outbox.listPending())), [alert.id]);
    });

    it('moves an alert from pending to sent with where it landed, and keeps it in the episode ledger', async () => {
      const nudge = anAlert();
      const supervisor = anAlert({ kind: 'supervisorAlert', recipient: 'supervisorChannel' });
      const otherEpisode = anAlert({ episode: anEpisode({ agentId: 'agent-2' }) });
      for (const alert of [nudge, supervisor, otherEpisode]) await outbox.enqueue(alert);
      assert.deepEqual(ids(await collect(outbox.listPending())), ids([nudge, supervisor, otherEpisode]));

      const pending = (await outbox.get(nudge.id))!;
      const sent: OutboxAlert = {
        ...pending,
        status: 'sent',
        attempts: 1,
        conversationId: 'a:1xyz',
        activityId: '1:abc',
        sentAt: baseInstant + 121_000,
      };
      assert.equal(await outbox.update(sent), true);

      assert.deepEqual(ids(await collect(outbox.listPending())), ids([supervisor, otherEpisode]));
      const ledger = await outbox.listByEpisode(nudge.episodeId);
      assert.deepEqual(ids(ledger), ids([nudge, supervisor]));
      const stored = ledger.find((a) => a.id === nudge.id)!;
      assert.deepEqual(withoutEtag(stored), withoutEtag(sent));

      // A supervisor alert that joined the channel's live board keeps that, with the board card's place.
      const onBoard: OutboxAlert = {
        ...(await outbox.get(supervisor.id))!,
        status: 'sent',
        attempts: 1,
        conversationId: '19:floor@thread.tacv2;messageid=7',
        activityId: '7',
        presentation: 'board',
        sentAt: baseInstant + 122_000,
      };
      assert.equal(await outbox.update(onBoard), true);
      assert.deepEqual(withoutEtag((await outbox.get(supervisor.id))!), withoutEtag(onBoard));
    });

    it('answers a replaced row as stored, with the version the next write needs, and nothing for a stale one', async () => {
      const alert = anAlert();
      await outbox.enqueue(alert);
      const first = (await outbox.get(alert.id))!;
      const claimed = await outbox.replace({ ...first, attempts: 1, claimedAt: first.createdAt });
      assert.equal(claimed?.attempts, 1);
      assert.notEqual(claimed?.etag, first.etag);
      assert.equal(await outbox.replace({ ...first, attempts: 7 }), undefined, 'the old version is refused');
      assert.equal(
        await outbox.update({ ...claimed, status: 'sent', conversationId: 'c', activityId: 'a' }),
        true,
        'the answered version is current',
      );
      assert.equal((await outbox.get(alert.id))?.status, 'sent');
    });

    it('refuses an update made from a stale version', async () => {
      const alert = anAlert();
      await outbox.enqueue(alert);
      const first = (await outbox.get(alert.id))!;
      assert.equal(await outbox.update({ ...first, attempts: 1 }), true);
      assert.equal(
        await outbox.update({ ...first, status: 'sent', conversationId: 'c', activityId: 'a' }),
        false,
      );
      assert.equal(await outbox.update({ ...first, etag: undefined }), false);
      const stored = (await outbox.get(alert.id))!;
      assert.equal(stored.status, 'pending');
      assert.equal(stored.attempts, 1);
      assert.notEqual(stored.etag, first.etag);
    });

    it('keeps a retried alert pending with its new backoff instant', async () => {
      const alert = anAlert();
      await outbox.enqueue(alert);
      const current = (await outbox.get(alert.id))!;
      await outbox.update({
        ...current,
        attempts: 1,
        notBefore: baseInstant + 180_000,
        lastError: 'throttled',
      });
      const [pending] = await collect(outbox.listPending());
      assert.equal(pending.notBefore, baseInstant + 180_000);
      assert.equal(pending.lastError, 'throttled');
    });

    it('dead-letters an alert with its reason and stops listing it as pending', async () => {
      const alert = anAlert();
      await outbox.enqueue(alert);
      const current = (await outbox.get(alert.id))!;
      assert.equal(
        await outbox.update({
          ...current,
          status: 'deadLettered',
          attempts: 3,
          lastError: 'recipientGone: 403 bot blocked',
        }),
        true,
      );
      assert.deepEqual(await collect(outbox.listPending()), []);
      const [stored] = await outbox.listByEpisode(alert.episodeId);
      assert.equal(stored.status, 'deadLettered');
      assert.equal(stored.lastError, 'recipientGone: 403 bot blocked');
      assert.equal(await outbox.enqueue(alert), 'exists');
      assert.deepEqual(await collect(outbox.listPending()), []);
    });
  });
}

describeAlertOutboxContract('in memory', async () => new InMemoryAlertOutbox());
describeAlertOutboxContract('Azure Table on Azurite', async () => {
  const service = await createTestTableService(['AlertOutbox', 'AlertOutboxPending']);
  return new TableAlertOutbox(service.client('AlertOutbox'), service.client('AlertOutboxPending'));
});

describe('TableAlertOutbox on Azurite', () => {
  let ledger: TableClient;
  let index: TableClient;
  beforeEach(async () => {
    const service = await createTestTableService(['AlertOutbox', 'AlertOutboxPending']);
    ledger = service.client('AlertOutbox');
    index = service.client('AlertOutboxPending');
  });

  it('heals an index row left behind when the process stopped between the ledger update and the index delete', async () => {
    const outbox = new TableAlertOutbox(ledger, index);
    const alert = anAlert();
    await outbox.enqueue(alert);
    const current = (await outbox.get(alert.id))!;
    await ledger.updateEntity(
      { partitionKey: encodeKey(current.episodeId), rowKey: encodeKey(current.id), status: 'sent' },
      'Merge',
      { etag: current.etag },
    );
    assert.deepEqual(await collect(outbox.listPending()), []);
    assert.deepEqual(await collect(index.listEntities()), []);
  });

  it('skips an orphan index row, and drops it once it is older than the orphan age', async () => {
    const alert = anAlert();
    await index.upsertEntity({
      partitionKey: 'pending',
      rowKey: encodeKey(alert.id),
      alertId: alert.id,
      episodeId: alert.episodeId,
    });
    let now = Date.now();
    const outbox = new TableAlertOutbox(ledger, index, {
      clock: { now: () => now },
      orphanAfterInMs: 60_000,
    });
    assert.deepEqual(await collect(outbox.listPending()), []);
    assert.equal((await collect(index.listEntities())).length, 1);
    now += 120_000;
    assert.deepEqual(await collect(outbox.listPending()), []);
    assert.deepEqual(await collect(index.listEntities()), []);
  });

  it('writes the pending index of a burst of alerts in transactions of up to 100 rows, not one request each', async () => {
    let indexRequests = 0;
    const countedIndex = new Proxy(index, {
      get(target, property, receiver) {
        const value = Reflect.get(target, property, receiver) as unknown;
        if (typeof value !== 'function' || typeof property !== 'string') return value;
        return (...args: unknown[]) => {
          if (['upsertEntity', 'deleteEntity', 'submitTransaction'].includes(property)) indexRequests += 1;
          return (value as (...a: unknown[]) => unknown).apply(target, args);
        };
      },
    });
    const outbox = new TableAlertOutbox(ledger, countedIndex);
    const alerts = Array.from({ length: 150 }, (_, i) => anAlert({ episode: anEpisode({ id: `e-${i}` }) }));
    await Promise.all(alerts.map((alert) => outbox.enqueue(alert)));
    assert.ok(indexRequests <= 3, `${indexRequests} index requests`);
    const pending = await collect(outbox.listPending());
    assert.deepEqual(pending.map((alert) => alert.id).sort(), alerts.map((alert) => alert.id).sort());
    // Sent: each index row goes, again batched.
    indexRequests = 0;
    await Promise.all(
      pending.map((alert) => outbox.update({ ...alert, status: 'sent', sentAt: alert.createdAt + 1 })),
    );
    // The ledger updates finish one by one, so the index deletes come in waves: still a fraction of one each.
    assert.ok(indexRequests <= 40, `${indexRequests} index requests`);
    assert.deepEqual(await collect(outbox.listPending()), []);
  });

  it('keeps the full episode even when the error text is huge', async () => {
    const outbox = new TableAlertOutbox(ledger, index);
    const alert = anAlert();
    await outbox.enqueue(alert);
    const current = (await outbox.get(alert.id))!;
    assert.equal(await outbox.update({ ...current, lastError: 'x'.repeat(100_000) }), true);
    const stored = (await outbox.get(alert.id))!;
    assert.equal(stored.lastError!.length, 4000);
    assert.deepEqual(stored.episode, alert.episode);
  });
});
