// Table storage throughput against a real Azurite: `npx tsx test/bench/table-storage-bench.ts` (prints figures, asserts nothing).
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { AgentDriftState } from '../../src/domain/drift-episode';
import { startAzurite } from '../../src/storage/azurite-server';
import { createTableStores } from '../../src/storage/table-stores';
import { TableService } from '../../src/storage/table-service';

const aState = (agentId: string, managementUnitId: string): AgentDriftState => ({
  agentId,
  managementUnitId,
  lastAdherenceState: 'OutOfAdherence',
  lastAdherenceChangedAt: 1_700_000_000_000,
  lastObservedAt: 1_700_000_000_000,
  nextDueAt: 1_700_000_600_000,
  episode: {
    id: `${agentId}:1700000000000`,
    agentId,
    managementUnitId,
    driftStartedAt: 1_700_000_000_000,
    stage: 'drifting',
  },
});

async function timed(label: string, operations: number, run: () => Promise<void>): Promise<void> {
  const startedAt = performance.now();
  await run();
  const seconds = (performance.now() - startedAt) / 1000;
  console.log(
    `${label.padEnd(52)} ${String(operations).padStart(6)} ops  ${(operations / seconds).toFixed(0).padStart(6)} ops/s`,
  );
}

async function main(): Promise<void> {
  const location = mkdtempSync(path.join(os.tmpdir(), 'azurite-bench-'));
  const azurite = await startAzurite({ location });
  try {
    const stores = await createTableStores(
      TableService.create({ connectionString: azurite.connectionString, tablePrefix: 'bench' }),
    );
    const store = stores.driftState;
    const put = (state: AgentDriftState) => store.modify(state, () => ({ next: state, result: undefined }));
    await timed('modify (create), sequential', 500, async () => {
      for (let i = 0; i < 500; i += 1) await put(aState(`seq-${i}`, 'mu-seq'));
    });
    await timed('modify (create), 20 in flight', 2000, async () => {
      for (let i = 0; i < 2000; i += 20)
        await Promise.all(Array.from({ length: 20 }, (_, j) => put(aState(`par-${i + j}`, 'mu-par'))));
    });
    await timed('modify, 20 writers on ONE row (ETag retries)', 100, async () => {
      const key = { managementUnitId: 'mu-seq', agentId: 'seq-0' };
      for (let round = 0; round < 5; round += 1) {
        await Promise.all(
          Array.from({ length: 20 }, () =>
            store.modify(key, (s) => ({
              next: s && { ...s, lastObservedAt: s.lastObservedAt + 1 },
              result: 0,
            })),
          ),
        );
      }
    });
    const burst = Array.from({ length: 5000 }, (_, i) => aState(`burst-${i}`, `mu-${i % 5}`));
    await timed('restore burst, 5 units (concurrent writes, batched per unit)', burst.length, async () => {
      await Promise.all(
        burst.map((state) => store.modify(state, () => ({ next: state, result: undefined }))),
      );
    });
    await timed('list one unit of 1000 rows', 1000, async () => {
      let n = 0;
      for await (const _ of store.list('mu-0')) n += 1;
      if (n !== 1000) throw new Error(`listed ${n}`);
    });
  } finally {
    await azurite.stop();
    rmSync(location, { recursive: true, force: true });
  }
}

void main();
