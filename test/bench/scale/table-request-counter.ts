// The Table request counter of `npm run bench:scale`, a child process: an HTTP proxy in front of Azurite that the
// service's AZURE_TABLES_CONNECTION_STRING points at. It counts every request (each REST request to Table storage is
// one billable transaction, a batch of up to 100 rows included: learn.microsoft.com/archive/blogs/windowsazurestorage/
// understanding-windows-azure-storage-billing-bandwidth-transactions-and-capacity) by table and method, and keeps
// when each DriftState row was written (the answer received), so the benchmark can time frame in -> row written.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { answerBenchRequests } from './bench-child';

/** Requests counted so far: all, by `<table> <method>` (tables without the prefix), and entity group transactions. */
export interface TableRequestCounts {
  readonly total: number;
  readonly byTableAndMethod: Readonly<Record<string, number>>;
  readonly batches: number;
  /** Rows written in batches (sub-requests), for the rows-per-transaction ratio. */
  readonly rowsInBatches: number;
}

/** `[rowKey, afterEpochMs]`: asks when the DriftState row was first written at or after that instant. */
export type FirstWriteQuery = readonly [string, number];

const [azuritePort, tablePrefix] = process.argv.slice(2);
const driftStateTable = `${tablePrefix}DriftState`;
const upstream = new http.Agent({ keepAlive: true, maxSockets: 512 });
const counts = { total: 0, byTableAndMethod: {} as Record<string, number>, batches: 0, rowsInBatches: 0 };
const writesByRow = new Map<string, number[]>();

function count(key: string): void {
  counts.byTableAndMethod[key] = (counts.byTableAndMethod[key] ?? 0) + 1;
}

function logicalTable(path: string): string {
  // /devstoreaccount1/<table>(PartitionKey='..',RowKey='..'), /devstoreaccount1/<table>()?$filter=.., /devstoreaccount1/$batch
  const segment = path.split('/')[2] ?? '';
  const name = segment.replace(/[(?].*$/, '');
  return name.startsWith(tablePrefix) ? name.slice(tablePrefix.length) : name;
}

function noteWrite(rowKey: string, at: number): void {
  const key = rowKey.replace(/''/g, "'");
  const times = writesByRow.get(key);
  if (times) times.push(at);
  else writesByRow.set(key, [at]);
}

const ENTITY_KEYS = /DriftState\(PartitionKey='(?:[^']|'')*',RowKey='((?:[^']|'')*)'\)/g;

function record(method: string, path: string, body: Buffer, at: number): void {
  counts.total += 1;
  const table = logicalTable(path);
  if (table === '$batch') {
    counts.batches += 1;
    const text = body.toString('utf8');
    const subRequests = text.match(/^(?:POST|PUT|PATCH|MERGE|DELETE) /gm)?.length ?? 0;
    counts.rowsInBatches += subRequests;
    const subTable = /\/([A-Za-z0-9]+)(?:\(|\s)/.exec(
      text.slice(text.search(/^(?:POST|PUT|PATCH|MERGE|DELETE) /m)),
    )?.[1];
    count(
      `batch ${subTable?.startsWith(tablePrefix) ? subTable.slice(tablePrefix.length) : (subTable ?? '?')}`,
    );
    if (text.includes(driftStateTable)) {
      for (const match of safelyDecoded(text).matchAll(ENTITY_KEYS)) noteWrite(match[1], at);
      for (const match of text.matchAll(/"RowKey":"([^"]*)"/g)) noteWrite(match[1], at);
    }
    return;
  }
  count(`${table} ${method}`);
  if (table !== 'DriftState' || method === 'GET') return;
  const decoded = safelyDecoded(path);
  const keyed = /RowKey='((?:[^']|'')*)'/.exec(decoded);
  if (keyed) noteWrite(keyed[1], at);
  else if (method === 'POST') {
    const rowKey = /"RowKey":"([^"]*)"/.exec(body.toString('utf8'))?.[1];
    if (rowKey !== undefined) noteWrite(rowKey, at);
  }
}

function safelyDecoded(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

function firstWrites(queries: readonly FirstWriteQuery[]): (number | null)[] {
  return queries.map(([rowKey, after]) => writesByRow.get(rowKey)?.find((at) => at >= after) ?? null);
}

const server = http.createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (chunk: Buffer) => chunks.push(chunk));
  req.on('end', () => {
    const body = Buffer.concat(chunks);
    const method = req.method ?? 'GET';
    const path = req.url ?? '/';
    const forward = http.request(
      { host: '127.0.0.1', port: Number(azuritePort), method, path, headers: req.headers, agent: upstream },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
        answer.on('end', () => record(method, path, body, Date.now()));
      },
    );
    forward.on('error', (error) => {
      res.writeHead(502, { 'content-type': 'text/plain' });
      res.end(`table request counter: ${error.message}`);
    });
    forward.end(body);
  });
});
server.keepAliveTimeout = 60_000;
server.listen(0, '127.0.0.1', () => {
  answerBenchRequests({ port: (server.address() as AddressInfo).port }, (type, payload) => {
    if (type === 'counts') return counts satisfies TableRequestCounts;
    if (type === 'firstWrites') return firstWrites(payload as FirstWriteQuery[]);
    throw new Error(`unknown request ${type}`);
  });
});
