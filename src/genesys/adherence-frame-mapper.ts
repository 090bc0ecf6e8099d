import type { AdherenceObservation, AdherenceState, ExplanationStatus } from '../domain/adherence-observation';

/** Counters the mapper increments (a {@link GenesysMetrics} object fits). */
export interface AdherenceMapperCounters {
  unknownEnumValues: number;
  missingFields: number;
  malformedFrames: number;
  otherTopicFrames: number;
}

/** Finds an agent's management unit when a frame does not name it (per-user topics). */
export type UnitOfAgent = (agentId: string) => string | undefined;

// The three real-time adherence topics share one payload [SDK notificationMappings.json]; there is no global topic.
const MU_PREFIX = 'v2.workforcemanagement.managementunits.';
const USER_PREFIX = 'v2.users.';
const TEAM_PREFIX = 'v2.workforcemanagement.teams.';
const MU_SUFFIX = '.adherence';
const USER_SUFFIX = '.workforcemanagement.adherence';

/** True when `topicName` is one of the three real-time adherence topics (plain string checks, no regex). */
export function isAdherenceTopic(topicName: string): boolean {
  if (!topicName.endsWith(MU_SUFFIX)) return false;
  if (topicName.startsWith(MU_PREFIX)) return topicName.indexOf('.', MU_PREFIX.length) === topicName.length - MU_SUFFIX.length;
  if (topicName.startsWith(USER_PREFIX)) return topicName.endsWith(USER_SUFFIX);
  return topicName.startsWith(TEAM_PREFIX);
}

/**
 * Maps one parsed notification frame (`{topicName, version, eventBody, metadata}`) to an observation with
 * `source: 'event'`, or `undefined` when it is not an adherence event or unusable (counted in `counters`).
 * Unknown enum values and missing optional fields are tolerated and counted. Pure but for the counters.
 */
export function mapAdherenceFrame(
  frame: unknown,
  observedAt: number,
  counters?: AdherenceMapperCounters,
  unitOfAgent?: UnitOfAgent,
): AdherenceObservation | undefined {
  if (typeof frame !== 'object' || frame === null) {
    if (counters) counters.malformedFrames++;
    return undefined;
  }
  const topicName = (frame as { topicName?: unknown }).topicName;
  if (typeof topicName !== 'string') {
    if (counters) counters.malformedFrames++;
    return undefined;
  }
  if (!isAdherenceTopic(topicName)) {
    if (counters) counters.otherTopicFrames++;
    return undefined;
  }
  const body = (frame as { eventBody?: unknown }).eventBody;
  if (typeof body !== 'object' || body === null) {
    if (counters) counters.malformedFrames++;
    return undefined;
  }
  const b = body as EventBody;
  const agentId = idOf(b.user);
  if (agentId === undefined) {
    if (counters) counters.malformedFrames++;
    return undefined;
  }
  let unitId = typeof b.managementUnitId === 'string' ? b.managementUnitId : undefined;
  if (unitId === undefined) {
    if (counters) counters.missingFields++;
    unitId = topicName.startsWith(MU_PREFIX) ? topicName.slice(MU_PREFIX.length, topicName.length - MU_SUFFIX.length) : unitOfAgent?.(agentId);
    if (unitId === undefined) {
      if (counters) counters.malformedFrames++;
      return undefined;
    }
  }
  return build(b, agentId, unitId, b.adherenceChangeTime, idOf(b.scheduledActivityCode), 'event', observedAt, counters);
}

/**
 * Maps one REST `UserScheduleAdherence` row (the restore snapshot) to an observation with `source: 'restore'`;
 * REST names differ from the topic (`id`, `managementUnit.id`, `timeOfAdherenceChange`). `undefined` when unusable.
 */
export function mapAdherenceRow(
  row: unknown,
  observedAt: number,
  counters?: AdherenceMapperCounters,
  fallbackUnitId?: string,
): AdherenceObservation | undefined {
  if (typeof row !== 'object' || row === null) {
    if (counters) counters.malformedFrames++;
    return undefined;
  }
  const r = row as RestRow;
  const agentId = typeof r.id === 'string' && r.id.length > 0 ? r.id : undefined;
  const unitId = idOf(r.managementUnit) ?? fallbackUnitId;
  if (agentId === undefined || unitId === undefined) {
    if (counters) counters.malformedFrames++;
    return undefined;
  }
  return build(r, agentId, unitId, r.timeOfAdherenceChange, idOf(r.scheduledActivityCode), 'restore', observedAt, counters);
}

interface CommonBody {
  team?: unknown;
  scheduledActivityCategory?: unknown;
  scheduledActivityCode?: unknown;
  actualActivityCategory?: unknown;
  systemPresence?: unknown;
  routingStatus?: unknown;
  adherenceState?: unknown;
  adherenceExplanation?: unknown;
  removedFromManagementUnit?: unknown;
}

interface EventBody extends CommonBody {
  user?: unknown;
  managementUnitId?: unknown;
  adherenceChangeTime?: unknown;
}

interface RestRow extends CommonBody {
  id?: unknown;
  managementUnit?: unknown;
  timeOfAdherenceChange?: unknown;
}

function build(
  b: CommonBody,
  agentId: string,
  managementUnitId: string,
  changeTime: unknown,
  scheduledActivityCodeId: string | undefined,
  source: 'event' | 'restore',
  observedAt: number,
  counters: AdherenceMapperCounters | undefined,
): AdherenceObservation {
  const raw = b.adherenceState;
  let adherenceState: AdherenceState;
  let rawAdherenceState: string | undefined;
  switch (raw) {
    case 'InAdherence':
    case 'OutOfAdherence':
    case 'Unscheduled':
    case 'Unknown':
    case 'Ignored':
    case 'Explained':
      adherenceState = raw;
      break;
    default:
      adherenceState = 'Unknown';
      if (typeof raw === 'string') {
        rawAdherenceState = raw;
        if (counters) counters.unknownEnumValues++;
      } else if (counters) counters.missingFields++;
  }
  let adherenceChangedAt = typeof changeTime === 'string' ? Date.parse(changeTime) : NaN;
  if (adherenceChangedAt !== adherenceChangedAt) {
    // No usable adherenceChangeTime: time from receipt rather than drop the event, so a return to adherence is never lost.
    if (counters) counters.missingFields++;
    adherenceChangedAt = observedAt;
  }
  const explanation = b.adherenceExplanation;
  let explanationStatus: ExplanationStatus | undefined;
  if (typeof explanation === 'object' && explanation !== null) {
    const status = (explanation as { status?: unknown }).status;
    if (status === 'Pending' || status === 'Approved' || status === 'Denied') explanationStatus = status;
    else {
      explanationStatus = 'Unknown';
      if (counters) counters.unknownEnumValues++;
    }
  }
  return {
    agentId,
    managementUnitId,
    teamId: idOf(b.team),
    adherenceState,
    rawAdherenceState,
    scheduledActivityCategory: stringOf(b.scheduledActivityCategory),
    scheduledActivityCodeId,
    actualActivityCategory: stringOf(b.actualActivityCategory),
    systemPresence: stringOf(b.systemPresence),
    routingStatus: stringOf(b.routingStatus),
    adherenceChangedAt,
    observedAt,
    explanationStatus,
    removedFromUnit: b.removedFromManagementUnit === true,
    source,
  };
}

function stringOf(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

function idOf(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const id = (value as { id?: unknown }).id;
  return typeof id === 'string' && id.length > 0 ? id : undefined;
}
