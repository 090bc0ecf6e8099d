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
