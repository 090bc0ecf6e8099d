import type { AzuriteServer } from './azurite-server';
import { startAzurite } from './azurite-server';
import type { StoreSetOptions } from './store-set';
import { TableService } from './table-service';
import { createTableStores, type TableStoreSet } from './table-stores';

/** Where the tables live; structurally the `storage` part of the validated settings (src/config). */
export type TableStorageTarget = { readonly tablePrefix: string } & (
  | { readonly mode: 'connectionString'; readonly connectionString: string }
  | { readonly mode: 'endpoint'; readonly endpoint: string }
  /** Local runs: an Azurite child process keeping its data in `location` (default `.data/azurite`, gitignored). */
  | { readonly mode: 'azurite'; readonly location?: string }
);

/** Open Table storage: the stores, and `close` to stop the local Azurite if one was started. */
export interface OpenTableStorage {
  readonly stores: TableStoreSet;
  readonly service: TableService;
  readonly azurite?: AzuriteServer;
  close(): Promise<void>;
}

/** Local Azurite data folder, relative to the working directory. */
const defaultAzuriteLocation = '.data/azurite';

/** Connects to Table storage (starting a local Azurite in `azurite` mode), creates missing tables and builds the stores. */
export async function openTableStorage(
  target: TableStorageTarget,
  options: StoreSetOptions = {},
): Promise<OpenTableStorage> {
  const azurite =
    target.mode === 'azurite'
      ? await startAzurite({ location: target.location ?? defaultAzuriteLocation })
      : undefined;
  try {
    const service = TableService.create({
      tablePrefix: target.tablePrefix,
      connectionString:
        azurite?.connectionString ??
        (target.mode === 'connectionString' ? target.connectionString : undefined),
      endpoint: target.mode === 'endpoint' ? target.endpoint : undefined,
    });
    const stores = await createTableStores(service, options);
    return { stores, service, azurite, close: async () => azurite?.stop() };
  } catch (error) {
    await azurite?.stop();
    throw error;
  }
}
