import { RestError, TableClient, type TableServiceClientOptions } from '@azure/data-tables';
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
  /** How long one try of a request may take before it is abandoned and retried; default 30 s. */
  readonly tryTimeoutInMs?: number;
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
    const policy = tryTimeoutPolicy(this.options.tryTimeoutInMs ?? DEFAULT_TRY_TIMEOUT_MS);
    const additionalPolicies = [{ policy, position: 'perRetry' as const }];
    if (connectionString) {
      const clientOptions: TableServiceClientOptions = {
        allowInsecureConnection: isHttp(tableEndpointOfConnectionString(connectionString)),
        additionalPolicies,
      };
      return TableClient.fromConnectionString(connectionString, tableName, clientOptions);
    }
    const url = endpoint as string;
    return new TableClient(url, tableName, this.credential as TokenCredential, {
      allowInsecureConnection: isHttp(url),
      additionalPolicies,
    });
  }
}

/** How long one try of a Table request may take before it is abandoned and retried (the SDK sets no limit). */
const DEFAULT_TRY_TIMEOUT_MS = 30_000;

type PipelinePolicy = NonNullable<TableServiceClientOptions['additionalPolicies']>[number]['policy'];

/**
 * Gives every try of a Table request a timeout (`PipelineRequest.timeout`, @azure/core-rest-pipeline): without one, a
 * request whose answer never comes (a half-open connection) waits forever, and with it every write queued behind it in
 * the unit's transaction line. The HTTP client ends a timed-out try with an AbortError, which the SDK's retry policy
 * does not retry; it is turned into a RestError with code `ETIMEDOUT` here, which it retries with its backoff
 * (@typespec/ts-http-runtime retryPolicy and exponentialRetryStrategy).
 */
function tryTimeoutPolicy(timeoutInMs: number): PipelinePolicy {
  return {
    name: 'tableTryTimeout',
    sendRequest: async (request, next) => {
      if (request.timeout === 0) request.timeout = timeoutInMs;
      try {
        return await next(request);
      } catch (error) {
        const isOwnTimeout =
          (error as { name?: unknown } | undefined)?.name === 'AbortError' &&
          request.abortSignal?.aborted !== true;
        if (!isOwnTimeout) throw error;
        throw new RestError(`Table request timed out after ${request.timeout} ms`, {
          code: 'ETIMEDOUT',
          request,
        });
      }
    },
  };
}
function isHttp(url: string | undefined): boolean {
  return url !== undefined && url.toLowerCase().startsWith('http://');
}
