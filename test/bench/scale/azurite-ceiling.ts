// `npm run bench:azurite`: how many rows a second Azurite itself writes, with nothing else running: a table of
// BENCH_AGENTS rows (default 50,000) in 35 partitions, replaced in transactions of 100 rows (what the drift store sends
// at its fastest), one and four transactions in flight per partition, then the same with 'Merge'. The service cannot
// write faster than this, so it bounds `e2eEventsPerSecond` of `npm run bench:scale` on this machine. Azurite keeps a
// table in one LokiJS collection and a replace removes and re-inserts the document, which shifts the collection's
// arrays and indexes: the cost of a write grows with the rows of the table (lokijs/src/lokijs.js `Collection.remove`).
// Progress to stderr; the last stdout line is one JSON object. A script, never a test: nothing here asserts.
import { TableClient, TableTransaction } from '@azure/data-tables';
import { startAzurite } from '../../../src/storage/azurite-server';

const ROWS = Number(process.env.BENCH_AGENTS ?? 50_000);
const PARTITIONS = 35;
const BATCH = 100;
/** About the size of a drift state row with an open episode. */
const PAYLOAD = 'x'.repeat(600);

function log(line: string): void {
  process.stderr.write(`[bench:azurite] ${line}\n`);
}

async function writeAll(
  client: TableClient,
  mode: 'Replace' | 'Merge',
  inFlightPerPartition: number,
  version: number,
): Promise<number> {
  const perPartition = Math.ceil(ROWS / PARTITIONS);
  const startedAt = Date.now();
  let rows = 0;
  await Promise.all(
    Array.from({ length: PARTITIONS * inFlightPerPartition }, async (_, lane) => {
      const partition = lane % PARTITIONS;
      const first = Math.floor(lane / PARTITIONS) * BATCH;
      for (let start = first; start < perPartition; start += BATCH * inFlightPerPartition) {
        const transaction = new TableTransaction();
        const end = Math.min(perPartition, start + BATCH);
        for (let row = start; row < end; row += 1)
          transaction.upsertEntity(
            { partitionKey: `unit-${partition}`, rowKey: `agent-${row}`, version, payload: PAYLOAD },
            mode,
          );
        await client.submitTransaction(transaction.actions);
        rows += end - start;
      }
    }),
  );
  return Math.round((rows * 1000) / Math.max(1, Date.now() - startedAt));
}

async function main(): Promise<void> {
  const azurite = await startAzurite({ inMemoryPersistence: true });
  try {
    const client = TableClient.fromConnectionString(azurite.connectionString, 'ceiling', {
      allowInsecureConnection: true,
    });
    await client.createTable();
    const seededPerSecond = await writeAll(client, 'Replace', 1, 0);
    log(`seeded ${ROWS} rows (${seededPerSecond} rows/s)`);
    const result: Record<string, number> = { rows: ROWS, partitions: PARTITIONS };
    let version = 1;
    for (const mode of ['Replace', 'Merge'] as const)
      for (const inFlight of [1, 4]) {
        const perSecond = await writeAll(client, mode, inFlight, version++);
        log(`${mode}, ${inFlight} transaction(s) in flight per partition: ${perSecond} rows/s`);
        result[`${mode.toLowerCase()}RowsPerSecondInFlight${inFlight}`] = perSecond;
      }
    process.stdout.write(`${JSON.stringify(result)}\n`);
  } finally {
    await azurite.stop();
  }
}

main().catch((error: unknown) => {
  log(`failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  process.exit(1);
});
