import type { GenesysRestClient } from './genesys-rest-client';

/** Most user ids `GET /api/v2/workforcemanagement/adherence` takes per request [SDK WorkforceManagementApi.md]. */
export const MAX_USERS_PER_ADHERENCE_REQUEST = 100;

/** Fetches current adherence snapshots (raw `UserScheduleAdherence` rows) for the restore after each (re)connect. */
export class AdherenceRestorer {
  constructor(private readonly rest: GenesysRestClient) {}

  /** Current adherence of every agent of a unit, following `downloadUrl` when the answer comes that way. */
  async fetchUnit(managementUnitId: string): Promise<unknown[]> {
    const data = await this.rest.get<{ entities?: unknown; downloadUrl?: unknown }>(
      `/api/v2/workforcemanagement/managementunits/${encodeURIComponent(managementUnitId)}/adherence`,
    );
    if (Array.isArray(data?.entities) && data.entities.length > 0) return data.entities;
    if (typeof data?.downloadUrl === 'string') {
      // Too-big results carry only a downloadUrl [SDK UserScheduleAdherenceListing]; the document's shape there is
      // UNCONFIRMED, so take a listing or a bare array.
      const document = await this.rest.get<unknown>(data.downloadUrl);
      return rowsOf(document);
    }
    return Array.isArray(data?.entities) ? data.entities : [];
  }

  /** Current adherence of the given agents, in batches of at most 100 ids (the per-user fallback). */
  async fetchUsers(userIds: readonly string[]): Promise<unknown[]> {
    const rows: unknown[] = [];
    for (let i = 0; i < userIds.length; i += MAX_USERS_PER_ADHERENCE_REQUEST) {
      const batch = userIds.slice(i, i + MAX_USERS_PER_ADHERENCE_REQUEST);
      // Answers a bare JSON array of UserScheduleAdherence [SDK]; a listing is tolerated.
      rows.push(
        ...rowsOf(await this.rest.get<unknown>('/api/v2/workforcemanagement/adherence', { userId: batch })),
      );
    }
    return rows;
  }
}

function rowsOf(document: unknown): unknown[] {
  if (Array.isArray(document)) return document;
  const entities = (document as { entities?: unknown } | undefined)?.entities;
  return Array.isArray(entities) ? entities : [];
}
