import { randomUUID } from 'node:crypto';
import type { TableClient, TransactionAction } from '@azure/data-tables';
import type { ConversationRecord } from '../../../src/app/ports/conversation-store';
import { TableConversationStore } from '../../../src/storage/conversations/table-conversation-store';
import type { TableService } from '../../../src/storage/table-service';
import { TableRouteStore } from '../../../src/storage/routes/table-route-store';

/** An agent the app is installed for. */
export interface SeededAgent {
  readonly id: string;
  readonly name: string;
  readonly email: string;
}

/** The tenant the seeded conversations belong to. */
const BENCH_TENANT_ID = '72f988bf-86f1-41af-91ab-2d7cd011db47';
const BOT = { id: '28:adherence-drift-bench', name: 'Adherence Drift' };

/** The personal chat id the benchmark gives an agent (the stand-in tells nudges by the `a:` prefix, as Teams ids are). */
function personalConversationId(index: number): string {
  return `a:bench-personal-${index}`;
}

/**
 * Writes what installs would have stored for a tenant where the app reaches everyone: a personal chat per agent, linked
 * to the Genesys agent by email as the installation handler links it, and one supervisor channel per management unit
 * with a `watch <unit>` route. The rows are the product's own (encoded by TableConversationStore and TableRouteStore,
 * agent pointers included) and go straight to Azurite in transactions of 100, so seeding is not counted as the
 * service's. Azurite finds a row by scanning its partition, and every personal chat is in one (`personal`): 50,000
 * chats would take Azurite minutes (the time grows with the square), so the benchmark seeds the agents it drives.
 */
export async function seedTeams(
  service: TableService,
  agents: readonly SeededAgent[],
  unitIds: readonly string[],
  serviceUrl: string,
  now: number,
): Promise<void> {
  const rows: Array<Record<string, unknown> & { partitionKey: string; rowKey: string }> = [];
  const pointers: typeof rows = [];
  // The store's own row encoding (records and agent pointers), captured instead of sent one request at a time.
  const capture = (into: typeof rows): TableClient =>
    ({
      upsertEntity: async (entity: (typeof rows)[number]) => {
        into.push(entity);
      },
    }) as unknown as TableClient;
  const encoder = new TableConversationStore(capture(rows), capture(pointers));
  for (const [index, agent] of agents.entries()) {
    const aadObjectId = randomUUID();
    const conversationId = personalConversationId(index);
    await encoder.upsert(
      personalRecord(aadObjectId, conversationId, agent, serviceUrl, now) satisfies ConversationRecord,
    );
  }
  const routes = new TableRouteStore(service.client('Routes'));
  for (const [index, unitId] of unitIds.entries()) {
    const channelId = `19:bench-unit-${index}@thread.tacv2`;
    await encoder.upsert({
      key: `channel:${channelId}`,
      kind: 'channel',
      tenantId: BENCH_TENANT_ID,
      serviceUrl,
      conversationId: channelId,
      reference: {
        channelId: 'msteams',
        serviceUrl,
        bot: BOT,
        conversation: {
          id: channelId,
          isGroup: true,
          conversationType: 'channel',
          tenantId: BENCH_TENANT_ID,
        },
      },
      teamId: '19:bench-supervisors@thread.tacv2',
      teamName: 'Supervisors',
      channelId,
      channelName: `Unit ${index + 1}`,
      updatedAt: now,
    });
    await routes.upsert({
      scope: 'managementUnit',
      targetId: unitId,
      conversationKey: `channel:${channelId}`,
      createdAt: now,
    });
  }
  await createInBatches(service.client('Conversations'), rows);
  await createInBatches(service.client('ConversationsByAgent'), pointers);
}

/** Creates the rows in transactions of 100 per partition, 8 at a time. */
async function createInBatches(
  client: TableClient,
  rows: ReadonlyArray<Record<string, unknown> & { partitionKey: string; rowKey: string }>,
): Promise<void> {
  const byPartition = new Map<string, TransactionAction[]>();
  for (const row of rows) {
    const actions = byPartition.get(row.partitionKey) ?? [];
    // Creates, not upserts: the tables are new, and Azurite looks a row up once per create but twice per upsert.
    actions.push(['create', row]);
    byPartition.set(row.partitionKey, actions);
  }
  const batches: TransactionAction[][] = [];
  for (const actions of byPartition.values())
    for (let i = 0; i < actions.length; i += 100) batches.push(actions.slice(i, i + 100));
  for (let i = 0; i < batches.length; i += 8)
    await Promise.all(batches.slice(i, i + 8).map((batch) => client.submitTransaction(batch)));
}

function personalRecord(
  aadObjectId: string,
  conversationId: string,
  agent: SeededAgent,
  serviceUrl: string,
  now: number,
): ConversationRecord {
  return {
    key: aadObjectId,
    kind: 'personal',
    tenantId: BENCH_TENANT_ID,
    serviceUrl,
    conversationId,
    reference: {
      channelId: 'msteams',
      serviceUrl,
      bot: BOT,
      user: { id: `29:${aadObjectId}`, aadObjectId, name: agent.name },
      conversation: { id: conversationId, conversationType: 'personal', tenantId: BENCH_TENANT_ID },
    },
    aadObjectId,
    email: agent.email,
    userPrincipalName: agent.email,
    displayName: agent.name,
    agentId: agent.id,
    updatedAt: now,
  };
}
