import { odata, type TableClient } from '@azure/data-tables';
import type { SettingsOverrideStore } from '../../app/ports';
import { encodeKey, hasStatus, readString } from '../table-codec';

type Row = Record<string, unknown> & { partitionKey: string; rowKey: string };

const partitionKey = 'settings';

/** Settings overrides in Azure Table Storage: PartitionKey `settings`, RowKey = scope, values as JSON. */
export class TableSettingsOverrideStore implements SettingsOverrideStore {
  constructor(private readonly client: TableClient) {}

  async get(scope: string): Promise<Readonly<Record<string, number>> | undefined> {
    try {
      return parseValues(await this.client.getEntity<Row>(partitionKey, encodeKey(scope)));
    } catch (error) {
      if (hasStatus(error, 404)) return undefined;
      throw error;
    }
  }

  async upsert(scope: string, values: Readonly<Record<string, number>>): Promise<void> {
    await this.client.upsertEntity(
      { partitionKey, rowKey: encodeKey(scope), scope, valuesJson: JSON.stringify(values) },
      'Replace',
    );
  }

  async *list(): AsyncIterable<{
    readonly scope: string;
    readonly values: Readonly<Record<string, number>>;
  }> {
    for await (const row of this.client.listEntities<Row>({
      queryOptions: { filter: odata`PartitionKey eq ${partitionKey}` },
    })) {
      yield { scope: readString(row.scope) ?? '', values: parseValues(row) };
    }
  }
}

function parseValues(row: Row): Readonly<Record<string, number>> {
  return JSON.parse(readString(row.valuesJson) ?? '{}') as Record<string, number>;
}
