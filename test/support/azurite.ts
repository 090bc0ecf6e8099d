import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startAzurite, type AzuriteServer } from '../../src/storage/azurite-server';
import { TableService, type TableName } from '../../src/storage/table-service';

let server: Promise<AzuriteServer> | undefined;
let location: string | undefined;

/**
 * The one Azurite of this test process, started on first use in a temp folder; the root hook (root-hooks.ts) stops it
 * when mocha ends, and the process 'exit' handlers (here and in startAzurite) are the fallback.
 */
export function sharedAzurite(): Promise<AzuriteServer> {
  if (!server) {
    location = mkdtempSync(path.join(os.tmpdir(), 'azurite-test-'));
    server = startAzurite({ location });
    process.once('exit', removeLocation);
  }
  return server;
}

/** A random table prefix (`t` + 10 hex digits), so suites and parallel runs never share a table. */
export function randomTablePrefix(): string {
  return `t${randomBytes(5).toString('hex')}`;
}

/** A TableService on the shared Azurite with its own random prefix; the listed tables are created. */
export async function createTestTableService(names?: readonly TableName[]): Promise<TableService> {
  const azurite = await sharedAzurite();
  const service = TableService.create({
    connectionString: azurite.connectionString,
    tablePrefix: randomTablePrefix(),
  });
  await service.ensureTables(names);
  return service;
}

/** Stops the shared Azurite (if started) and removes its data folder. */
export async function stopSharedAzurite(): Promise<void> {
  const running = server;
  server = undefined;
  if (running) await (await running).stop();
  removeLocation();
}

function removeLocation(): void {
  if (location) rmSync(location, { recursive: true, force: true });
  location = undefined;
}
