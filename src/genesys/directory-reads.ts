import type { AgentProfile, ManagementUnitProfile } from '../app/ports/agent-directory';
import { GenesysApiError } from './genesys-api-error';
import type { GenesysRestClient } from './genesys-rest-client';

/** A unit's adherence settings from `expand=settings.adherence`, for the drift policy. */
export interface UnitAdherenceSettings {
  readonly managementUnitId: string;
  readonly exceptionThresholdMs?: number;
  readonly ignoredActivityCategories: readonly string[];
  readonly ignoredActivityCodeIds: readonly string[];
}

/** A business-unit activity code: `scheduledActivityCode` on events carries only the id. */
export interface ActivityCodeInfo {
  readonly id: string;
  readonly name: string;
  readonly category?: string;
  readonly businessUnitId: string;
}

/** A user as the directory keeps them, before their unit and team are known. */
export type UserRecord = Pick<AgentProfile, 'id' | 'name' | 'email' | 'managerId'>;

const USERS_PER_REQUEST = 100;

// The REST reads of the directory (MyPureCloud/platform-client-sdk-javascript build/docs/WorkforceManagementApi.md
// and build/docs/UsersApi.md), each turning Genesys's answer into the directory's records.

/** Every management unit the OAuth client can see. */
export async function readVisibleUnitIds(rest: GenesysRestClient): Promise<string[]> {
  // Paging parameters of this listing are deprecated and unsupported (WorkforceManagementApi.md): one call.
  const data = await rest.get<{ entities?: Array<{ id?: unknown }> }>(
    '/api/v2/workforcemanagement/managementunits',
  );
  return (data?.entities ?? [])
    .map((entity) => entity?.id)
    .filter((id): id is string => typeof id === 'string');
}

/** A management unit with its adherence settings (`expand=settings.adherence`). */
export async function readUnit(
  rest: GenesysRestClient,
  unitId: string,
): Promise<{ unit: ManagementUnitProfile; settings: UnitAdherenceSettings }> {
  const data = await rest.get<RawUnit>(
    `/api/v2/workforcemanagement/managementunits/${encodeURIComponent(unitId)}`,
    { expand: 'settings.adherence' },
  );
  const adherence = data?.settings?.adherence;
  const thresholdSeconds = adherence?.adherenceExceptionThresholdSeconds;
  const exceptionThresholdMs =
    typeof thresholdSeconds === 'number' && thresholdSeconds >= 0 ? thresholdSeconds * 1000 : undefined;
  return {
    unit: {
      id: unitId,
      name: typeof data?.name === 'string' ? data.name : unitId,
      businessUnitId: typeof data?.businessUnit?.id === 'string' ? data.businessUnit.id : undefined,
      timeZone: typeof data?.timeZone === 'string' ? data.timeZone : undefined,
      exceptionThresholdMs,
    },
    settings: {
      managementUnitId: unitId,
      exceptionThresholdMs,
      ignoredActivityCategories: stringValues(adherence?.ignoredActivityCategories?.values),
      ignoredActivityCodeIds: stringValues(adherence?.ignoredActivityCodeIds?.values),
    },
  };
}

/** The activity codes of a business unit, following `downloadUrl` when the answer comes that way. */
export async function readActivityCodes(
  rest: GenesysRestClient,
  businessUnitId: string,
): Promise<ActivityCodeInfo[]> {
  let data = await rest.get<{ entities?: unknown[]; downloadUrl?: unknown }>(
    `/api/v2/workforcemanagement/businessunits/${encodeURIComponent(businessUnitId)}/activitycodes`,
  );
  if ((!data?.entities || data.entities.length === 0) && typeof data?.downloadUrl === 'string') {
    data = await rest.get<{ entities?: unknown[] }>(data.downloadUrl);
  }
  const codes: ActivityCodeInfo[] = [];
  for (const raw of data?.entities ?? []) {
    const code = raw as { id?: unknown; name?: unknown; category?: unknown };
    if (typeof code?.id !== 'string') continue;
    codes.push({
      id: code.id,
      name: typeof code.name === 'string' ? code.name : code.id,
      category: typeof code.category === 'string' ? code.category : undefined,
      businessUnitId,
    });
  }
  return codes;
}

/** The user ids of a unit (one request). */
export async function readUnitUserIds(rest: GenesysRestClient, unitId: string): Promise<string[]> {
  const data = await rest.get<{ entities?: Array<{ id?: unknown }> }>(
    `/api/v2/workforcemanagement/managementunits/${encodeURIComponent(unitId)}/users`,
  );
  return (data?.entities ?? [])
    .map((entity) => entity?.id)
    .filter((id): id is string => typeof id === 'string');
}

/** The user records of those of `ids` that could be read (100 per request). */
export async function readUserRecords(
  rest: GenesysRestClient,
  ids: readonly string[],
): Promise<UserRecord[]> {
  const users: UserRecord[] = [];
  for (let i = 0; i < ids.length; i += USERS_PER_REQUEST) {
    const batch = ids.slice(i, i + USERS_PER_REQUEST);
    const page = await rest.get<{ entities?: RawUser[] }>('/api/v2/users', {
      id: batch,
      pageSize: batch.length,
      state: 'any',
    });
    for (const user of page?.entities ?? []) {
      const record = userRecordOf(user);
      if (record !== undefined) users.push(record);
    }
  }
  return users;
}

/**
 * One agent the directory did not know: `GET /api/v2/users/{id}` for name, email and manager, and
 * `GET /api/v2/workforcemanagement/agents/{id}/managementunit` for the unit (else `hintUnitId`). Rejects when neither
 * gives a user with an id and a unit.
 */
export async function readAgent(
  rest: GenesysRestClient,
  agentId: string,
  hintUnitId: string | undefined,
): Promise<UserRecord & { managementUnitId: string }> {
  const user = userRecordOf(await rest.get<RawUser>(`/api/v2/users/${encodeURIComponent(agentId)}`));
  let unitId = hintUnitId;
  try {
    const placement = await rest.get<{ managementUnit?: { id?: unknown } }>(
      `/api/v2/workforcemanagement/agents/${encodeURIComponent(agentId)}/managementunit`,
    );
    if (typeof placement?.managementUnit?.id === 'string') unitId = placement.managementUnit.id;
  } catch (error) {
    // Not a WFM agent (yet), or no permission: the unit the event named stands.
    if (!(error instanceof GenesysApiError)) throw error;
  }
  if (user === undefined || unitId === undefined) throw new Error('user without id or unit');
  return { ...user, managementUnitId: unitId };
}

interface RawUnit {
  name?: unknown;
  timeZone?: unknown;
  businessUnit?: { id?: unknown };
  settings?: {
    adherence?: {
      adherenceExceptionThresholdSeconds?: unknown;
      ignoredActivityCategories?: { values?: unknown };
      ignoredActivityCodeIds?: { values?: unknown };
    };
  };
}

interface RawUser {
  id?: unknown;
  name?: unknown;
  email?: unknown;
  manager?: { id?: unknown };
}

function userRecordOf(user: RawUser | undefined): UserRecord | undefined {
  if (typeof user?.id !== 'string') return undefined;
  return {
    id: user.id,
    name: typeof user.name === 'string' ? user.name : user.id,
    email: typeof user.email === 'string' ? user.email : undefined,
    managerId: typeof user.manager?.id === 'string' ? user.manager.id : undefined,
  };
}

function stringValues(values: unknown): string[] {
  return Array.isArray(values) ? values.filter((value): value is string => typeof value === 'string') : [];
}
