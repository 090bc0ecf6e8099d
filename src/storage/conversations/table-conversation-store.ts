import { odata, type TableClient, type TableEntityResult } from '@azure/data-tables';
import type {
  ConversationKind,
  ConversationRecord,
  ConversationStore,
} from '../../app/ports/conversation-store';
import {
  doubleProperty,
  encodeKey,
  hasStatus,
  readString,
  requireNumber,
  withoutUndefined,
} from '../table-codec';
import { assertConversationKey, conversationKindOfKey, newestConversation } from './conversation-key';

type Row = Record<string, unknown> & { partitionKey: string; rowKey: string };

/**
 * Conversation references in Azure Table Storage: PartitionKey = kind (`personal` | `channel`), RowKey = key
 * (Entra object id, or `channel:<id>`); lower-cased `emailLower`/`upnLower` columns make the email lookup exact.
 *
 * `findByAgentId` runs for every nudge. Table Storage indexes only PartitionKey and RowKey, so a filter on `agentId`
 * reads the whole table (50,000 rows in a large contact centre: dozens of pages per nudge). With `byAgent` (the
 * `ConversationsByAgent` table: PartitionKey = the agent id's first two characters, spreading the rows over many
 * partitions; RowKey = agent id; `conversationKey`) each write of a linked record also points the agent at it, and the
 * lookup is two point reads. A pointer that is missing or no longer matches (a record written before the index, or
 * deleted or re-linked) falls back to the scan, and the scan's answer is written as the pointer.
 */
export class TableConversationStore implements ConversationStore {
  constructor(
    private readonly client: TableClient,
    private readonly byAgent?: TableClient,
  ) {}

  async get(key: string): Promise<ConversationRecord | undefined> {
    try {
      return fromRow(await this.client.getEntity<Row>(conversationKindOfKey(key), encodeKey(key)));
    } catch (error) {
      if (hasStatus(error, 404)) return undefined;
      throw error;
    }
  }

  async upsert(record: ConversationRecord): Promise<void> {
    assertConversationKey(record);
    await this.client.upsertEntity(toRow(record), 'Replace');
    if (record.agentId !== undefined) await this.pointAgentAt(record.agentId, record.key);
  }

  async delete(key: string): Promise<void> {
    try {
      await this.client.deleteEntity(conversationKindOfKey(key), encodeKey(key));
    } catch (error) {
      if (!hasStatus(error, 404)) throw error;
    }
  }

  async findByAgentId(agentId: string): Promise<ConversationRecord | undefined> {
    const pointed = await this.pointedAt(agentId);
    if (pointed !== undefined) return pointed;
    const found = newestConversation(await this.query(odata`agentId eq ${agentId}`));
    if (found !== undefined) await this.pointAgentAt(agentId, found.key);
    return found;
  }

  /** The record the agent's pointer names, if there is one and it is still linked to the agent. */
  private async pointedAt(agentId: string): Promise<ConversationRecord | undefined> {
    if (this.byAgent === undefined) return undefined;
    let conversationKey: string | undefined;
    try {
      const pointer = await this.byAgent.getEntity<Row>(agentPartitionOf(agentId), encodeKey(agentId));
      conversationKey = readString(pointer.conversationKey);
    } catch (error) {
      if (hasStatus(error, 404)) return undefined;
      throw error;
    }
    if (conversationKey === undefined) return undefined;
    const record = await this.get(conversationKey);
    return record?.agentId === agentId ? record : undefined;
  }

  private async pointAgentAt(agentId: string, conversationKey: string): Promise<void> {
    if (this.byAgent === undefined) return;
    await this.byAgent.upsertEntity(
      { partitionKey: agentPartitionOf(agentId), rowKey: encodeKey(agentId), conversationKey },
      'Replace',
    );
  }

  async findByEmail(email: string): Promise<ConversationRecord | undefined> {
    const wanted = email.trim().toLowerCase();
    return newestConversation(await this.query(odata`emailLower eq ${wanted} or upnLower eq ${wanted}`));
  }

  async *list(kind?: ConversationKind): AsyncIterable<ConversationRecord> {
    const filter = kind === undefined ? undefined : odata`PartitionKey eq ${kind}`;
    for await (const row of this.client.listEntities<Row>({ queryOptions: { filter } })) yield fromRow(row);
  }

  async deleteByTeam(teamId: string): Promise<number> {
    let deleted = 0;
    for (const record of await this.query(odata`teamId eq ${teamId}`)) {
      await this.delete(record.key);
      deleted += 1;
    }
    return deleted;
  }

  private async query(filter: string): Promise<ConversationRecord[]> {
    const records: ConversationRecord[] = [];
    for await (const row of this.client.listEntities<Row>({ queryOptions: { filter } }))
      records.push(fromRow(row));
    return records;
  }
}

/** The partition of an agent's pointer: the first two characters of the (encoded) id, e.g. 256 for GUIDs. */
function agentPartitionOf(agentId: string): string {
  return encodeKey(agentId).slice(0, 2) || '-';
}

function toRow(record: ConversationRecord): Row {
  return withoutUndefined({
    partitionKey: record.kind,
    rowKey: encodeKey(record.key),
    key: record.key,
    kind: record.kind,
    tenantId: record.tenantId,
    serviceUrl: record.serviceUrl,
    conversationId: record.conversationId,
    referenceJson: JSON.stringify(record.reference),
    aadObjectId: record.aadObjectId,
    email: record.email,
    emailLower: record.email?.toLowerCase(),
    userPrincipalName: record.userPrincipalName,
    upnLower: record.userPrincipalName?.toLowerCase(),
    displayName: record.displayName,
    agentId: record.agentId,
    teamId: record.teamId,
    teamName: record.teamName,
    channelId: record.channelId,
    channelName: record.channelName,
    deadReason: record.deadReason,
    updatedAt: doubleProperty(record.updatedAt),
  });
}

function fromRow(row: TableEntityResult<Row>): ConversationRecord {
  const record: ConversationRecord = {
    key: readString(row.key) ?? '',
    kind: readString(row.kind) as ConversationKind,
    tenantId: readString(row.tenantId),
    serviceUrl: readString(row.serviceUrl) ?? '',
    conversationId: readString(row.conversationId) ?? '',
    reference: JSON.parse(readString(row.referenceJson) ?? '{}') as Record<string, unknown>,
    aadObjectId: readString(row.aadObjectId),
    email: readString(row.email),
    userPrincipalName: readString(row.userPrincipalName),
    displayName: readString(row.displayName),
    agentId: readString(row.agentId),
    teamId: readString(row.teamId),
    teamName: readString(row.teamName),
    channelId: readString(row.channelId),
    channelName: readString(row.channelName),
    deadReason: readString(row.deadReason),
    updatedAt: requireNumber(row.updatedAt, 'updatedAt'),
  };
  return withoutUndefined(record as unknown as Record<string, unknown>) as unknown as ConversationRecord;
}
