import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { startAzurite } from '../../../src/storage/azurite-server';
import { openTableStorage } from '../../../src/storage/open-table-storage';
import { createTableStores } from '../../../src/storage/table-stores';
import { TableService } from '../../../src/storage/table-service';

const state = {
  agentId: 'agent-1',
  managementUnitId: 'mu-1',
  lastAdherenceState: 'OutOfAdherence',
  lastAdherenceChangedAt: 1_700_000_000_000,
  lastObservedAt: 1_700_000_000_001,
  nextDueAt: 1_700_000_600_000,
};

describe('startAzurite', () => {
  let location: string;
  beforeEach(() => {
    location = mkdtempSync(path.join(os.tmpdir(), 'azurite-server-test-'));
  });
  afterEach(() => rmSync(location, { recursive: true, force: true }));

  it('keeps drift state across a stop and a start on the same data folder', async () => {
    const first = await startAzurite({ location });
    const service = TableService.create({ connectionString: first.connectionString, tablePrefix: 'restart' });
    const stores = await createTableStores(service);
    await stores.driftState.modify({ managementUnitId: 'mu-1', agentId: 'agent-1' }, () => ({
      next: state,
      result: undefined,
    }));
    await first.stop();
    await first.stop();

    const second = await startAzurite({ location });
    try {
      const again = await createTableStores(
        TableService.create({ connectionString: second.connectionString, tablePrefix: 'restart' }),
      );
      assert.deepEqual(await again.driftState.get({ managementUnitId: 'mu-1', agentId: 'agent-1' }), state);
    } finally {
      await second.stop();
    }
  });

  it('serves tables kept in memory only, and refuses both a data folder and memory, or neither', async () => {
    const server = await startAzurite({ inMemoryPersistence: true });
    try {
      const stores = await createTableStores(
        TableService.create({ connectionString: server.connectionString, tablePrefix: 'memory' }),
      );
      await stores.driftState.modify({ managementUnitId: 'mu-1', agentId: 'agent-1' }, () => ({
        next: state,
        result: undefined,
      }));
      assert.deepEqual(await stores.driftState.get({ managementUnitId: 'mu-1', agentId: 'agent-1' }), state);
    } finally {
      await server.stop();
    }
    await assert.rejects(startAzurite({ location, inMemoryPersistence: true }), /either a data folder/);
    await assert.rejects(startAzurite({}), /either a data folder/);
  });

  it('stops answering once stopped', async () => {
    const server = await startAzurite({ location });
    await server.stop();
    const answer = await new Promise<string>((resolve) => {
      http
        .get({ host: '127.0.0.1', port: server.port, path: '/devstoreaccount1/Tables' }, (response) =>
          resolve(String(response.statusCode)),
        )
        .on('error', (error) => resolve(error.message));
    });
    assert.match(answer, /ECONNREFUSED/);
  });

  it('fails clearly when its fixed port is taken', async () => {
    const server = await startAzurite({ location });
    try {
      await assert.rejects(
        startAzurite({ location: path.join(location, 'other'), port: server.port }),
        /Azurite exited before answering/,
      );
    } finally {
      await server.stop();
    }
  });

  it('opens local storage on its own Azurite and stops it on close', async () => {
    const storage = await openTableStorage({ mode: 'azurite', tablePrefix: 'local', location });
    try {
      assert.equal(
        (await storage.stores.leases.acquire('mu-1', 'me', 20_000, 1_700_000_000_000))?.owner,
        'me',
      );
    } finally {
      await storage.close();
    }
    const answer = await new Promise<string>((resolve) => {
      http
        .get({ host: '127.0.0.1', port: storage.azurite!.port, path: '/' }, (response) =>
          resolve(String(response.statusCode)),
        )
        .on('error', (error) => resolve(error.message));
    });
    assert.match(answer, /ECONNREFUSED/);
  });
});
