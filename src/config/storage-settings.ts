import {
  connectionStringProblem,
  tableEndpointProblem,
  tablePrefixProblem,
} from '../storage/table-storage-rules';
import { integerIn } from './setting-parsers';
import { defineSetting, problem, type EnvReader } from './setting-spec';

/** Where tables live: a connection string, an endpoint with DefaultAzureCredential, or a local Azurite. */
export type StorageSettings = {
  readonly tablePrefix: string;
  readonly historyRetentionDays: number;
} & (
  | { readonly mode: 'connectionString'; readonly connectionString: string }
  | { readonly mode: 'endpoint'; readonly endpoint: string }
  | { readonly mode: 'azurite' }
);

/** A parser that turns one of storage's own rules (src/storage/table-storage-rules.ts) into a setting parser. */
function byStorageRule(
  rule: (text: string) => string | undefined,
  normalise: (text: string) => string = (t) => t,
) {
  return (text: string) => {
    const message = rule(text);
    return message === undefined ? normalise(text) : problem(message);
  };
}

export const AZURE_TABLES_CONNECTION_STRING = defineSetting({
  name: 'AZURE_TABLES_CONNECTION_STRING',
  meaning: 'Azure Table Storage connection string.',
  parse: byStorageRule(connectionStringProblem),
  isSecret: true,
});

export const AZURE_TABLES_ENDPOINT = defineSetting({
  name: 'AZURE_TABLES_ENDPOINT',
  meaning:
    'https table endpoint used with DefaultAzureCredential (instead of a connection string). Neither = local Azurite.',
  parse: byStorageRule(tableEndpointProblem, (text) => text.replace(/\/+$/, '')),
});

export const TABLE_PREFIX = defineSetting({
  name: 'TABLE_PREFIX',
  default: 'adherence',
  meaning: 'Prefix of every table name: a letter then letters/digits, at most 40 characters.',
  parse: byStorageRule(tablePrefixProblem),
});

export const HISTORY_RETENTION_DAYS = defineSetting({
  name: 'HISTORY_RETENTION_DAYS',
  default: '90',
  meaning: 'Days of drift history kept.',
  parse: integerIn(1, 3_650),
});

/** Reads where the tables live, by the same rules the storage adapter checks. */
export function readStorageSettings(reader: EnvReader): StorageSettings {
  const tablePrefix = reader.read(TABLE_PREFIX);
  const historyRetentionDays = reader.read(HISTORY_RETENTION_DAYS);
  const connectionString = reader.readOptional(AZURE_TABLES_CONNECTION_STRING);
  const endpoint = reader.readOptional(AZURE_TABLES_ENDPOINT);
  const common = { tablePrefix, historyRetentionDays };
  if (reader.isSet(AZURE_TABLES_CONNECTION_STRING) && reader.isSet(AZURE_TABLES_ENDPOINT)) {
    reader.report(
      AZURE_TABLES_ENDPOINT,
      'set either AZURE_TABLES_CONNECTION_STRING or AZURE_TABLES_ENDPOINT, not both',
    );
  }
  if (connectionString !== undefined) return { ...common, mode: 'connectionString', connectionString };
  if (endpoint !== undefined) return { ...common, mode: 'endpoint', endpoint };
  return { ...common, mode: 'azurite' };
}
