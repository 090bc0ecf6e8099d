/** Thrown when an optimistic write still conflicts after every retry (many writers on one row). Retryable later. */
export class StorageConflictError extends Error {
  constructor(
    readonly table: string,
    readonly partitionKey: string,
    readonly rowKey: string,
    readonly attempts: number,
  ) {
    super(
      `Table ${table} row ${partitionKey}/${rowKey} kept changing under ${attempts} read-modify-write attempts`,
    );
    this.name = 'StorageConflictError';
  }
}
