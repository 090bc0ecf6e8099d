import { TableClient, type TableServiceClientOptions } from '@azure/data-tables';
import type { TokenCredential } from '@azure/identity';
import { DefaultAzureCredential } from '@azure/identity';
import { ConfigError, type ConfigProblem } from '../platform/errors';

/** Logical table names; each instance's table is `${tablePrefix}${name}`. */
export type TableName =
  | 'DriftState'
  | 'AlertOutbox'
  | 'AlertOutboxPending'
  | 'DriftHistory'
  | 'Conversations'
  | 'Routes'
  | 'Leases'
  | 'SettingsOverrides'
  | 'Welcomes';

/** Every table the stores use, created at start. */
export const allTableNames: readonly TableName[] = [
  'DriftState',
  'AlertOutbox',
  'AlertOutboxPending',
  'DriftHistory',
  'Conversations',
  'Routes',
  'Leases',
  'SettingsOverrides',
  'Welcomes',
];

/** How to reach Azure Table Storage: a connection string (Azurite, keys) or an endpoint with Entra ID. */
export interface TableServiceOptions {
  /** `AZURE_TABLES_CONNECTION_STRING`; wins over `endpoint`. */
  readonly connectionString?: string;
  /** `AZURE_TABLES_ENDPOINT`, e.g. `https://<account>.table.core.windows.net`; used with `credential`. */
  readonly endpoint?: string;
  /** `TABLE_PREFIX`: letters and digits, starting with a letter (several instances or tests share one account). */
  readonly tablePrefix: string;
  /** Defaults to `DefaultAzureCredential` (managed identity in Azure) when `endpoint` is used. */
  readonly credential?: TokenCredential;
}

const prefixPattern = /^([A-Za-z][A-Za-z0-9]{0,39})?$/;

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

  /** Validates the options and builds the service; throws a ConfigError naming every setting to fix. */
  static create(options: TableServiceOptions): TableService {
    const problems: ConfigProblem[] = [];
    if (!prefixPattern.test(options.tablePrefix)) {
      problems.push({
        setting: 'TABLE_PREFIX',
        problem: `"${options.tablePrefix}" must be letters and digits starting with a letter (at most 40)`,
      });
    }
    const setting = options.connectionString ? 'AZURE_TABLES_CONNECTION_STRING' : 'AZURE_TABLES_ENDPOINT';
    const url = options.connectionString
      ? endpointOfConnectionString(options.connectionString)
      : options.endpoint;
    if (!url)
      problems.push({
        setting,
        problem: 'no table endpoint: set AZURE_TABLES_CONNECTION_STRING or AZURE_TABLES_ENDPOINT',
      });
    else if (!isAllowedUrl(url))
      problems.push({
        setting,
        problem: `plain http is only allowed to a loopback host (Azurite), got ${url}`,
      });
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
        allowInsecureConnection: isHttp(endpointOfConnectionString(connectionString)),
      };
      return TableClient.fromConnectionString(connectionString, tableName, clientOptions);
    }
    const url = endpoint as string;
    return new TableClient(url, tableName, this.credential as TokenCredential, {
      allowInsecureConnection: isHttp(url),
    });
  }
}

function endpointOfConnectionString(connectionString: string): string | undefined {
  const parts = new Map(
    connectionString
      .split(';')
      .filter((part) => part.includes('='))
      .map(
        (part) =>
          [
            part.slice(0, part.indexOf('=')).trim().toLowerCase(),
            part.slice(part.indexOf('=') + 1).trim(),
          ] as const,
      ),
  );
  if (parts.get('usedevelopmentstorage') === 'true') return 'http://127.0.0.1:10002/devstoreaccount1';
  const explicit = parts.get('tableendpoint');
  if (explicit) return explicit;
  const account = parts.get('accountname');
  if (!account) return undefined;
  return `${parts.get('defaultendpointsprotocol') ?? 'https'}://${account}.table.${parts.get('endpointsuffix') ?? 'core.windows.net'}`;
}

function isHttp(url: string | undefined): boolean {
  return url !== undefined && url.toLowerCase().startsWith('http://');
}

function isAllowedUrl(url: string): boolean {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }
  if (parsed.protocol === 'https:') return true;
  return parsed.protocol === 'http:' && ['127.0.0.1', 'localhost', '[::1]'].includes(parsed.hostname);
}
