import { TableClient, type TableServiceClientOptions } from '@azure/data-tables';
import type { TokenCredential } from '@azure/identity';
import { DefaultAzureCredential } from '@azure/identity';
import { ConfigError, type ConfigProblem } from '../platform/errors';
import {
  connectionStringProblem,
  tableEndpointOfConnectionString,
  tableEndpointProblem,
  tablePrefixProblem,
} from './table-storage-rules';

/** Logical table names; each instance's table is `${tablePrefix}${name}`. */
export type TableName =
  | 'DriftState'
  | 'AlertOutbox'
  | 'AlertOutboxPending'
  | 'DriftHistory'
  | 'Conversations'
  | 'ConversationsByAgent'
  | 'Routes'
  | 'Leases'
  | 'Welcomes'
  | 'Digests'
  | 'AgentProfiles'
  | 'AlertBoards';

/** Every table the stores use, created at start. */
const allTableNames: readonly TableName[] = [
  'DriftState',
  'AlertOutbox',
  'AlertOutboxPending',
  'DriftHistory',
  'Conversations',
  'ConversationsByAgent',
  'Routes',
  'Leases',
  'Welcomes',
  'Digests',
  'AgentProfiles',
  'AlertBoards',
];

/** How to reach Azure Table Storage: a connection string (Azurite, keys) or an endpoint with Entra ID. */
export interface TableServiceOptions {
  /** `AZURE_TABLES_CONNECTION_STRING`; wins over `endpoint`. */
  readonly connectionString?: string;
  /** `AZURE_TABLES_ENDPOINT`, e.g. `https://<account>.table.core.windows.net`; used with `credential`. */
  readonly endpoint?: string;
  /** `TABLE_PREFIX`: a letter, then letters and digits (several instances or tests share one account). */
  readonly tablePrefix: string;
  /** Defaults to `DefaultAzureCredential` (managed identity in Azure) when `endpoint` is used. */
  readonly credential?: TokenCredential;
}

/**
 * Builds the TableClients of one instance (named `${tablePrefix}${TableName}`) and creates missing tables;
 * plain http is only allowed to a loopback host (Azurite).
 */
export class TableService {
  private readonly clients = new Map<TableName, TableClient>();

  private constructor(
    private readonly options: TableServiceOptions,
    private readonly credential: TokenCredential | undefined,
  ) {}

  /**
   * Checks the options by the same rules settings use (./table-storage-rules) and builds the service; throws a
   * ConfigError naming every setting to fix.
   */
  static create(options: TableServiceOptions): TableService {
    const problems: ConfigProblem[] = [];
    const add = (setting: string, problem: string | undefined) => {
      if (problem !== undefined) problems.push({ setting, problem });
    };
    add('TABLE_PREFIX', tablePrefixProblem(options.tablePrefix));
    if (options.connectionString)
      add('AZURE_TABLES_CONNECTION_STRING', connectionStringProblem(options.connectionString));
    else if (options.endpoint) add('AZURE_TABLES_ENDPOINT', tableEndpointProblem(options.endpoint));
    else
      add(
        'AZURE_TABLES_ENDPOINT',
        'no table endpoint: set AZURE_TABLES_CONNECTION_STRING or AZURE_TABLES_ENDPOINT',
      );
    if (problems.length > 0) throw new ConfigError(problems);
    const credential = options.connectionString
      ? undefined
      : (options.credential ?? new DefaultAzureCredential());
    return new TableService(options, credential);
  }

  /** The full table name of a logical table, e.g. `adherenceDriftState`. */
  tableName(name: TableName): string {
    return `${this.options.tablePrefix}${name}`;
  }

  /** The (cached) client of one logical table. */
  client(name: TableName): TableClient {
    let client = this.clients.get(name);
    if (!client) {
      client = this.buildClient(this.tableName(name));
      this.clients.set(name, client);
    }
    return client;
  }

  /** Creates the tables if missing (an existing table is fine). */
  async ensureTables(names: readonly TableName[] = allTableNames): Promise<void> {
    // createTable ignores 409 TableAlreadyExists by itself (@azure/data-tables 13).
    await Promise.all(names.map((name) => this.client(name).createTable()));
  }

  /** Deletes the tables (tests clean their prefix up with it). */
  async deleteTables(names: readonly TableName[] = allTableNames): Promise<void> {
    await Promise.all(names.map((name) => this.client(name).deleteTable()));
  }

  private buildClient(tableName: string): TableClient {
    const { connectionString, endpoint } = this.options;
    if (connectionString) {
      const clientOptions: TableServiceClientOptions = {
        allowInsecureConnection: isHttp(tableEndpointOfConnectionString(connectionString)),
      };
      return TableClient.fromConnectionString(connectionString, tableName, clientOptions);
    }
    const url = endpoint as string;
    return new TableClient(url, tableName, this.credential as TokenCredential, {
      allowInsecureConnection: isHttp(url),
    });
  }
}

function isHttp(url: string | undefined): boolean {
  return url !== undefined && url.toLowerCase().startsWith('http://');
}
