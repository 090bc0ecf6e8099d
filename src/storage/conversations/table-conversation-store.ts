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
 */
export class TableConversationStore implements ConversationStore {
  constructor(private readonly client: TableClient) {}

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
  }

  async delete(key: string): Promise<void> {
    try {
      await this.client.deleteEntity(conversationKindOfKey(key), encodeKey(key));
    } catch (error) {
      if (!hasStatus(error, 404)) throw error;
    }
  }

  async findByAgentId(agentId: string): Promise<ConversationRecord | undefined> {
    return newestConversation(await this.query(odata`agentId eq ${agentId}`));
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
