import assert from 'node:assert/strict';
import type { TableClient } from '@azure/data-tables';
import type { DriftStateStore } from '../../../src/app/ports/drift-state-store';
import type { AgentDriftState } from '../../../src/domain/drift-episode';
import { InMemoryDriftStateStore } from '../../../src/storage/drift-state/in-memory-drift-state-store';
import { TableDriftStateStore } from '../../../src/storage/drift-state/table-drift-state-store';
import { createTestTableService } from '../../support/azurite';
import { aState, baseInstant, collect } from '../../support/storage-fixtures';

const key = { managementUnitId: 'mu-1', agentId: 'agent-1' };
const put = (store: DriftStateStore, state: AgentDriftState): Promise<void> =>
  store.modify({ managementUnitId: state.managementUnitId, agentId: state.agentId }, () => ({
    next: state,
    result: undefined,
  }));

/** The DriftStateStore contract, run against every implementation. */
export function describeDriftStateStoreContract(
  name: string,
  createStore: () => Promise<DriftStateStore>,
): void {
  describe(`DriftStateStore contract: ${name}`, () => {
    let store: DriftStateStore;
    beforeEach(async () => {
      store = await createStore();
    });

    it('returns undefined for an agent it has never seen', async () => {
      assert.equal(await store.get(key), undefined);
    });

    it('gives back exactly the state it stored, episode and instants above 2^31 included', async () => {
      const state = aState({ nextDueAt: 4_102_444_800_123, lastObservedAt: Number.MAX_SAFE_INTEGER - 1 });
      await put(store, state);
      assert.deepEqual(await store.get(key), state);
    });

    it('keeps a state field it has no column for (added to the domain later)', async () => {
      const state = { ...aState(), futureField: { nested: [1, 2] } } as AgentDriftState;
      await put(store, state);
      assert.deepEqual(await store.get(key), state);
    });

    it('hands modify the current state and returns what mutate returned', async () => {
      await put(store, aState());
      const seen = await store.modify(key, (current) => ({
        next: current && { ...current, lastObservedAt: current.lastObservedAt + 10 },
        result: current?.lastObservedAt,
      }));
      assert.equal(seen, baseInstant + 1);
      assert.equal((await store.get(key))?.lastObservedAt, baseInstant + 11);
    });

    it('removes an optional part when the next state no longer has it', async () => {
      await put(store, aState());
      await store.modify(key, (current) => ({
        next: current && { ...current, episode: undefined, nextDueAt: undefined },
        result: 0,
      }));
      const stored = await store.get(key);
      assert.equal(stored?.episode, undefined);
      assert.equal(stored?.nextDueAt, undefined);
      assert.equal(stored?.snoozedUntil, baseInstant + 900_000);
    });

    it('deletes the row when modify returns no next state', async () => {
      await put(store, aState());
      await store.modify(key, () => ({ next: undefined, result: 'gone' }));
      assert.equal(await store.get(key), undefined);
    });

    it('deletes idempotently', async () => {
      await put(store, aState());
      await store.delete(key);
      await store.delete(key);
      assert.equal(await store.get(key), undefined);
    });

    it('lists every agent, or the agents of one management unit', async () => {
      await put(store, aState({ agentId: 'a1', managementUnitId: 'mu-1' }));
      await put(store, aState({ agentId: 'a2', managementUnitId: 'mu-1' }));
      await put(store, aState({ agentId: 'a3', managementUnitId: 'mu-2' }));
      const ids = (states: AgentDriftState[]): string[] => states.map((s) => s.agentId).sort();
      assert.deepEqual(ids(await collect(store.list())), ['a1', 'a2', 'a3']);
      assert.deepEqual(ids(await collect(store.list('mu-1'))), ['a1', 'a2']);
      assert.deepEqual(ids(await collect(store.list('mu-3'))), []);
    });

    it('keeps keys with characters Table keys forbid', async () => {
      const odd = aState({ agentId: 'a/b#c?d\\e%f', managementUnitId: 'mu/1' });
      await put(store, odd);
      assert.deepEqual(await store.get({ managementUnitId: 'mu/1', agentId: 'a/b#c?d\\e%f' }), odd);
      assert.deepEqual(
        (await collect(store.list('mu/1'))).map((s) => s.agentId),
        ['a/b#c?d\\e%f'],
      );
    });

    it('loses no update when 20 modifications of one agent run at once', async () => {
      await put(store, aState({ lastObservedAt: 0 }));
      await Promise.all(
        Array.from({ length: 20 }, () =>
          store.modify(key, (current) => ({
            next: current && { ...current, lastObservedAt: current.lastObservedAt + 1 },
            result: 0,
          })),
        ),
      );
      assert.equal((await store.get(key))?.lastObservedAt, 20);
    });

    it('creates a new agent exactly once when several writers race to create it', async () => {
      const results = await Promise.all(
        Array.from({ length: 5 }, (_, i) =>
          store.modify(key, (current) => ({
            next: current
              ? { ...current, lastObservedAt: current.lastObservedAt + 1 }
              : aState({ lastObservedAt: 0 }),
            result: current ? `incremented by ${i}` : 'created',
          })),
        ),
      );
      assert.equal(results.filter((r) => r === 'created').length, 1);
      assert.equal((await store.get(key))?.lastObservedAt, 4);
    });
  });
}

describeDriftStateStoreContract('in memory', async () => new InMemoryDriftStateStore());
describeDriftStateStoreContract(
  'Azure Table on Azurite',
  async () => new TableDriftStateStore((await createTestTableService(['DriftState'])).client('DriftState')),
);

describe('TableDriftStateStore on Azurite', () => {
  let client: TableClient;
  beforeEach(async () => {
    client = (await createTestTableService(['DriftState'])).client('DriftState');
  });

  it('re-reads and re-applies mutate when another writer changed the row after its read (412)', async () => {
    const other = new TableDriftStateStore(client);
    await put(other, aState({ lastObservedAt: 0 }));
    let interfered = false;
    // A client whose first read is followed by another writer's update, so the first write carries a stale ETag.
    const racing = new Proxy(client, {
      get(target, property, receiver) {
        if (property !== 'getEntity') return Reflect.get(target, property, receiver) as unknown;
        return async (...args: Parameters<TableClient['getEntity']>) => {
          const entity = await target.getEntity(...args);
          if (!interfered) {
            interfered = true;
            await other.modify(key, (current) => ({
              next: current && { ...current, lastObservedAt: current.lastObservedAt + 100 },
              result: 0,
            }));
          }
          return entity;
        };
      },
    });
    const seen: number[] = [];
    await new TableDriftStateStore(racing).modify(key, (current) => {
      seen.push(current!.lastObservedAt);
      return { next: { ...current!, lastObservedAt: current!.lastObservedAt + 1 }, result: 0 };
    });
    assert.deepEqual(seen, [0, 100]);
    assert.equal((await other.get(key))?.lastObservedAt, 101);
  });

  it('fails with a clear error when the row keeps changing beyond the attempt limit', async () => {
    const other = new TableDriftStateStore(client);
    await put(other, aState({ lastObservedAt: 0 }));
    const alwaysRacing = new Proxy(client, {
      get(target, property, receiver) {
        if (property !== 'getEntity') return Reflect.get(target, property, receiver) as unknown;
        return async (...args: Parameters<TableClient['getEntity']>) => {
          const entity = await target.getEntity(...args);
          await other.modify(key, (current) => ({
            next: current && { ...current, lastObservedAt: current.lastObservedAt + 1 },
            result: 0,
          }));
          return entity;
        };
      },
    });
    const store = new TableDriftStateStore(alwaysRacing, { maxAttempts: 3, maxBackoffInMs: 1 });
    await assert.rejects(
      store.modify(key, (current) => ({ next: { ...current!, teamId: 'x' }, result: 0 })),
      { name: 'StorageConflictError', message: /kept changing under 3 read-modify-write attempts/ },
    );
  });

  it('stores instants as Edm.Double columns that come back as plain numbers', async () => {
    await put(new TableDriftStateStore(client), aState({ nextDueAt: 4_102_444_800_123 }));
    const raw = await client.getEntity<Record<string, unknown>>('mu-1', 'agent-1');
    assert.equal(typeof raw.nextDueAt, 'number');
    assert.equal(raw.nextDueAt, 4_102_444_800_123);
    assert.equal(raw.driftStartedAt, baseInstant);
    // A Double literal only matches a Double column on Azure; an Int64 column would need `4102444800123L`.
    const hits = await collect(
      client.listEntities({ queryOptions: { filter: 'nextDueAt eq 4102444800123.0' } }),
    );
    assert.equal(hits.length, 1);
  });

  /** The client, counting the requests the store makes by method name. */
  function counting(target: TableClient): { client: TableClient; calls: Map<string, number> } {
    const calls = new Map<string, number>();
    const counted = new Set([
      'getEntity',
      'createEntity',
      'updateEntity',
      'deleteEntity',
      'submitTransaction',
    ]);
    const proxy = new Proxy(target, {
      get(t, property, receiver) {
        const value = Reflect.get(t, property, receiver) as unknown;
        if (typeof property !== 'string' || !counted.has(property) || typeof value !== 'function')
          return value;
        return (...args: unknown[]) => {
          calls.set(property, (calls.get(property) ?? 0) + 1);
          return (value as (...a: unknown[]) => unknown).apply(t, args);
        };
      },
    });
    return { client: proxy, calls };
  }

  it('writes the concurrent changes of 150 agents of a unit in two transactions, not one per agent', async () => {
    const { client: countingClient, calls } = counting(client);
    const store = new TableDriftStateStore(countingClient);
    await collect(store.list('mu-1'));
    const states = Array.from({ length: 150 }, (_, i) => aState({ agentId: `agent-${i}` }));
    await Promise.all(states.map((state) => put(store, state)));
    assert.deepEqual(Object.fromEntries(calls), { submitTransaction: 2 });
    assert.deepEqual(
      (await collect(new TableDriftStateStore(client).list('mu-1'))).map((s) => s.agentId).sort(),
      states.map((s) => s.agentId).sort(),
    );
    // Each row kept its own ETag from the transaction (a create's and an update's alike): each further change of
    // every row is one more batched write, with no read and no conflict.
    for (const teamId of ['team-2', 'team-3']) {
      await Promise.all(
        states.map((state) =>
          store.modify(state, (current) => ({ next: current && { ...current, teamId }, result: undefined })),
        ),
      );
    }
    assert.deepEqual(Object.fromEntries(calls), { submitTransaction: 6 });
    const stored = await collect(new TableDriftStateStore(client).list('mu-1'));
    assert.ok(stored.every((s) => s.teamId === 'team-3'));
  });

  it('writes a unit it has listed whole without reading a row first, and updates it from its own copies', async () => {
    await put(new TableDriftStateStore(client), aState({ agentId: 'agent-0' }));
    const { client: countingClient, calls } = counting(client);
    const store = new TableDriftStateStore(countingClient);
    await collect(store.list('mu-1'));
    await put(store, aState({ agentId: 'agent-new' }));
    await store.modify({ managementUnitId: 'mu-1', agentId: 'agent-0' }, (current) => ({
      next: current && { ...current, lastObservedAt: current.lastObservedAt + 5 },
      result: undefined,
    }));
    assert.equal(calls.get('getEntity'), undefined);
    assert.equal(
      (await new TableDriftStateStore(client).get({ managementUnitId: 'mu-1', agentId: 'agent-0' }))
        ?.lastObservedAt,
      baseInstant + 6,
    );
    assert.ok(await new TableDriftStateStore(client).get({ managementUnitId: 'mu-1', agentId: 'agent-new' }));
  });

  it('re-applies a change made on a stale copy over what another replica wrote meanwhile (its ETag refuses it)', async () => {
    const mine = new TableDriftStateStore(client);
    const other = new TableDriftStateStore(client);
    await put(mine, aState({ lastObservedAt: 0 }));
    await other.modify(key, (current) => ({
      next: current && { ...current, teamId: 'team-42' },
      result: undefined,
    }));
    const seen: Array<string | undefined> = [];
    await mine.modify(key, (current) => {
      seen.push(current?.teamId);
      return { next: current && { ...current, lastObservedAt: 7 }, result: undefined };
    });
    assert.deepEqual(
      seen,
      ['team-1', 'team-42'],
      'first on its own copy, then on the row as the other left it',
    );
    const stored = await other.get(key);
    assert.equal(stored?.teamId, 'team-42');
    assert.equal(stored?.lastObservedAt, 7);
  });

  it('names the agents of a unit it knows whole (listed, then written), and none once a copy went stale', async () => {
    await put(new TableDriftStateStore(client), aState({ agentId: 'agent-0' }));
    await put(new TableDriftStateStore(client), aState({ agentId: 'agent-gone' }));
    const mine = new TableDriftStateStore(client);
    assert.equal(mine.knownAgentIds('mu-1'), undefined, 'not listed yet');
    await collect(mine.list('mu-1'));
    await put(mine, aState({ agentId: 'agent-new' }));
    await mine.delete({ managementUnitId: 'mu-1', agentId: 'agent-gone' });
    assert.deepEqual([...(mine.knownAgentIds('mu-1') ?? [])].sort(), ['agent-0', 'agent-new']);

    // Another replica writes agent-0: this copy is stale, its write is refused (412) and the unit is no longer whole.
    await new TableDriftStateStore(client).modify(
      { managementUnitId: 'mu-1', agentId: 'agent-0' },
      (current) => ({
        next: current && { ...current, teamId: 'team-42' },
        result: undefined,
      }),
    );
    await mine.modify({ managementUnitId: 'mu-1', agentId: 'agent-0' }, (current) => ({
      next: current && { ...current, lastObservedAt: 9 },
      result: undefined,
    }));
    assert.equal(mine.knownAgentIds('mu-1'), undefined);
    mine.forgetUnit('mu-1');
    await collect(mine.list('mu-1'));
    assert.deepEqual([...(mine.knownAgentIds('mu-1') ?? [])].sort(), ['agent-0', 'agent-new']);
  });

  it('creates an agent another replica created after its listing by reading it afresh (409)', async () => {
    const mine = new TableDriftStateStore(client);
    await collect(mine.list('mu-1'));
    await put(new TableDriftStateStore(client), aState({ lastObservedAt: 3 }));
    const seen: Array<number | undefined> = [];
    await mine.modify(key, (current) => {
      seen.push(current?.lastObservedAt);
      return { next: aState({ lastObservedAt: (current?.lastObservedAt ?? 0) + 1 }), result: undefined };
    });
    assert.deepEqual(seen, [undefined, 3]);
    assert.equal((await mine.get(key))?.lastObservedAt, 4);
  });

  it('writes a burst of 250 agents over two units, each write answered and every row stored', async () => {
    const store = new TableDriftStateStore(client);
    const states = Array.from({ length: 250 }, (_, i) =>
      aState({ agentId: `agent-${i}`, managementUnitId: i % 5 === 0 ? 'mu-b' : 'mu-a' }),
    );
    await Promise.all(states.map((state) => store.modify(state, () => ({ next: state, result: undefined }))));
    assert.equal((await collect(store.list('mu-a'))).length, 200);
    assert.equal((await collect(store.list('mu-b'))).length, 50);
    assert.deepEqual(
      await new TableDriftStateStore(client).get({ managementUnitId: 'mu-b', agentId: 'agent-5' }),
      states[5],
    );
  });
});
