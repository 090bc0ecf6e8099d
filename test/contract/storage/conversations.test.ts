import assert from 'node:assert/strict';
import type { ConversationRecord, ConversationStore } from '../../../src/app/ports/conversation-store';
import { InMemoryConversationStore } from '../../../src/storage/conversations/in-memory-conversation-store';
import { TableConversationStore } from '../../../src/storage/conversations/table-conversation-store';
import { createTestTableService } from '../../support/azurite';
import { baseInstant, collect } from '../../support/storage-fixtures';

const personal = (aadObjectId: string, overrides: Partial<ConversationRecord> = {}): ConversationRecord => ({
  key: aadObjectId,
  kind: 'personal',
  tenantId: 'tenant-1',
  serviceUrl: 'https://smba.trafficmanager.net/emea/',
  conversationId: `a:1${aadObjectId}`,
  reference: {
    bot: { id: '28:bot' },
    conversation: { id: `a:1${aadObjectId}`, conversationType: 'personal' },
    user: { id: `29:${aadObjectId}`, aadObjectId },
  },
  aadObjectId,
  email: 'Alex.Agent@Contoso.com',
  userPrincipalName: 'alex@contoso.onmicrosoft.com',
  displayName: 'Alex Agent',
  agentId: 'agent-1',
  updatedAt: baseInstant,
  ...overrides,
});
const channel = (channelId: string, teamId: string): ConversationRecord => ({
  key: `channel:${channelId}`,
  kind: 'channel',
  tenantId: 'tenant-1',
  serviceUrl: 'https://smba.trafficmanager.net/emea/',
  conversationId: channelId,
  reference: { conversation: { id: channelId, conversationType: 'channel' } },
  teamId,
  teamName: 'Supervisors',
  channelId,
  channelName: 'Adherence',
  updatedAt: baseInstant,
});
const keys = (records: readonly ConversationRecord[]): string[] => records.map((r) => r.key).sort();

/** The ConversationStore contract, run against every implementation. */
export function describeConversationStoreContract(
  name: string,
  createStore: () => Promise<ConversationStore>,
): void {
  describe(`ConversationStore contract: ${name}`, () => {
    let store: ConversationStore;
    beforeEach(async () => {
      store = await createStore();
    });

    it('gives back a stored personal chat and a channel by key, and forgets them on delete', async () => {
      const chat = personal('aad-1');
      const room = channel('19:abc@thread.tacv2', 'team-1');
      await store.upsert(chat);
      await store.upsert(room);
      assert.deepEqual(await store.get('aad-1'), chat);
      assert.deepEqual(await store.get('channel:19:abc@thread.tacv2'), room);
      await store.delete('aad-1');
      await store.delete('aad-1');
      assert.equal(await store.get('aad-1'), undefined);
    });

    it('finds a personal chat by email or UPN whatever their case', async () => {
      await store.upsert(personal('aad-1'));
      await store.upsert(
        personal('aad-2', {
          email: 'other@contoso.com',
          userPrincipalName: 'other@contoso.com',
          agentId: 'agent-2',
        }),
      );
      assert.equal((await store.findByEmail('alex.agent@contoso.com'))?.key, 'aad-1');
      assert.equal((await store.findByEmail('ALEX@CONTOSO.ONMICROSOFT.COM'))?.key, 'aad-1');
      assert.equal(await store.findByEmail('nobody@contoso.com'), undefined);
    });

    it('finds the newest chat linked to a Genesys agent', async () => {
      await store.upsert(personal('aad-old', { updatedAt: baseInstant }));
      await store.upsert(personal('aad-new', { updatedAt: baseInstant + 1 }));
      assert.equal((await store.findByAgentId('agent-1'))?.key, 'aad-new');
      assert.equal(await store.findByAgentId('agent-9'), undefined);
    });

    it('lists by kind and deletes every channel of an uninstalled team', async () => {
      await store.upsert(personal('aad-1'));
      await store.upsert(channel('19:a@thread.tacv2', 'team-1'));
      await store.upsert(channel('19:b@thread.tacv2', 'team-1'));
      await store.upsert(channel('19:c@thread.tacv2', 'team-2'));
      assert.deepEqual(keys(await collect(store.list('channel'))), [
        'channel:19:a@thread.tacv2',
        'channel:19:b@thread.tacv2',
        'channel:19:c@thread.tacv2',
      ]);
      assert.deepEqual(keys(await collect(store.list('personal'))), ['aad-1']);
      assert.equal(await store.deleteByTeam('team-1'), 2);
      assert.deepEqual(keys(await collect(store.list())), ['aad-1', 'channel:19:c@thread.tacv2']);
    });

    it('rejects a record whose key does not fit its kind', async () => {
      await assert.rejects(
        store.upsert({ ...channel('19:a@thread.tacv2', 'team-1'), key: '19:a@thread.tacv2' }),
        /does not fit kind/,
      );
    });
  });
}

describeConversationStoreContract('in memory', async () => new InMemoryConversationStore());
describeConversationStoreContract(
  'Azure Table on Azurite',
  async () =>
    new TableConversationStore((await createTestTableService(['Conversations'])).client('Conversations')),
);
describeConversationStoreContract('Azure Table on Azurite, with the agent pointers', async () => {
  const service = await createTestTableService(['Conversations', 'ConversationsByAgent']);
  return new TableConversationStore(service.client('Conversations'), service.client('ConversationsByAgent'));
});

describe('TableConversationStore agent pointers on Azurite', () => {
  /** The store with its requests counted by method name. */
  async function countingStore() {
    const service = await createTestTableService(['Conversations', 'ConversationsByAgent']);
    const calls = new Map<string, number>();
    const counted = <T extends object>(target: T, table: string): T =>
      new Proxy(target, {
        get(t, property, receiver) {
          const value = Reflect.get(t, property, receiver) as unknown;
          if (typeof value !== 'function' || typeof property !== 'string') return value;
          return (...args: unknown[]) => {
            calls.set(`${table} ${property}`, (calls.get(`${table} ${property}`) ?? 0) + 1);
            return (value as (...a: unknown[]) => unknown).apply(t, args);
          };
        },
      });
    const conversations = service.client('Conversations');
    const byAgent = service.client('ConversationsByAgent');
    return {
      store: new TableConversationStore(counted(conversations, 'records'), counted(byAgent, 'pointers')),
      plain: new TableConversationStore(conversations),
      calls,
    };
  }

  it("finds an agent's chat with two point reads, never reading the whole table", async () => {
    const { store, calls } = await countingStore();
    for (let i = 0; i < 20; i += 1)
      await store.upsert(personal(`aad-${i}`, { agentId: `agent-${i}`, email: `a${i}@contoso.com` }));
    calls.clear();
    assert.equal((await store.findByAgentId('agent-7'))?.key, 'aad-7');
    assert.deepEqual(Object.fromEntries(calls), { 'pointers getEntity': 1, 'records getEntity': 1 });
  });

  it('finds a chat written before the pointers existed by reading the table once, then by its pointer', async () => {
    const { store, plain, calls } = await countingStore();
    await plain.upsert(personal('aad-old', { agentId: 'agent-old' }));
    assert.equal((await store.findByAgentId('agent-old'))?.key, 'aad-old');
    assert.equal(calls.get('records listEntities'), 1);
    calls.clear();
    assert.equal((await store.findByAgentId('agent-old'))?.key, 'aad-old');
    assert.equal(calls.get('records listEntities'), undefined);
  });

  it('does not trust a pointer to a chat that was since linked to another agent', async () => {
    const { store, plain } = await countingStore();
    await store.upsert(personal('aad-1', { agentId: 'agent-1' }));
    // Re-linked by a writer that did not move the pointer (a record written as before the pointers).
    await plain.upsert(personal('aad-1', { agentId: 'agent-2', updatedAt: baseInstant + 1 }));
    assert.equal(await store.findByAgentId('agent-1'), undefined);
    assert.equal((await store.findByAgentId('agent-2'))?.key, 'aad-1');
  });
});
