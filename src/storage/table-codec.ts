/**
 * Small codecs shared by the Table adapters: key escaping, instants as Edm.Double, OData literals, status checks.
 * Azure Table keys may not contain `/ \ # ?` or control characters
 * (learn.microsoft.com/rest/api/storageservices/understanding-the-table-service-data-model).
 */

/** An Edm.Double property value: instants are stored as Double so the SDK never hands back an Int64 BigInt. */
export interface DoubleProperty {
  readonly value: number;
  readonly type: 'Double';
}

/** Escapes a string for use in a PartitionKey or RowKey (percent-encodes `% / \ # ? |` and control characters). */
export function encodeKey(raw: string): string {
  return raw.replace(
    // eslint-disable-next-line no-control-regex
    /[%/\\#?|\u0000-\u001f\u007f-\u009f]/g,
    (c) => `%${c.charCodeAt(0).toString(16).padStart(2, '0').toUpperCase()}`,
  );
}

/** Reverses {@link encodeKey}. */
export function decodeKey(encoded: string): string {
  return encoded.replace(/%([0-9A-F]{2})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));
}

/** Wraps an instant (epoch ms) or other number as an Edm.Double property. */
export function doubleProperty(value: number): DoubleProperty {
  return { value, type: 'Double' };
}

/** Same as {@link doubleProperty}, but `undefined` stays absent. */
export function optionalDouble(value: number | undefined): DoubleProperty | undefined {
  return value === undefined ? undefined : doubleProperty(value);
}

/** Reads a numeric property whatever the service typed it as (number, Int64 BigInt, string or `{value}`). */
export function readNumber(value: unknown): number | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'number') return value;
  if (typeof value === 'bigint') return Number(value);
  if (typeof value === 'string') return Number(value);
  if (typeof value === 'object' && 'value' in value) return readNumber(value.value);
  throw new Error(`not a number: ${typeof value}`);
}

/** Reads a numeric property that must be there. */
export function requireNumber(value: unknown, column: string): number {
  const n = readNumber(value);
  if (n === undefined || Number.isNaN(n)) throw new Error(`column ${column} is missing or not a number`);
  return n;
}

/** A string property, or undefined when absent. */
export function readString(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

/** An OData Double literal (`1700000000000.0`): Azure compares a Double column only with a Double literal. */
export function doubleLiteral(value: number): string {
  return Number.isInteger(value) ? `${value}.0` : String(value);
}

/** An OData string literal with quotes doubled. */
export function stringLiteral(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}

/** True when `error` is a REST error with this HTTP status (409 exists, 412 stale ETag, 404 missing). */
export function hasStatus(error: unknown, status: number): boolean {
  return (
    typeof error === 'object' && error !== null && (error as { statusCode?: number }).statusCode === status
  );
}

/** Drops properties whose value is undefined (the SDK would send them as null). */
export function withoutUndefined<T extends Record<string, unknown>>(entity: T): T {
  return Object.fromEntries(Object.entries(entity).filter(([, v]) => v !== undefined)) as T;
}

/**
 * A copy of `text` that holds only its own characters. The SDK takes a transaction's ETags out of the whole multipart
 * answer with a regular expression (@azure/data-tables TableTransaction.js `parseTransactionResponse`), and V8 keeps
 * such a substring as a slice of its parent: one ETag kept per agent would keep every transaction's answer alive
 * (about 35 MB at 50,000 agents). Structured cloning writes the characters out and reads them into a new string.
 */
export function ownCopy(text: string): string {
  return structuredClone(text);
}
