/**
 * The rules a table storage target must meet, in one place: settings (src/config) check TABLE_PREFIX,
 * AZURE_TABLES_CONNECTION_STRING and AZURE_TABLES_ENDPOINT with them at start, and TableService checks what it is
 * given with the same functions. Each returns the problem to report under the setting's name, or undefined. Pure.
 */

// Azure table names are 3-63 letters and digits starting with a letter
// (https://learn.microsoft.com/rest/api/storageservices/understanding-the-table-service-data-model#table-names);
// 40 for the prefix leaves room for our longest table suffix (AlertOutboxPending).
const TABLE_PREFIX = /^[A-Za-z][A-Za-z0-9]{0,39}$/;

/** TABLE_PREFIX: a letter, then letters and digits, at most 40 in all. */
export function tablePrefixProblem(prefix: string): string | undefined {
  return TABLE_PREFIX.test(prefix)
    ? undefined
    : `"${prefix}" must start with a letter and have only letters and digits, at most 40 (Azure table-name rules)`;
}

/**
 * AZURE_TABLES_CONNECTION_STRING: Key=Value pairs naming an account and key, a SAS or development storage, whose
 * table endpoint is https or plain http to a loopback host (Azurite). The value itself is never repeated.
 */
export function connectionStringProblem(connectionString: string): string | undefined {
  if (!isConnectionString(connectionString))
    return 'is not a storage connection string (expected Key=Value pairs with AccountName and AccountKey, SharedAccessSignature, or UseDevelopmentStorage=true)';
  const endpoint = tableEndpointOfConnectionString(connectionString);
  if (endpoint === undefined)
    return 'names no table endpoint: add TableEndpoint=https://<account>.table.core.windows.net or AccountName';
  return isHttpsOrLoopbackHttp(endpoint)
    ? undefined
    : `plain http is only allowed to a loopback host (Azurite), got ${endpoint}`;
}

/** AZURE_TABLES_ENDPOINT: an absolute https URL (it carries an Entra ID token, which never travels over plain http). */
export function tableEndpointProblem(endpoint: string): string | undefined {
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch {
    return `"${endpoint}" is not an absolute URL`;
  }
  if (url.protocol === 'https:') return undefined;
  return url.protocol === 'http:'
    ? `plain http cannot carry the Entra ID token: use https (got ${endpoint})`
    : `"${endpoint}" must be an https URL`;
}

/** The table endpoint a connection string names (explicitly, by account, or development storage), if any. */
export function tableEndpointOfConnectionString(connectionString: string): string | undefined {
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

function isConnectionString(text: string): boolean {
  const pairs = text.split(';').filter((part) => part.trim() !== '');
  if (pairs.length === 0 || !pairs.every((part) => /^[A-Za-z]+=./.test(part.trim()))) return false;
  const keys = new Set(pairs.map((part) => part.trim().split('=')[0].toLowerCase()));
  return (
    (keys.has('accountname') && keys.has('accountkey')) ||
    keys.has('sharedaccesssignature') ||
    /usedevelopmentstorage=true/i.test(text)
  );
}

function isHttpsOrLoopbackHttp(endpoint: string): boolean {
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch {
    return false;
  }
  if (url.protocol === 'https:') return true;
  return url.protocol === 'http:' && ['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname);
}
