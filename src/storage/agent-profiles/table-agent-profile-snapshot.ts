import type { TableClient, TransactionAction } from '@azure/data-tables';
import type { AgentProfile, AgentProfileSnapshot } from '../../app/ports/agent-directory';
import { decodeKey, encodeKey, readString, withoutUndefined } from '../table-codec';

type Row = Record<string, unknown> & { partitionKey: string; rowKey: string };

/** A Table Storage transaction holds at most 100 operations, all in one partition. */
const maxBatchSize = 100;
/** Transactions in flight at once while saving. */
const parallelTransactions = 8;

/**
 * The agent profile copy in Azure Table Storage (`AgentProfiles`): PartitionKey = management unit id, RowKey = agent
 * id; name, email, managerId, teamId, teamName. Saved in transactions of up to 100 rows of a unit.
 */
export class TableAgentProfileSnapshot implements AgentProfileSnapshot {
  constructor(private readonly client: TableClient) {}

  async *list(): AsyncIterable<AgentProfile> {
    for await (const row of this.client.listEntities<Row>()) yield fromRow(row);
  }

  async save(profiles: readonly AgentProfile[]): Promise<void> {
    const byPartition = new Map<string, Map<string, Row>>();
    for (const profile of profiles) {
      const row = toRow(profile);
      const partition = byPartition.get(row.partitionKey) ?? new Map<string, Row>();
      partition.set(row.rowKey, row);
      byPartition.set(row.partitionKey, partition);
    }
    const batches: TransactionAction[][] = [];
    for (const partition of byPartition.values()) {
      const rows = [...partition.values()];
      for (let start = 0; start < rows.length; start += maxBatchSize)
        batches.push(rows.slice(start, start + maxBatchSize).map((row) => ['upsert', row, 'Replace']));
    }
    for (let start = 0; start < batches.length; start += parallelTransactions)
      await Promise.all(
        batches
          .slice(start, start + parallelTransactions)
          .map((actions) => this.client.submitTransaction(actions)),
      );
  }
}

function toRow(profile: AgentProfile): Row {
  return withoutUndefined({
    partitionKey: encodeKey(profile.managementUnitId),
    rowKey: encodeKey(profile.id),
    name: profile.name,
    email: profile.email,
    managerId: profile.managerId,
    teamId: profile.teamId,
    teamName: profile.teamName,
  });
}

function fromRow(row: Row): AgentProfile {
  return withoutUndefined({
    id: decodeKey(row.rowKey),
    managementUnitId: decodeKey(row.partitionKey),
    name: readString(row.name) ?? decodeKey(row.rowKey),
    email: readString(row.email),
    managerId: readString(row.managerId),
    teamId: readString(row.teamId),
    teamName: readString(row.teamName),
  });
}
