import type {
  AdherenceImpact,
  AdherenceObservation,
  AdherenceState,
  ExplanationStatus,
} from '../domain/adherence-observation';
import { parseGenesysInstant } from './genesys-instant';

/** Counters the mapper increments (a {@link GenesysMetrics} object fits). */
export interface AdherenceMapperCounters {
  unknownEnumValues: number;
  missingFields: number;
  malformedFrames: number;
  otherTopicFrames: number;
  /** Frames and rows refused, by reason (`malformedNoAgentId`, ...); each refusal counts once here. */
  eventsIgnoredTotal?: Record<string, number>;
}

/** Counts one refused frame or row: in `malformedFrames` and under its reason. */
export function countRejection(counters: AdherenceMapperCounters | undefined, reason: string): void {
  if (counters === undefined) return;
  counters.malformedFrames++;
  if (counters.eventsIgnoredTotal !== undefined)
    counters.eventsIgnoredTotal[reason] = (counters.eventsIgnoredTotal[reason] ?? 0) + 1;
}

/** Finds an agent's management unit when a frame does not name it (per-user topics). */
export type UnitOfAgent = (agentId: string) => string | undefined;

// The three real-time adherence topics share one payload (MyPureCloud/platform-client-sdk-javascript
// notificationMappings.json); there is no global topic.
const MU_PREFIX = 'v2.workforcemanagement.managementunits.';
const USER_PREFIX = 'v2.users.';
const TEAM_PREFIX = 'v2.workforcemanagement.teams.';
const MU_SUFFIX = '.adherence';
const USER_SUFFIX = '.workforcemanagement.adherence';

/** True when `topicName` is one of the three real-time adherence topics (plain string checks, no regex). */
export function isAdherenceTopic(topicName: string): boolean {
  if (!topicName.endsWith(MU_SUFFIX)) return false;
  if (hasPrefix(topicName, MU_PREFIX))
    return topicName.indexOf('.', MU_PREFIX.length) === topicName.length - MU_SUFFIX.length;
  if (hasPrefix(topicName, USER_PREFIX)) return topicName.endsWith(USER_SUFFIX);
  return hasPrefix(topicName, TEAM_PREFIX);
}

/** `text.startsWith(prefix)`: in Node 20 startsWith compares a matching prefix char by char, ~3x slower than this on every frame. */
function hasPrefix(text: string, prefix: string): boolean {
  return text.slice(0, prefix.length) === prefix;
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
    countRejection(counters, 'malformedNotAnObject');
    return undefined;
  }
  const topicName = (frame as { topicName?: unknown }).topicName;
  if (typeof topicName !== 'string') {
    countRejection(counters, 'malformedNoTopicName');
    return undefined;
  }
  if (!isAdherenceTopic(topicName)) {
    if (counters) counters.otherTopicFrames++;
    return undefined;
  }
  const body = (frame as { eventBody?: unknown }).eventBody;
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    countRejection(counters, 'malformedNoEventBody');
    return undefined;
  }
  const b = body as EventBody;
  const agentId = idOf(b.user);
  if (agentId === undefined) {
    countRejection(counters, 'malformedNoAgentId');
    return undefined;
  }
  let unitId =
    typeof b.managementUnitId === 'string' && b.managementUnitId !== '' ? b.managementUnitId : undefined;
  if (unitId === undefined) {
    if (counters) counters.missingFields++;
    unitId = topicName.startsWith(MU_PREFIX)
      ? topicName.slice(MU_PREFIX.length, topicName.length - MU_SUFFIX.length)
      : unitOfAgent?.(agentId);
    if (unitId === undefined || unitId === '') {
      countRejection(counters, 'malformedNoManagementUnit');
      return undefined;
    }
  }
  return build(
    b,
    agentId,
    unitId,
    b.adherenceChangeTime,
    idOf(b.scheduledActivityCode),
    'event',
    observedAt,
    counters,
  );
}

/**
 * Maps one REST `UserScheduleAdherence` row (the restore snapshot) to an observation with `source: 'restore'`;
 * REST names differ from the topic (`user.id`, `managementUnit.id`, `timeOfAdherenceChange`). `undefined` when unusable.
 */
export function mapAdherenceRow(
  row: unknown,
  observedAt: number,
  counters?: AdherenceMapperCounters,
  fallbackUnitId?: string,
): AdherenceObservation | undefined {
  if (typeof row !== 'object' || row === null) {
    countRejection(counters, 'malformedNotAnObject');
    return undefined;
  }
  const r = row as RestRow;
  // The agent is `user.id`; the row's own `id` is only a fallback (the SDK model gives the row an id of its own).
  const agentId = idOf(r.user) ?? (typeof r.id === 'string' && r.id.length > 0 ? r.id : undefined);
  const unitId = idOf(r.managementUnit) ?? fallbackUnitId;
  if (agentId === undefined || unitId === undefined) {
    countRejection(counters, agentId === undefined ? 'malformedNoAgentId' : 'malformedNoManagementUnit');
    return undefined;
  }
  return build(
    r,
    agentId,
    unitId,
    r.timeOfAdherenceChange,
    idOf(r.scheduledActivityCode),
    'restore',
    observedAt,
    counters,
  );
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
  impact?: unknown;
  isOutOfOffice?: unknown;
}

interface EventBody extends CommonBody {
  user?: unknown;
  managementUnitId?: unknown;
  adherenceChangeTime?: unknown;
}

interface RestRow extends CommonBody {
  id?: unknown;
  user?: unknown;
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
  // Each known value is returned as the literal, not the parsed string: JSON.parse leaves values over 10 characters
  // uninternalized, so the literal is compared by pointer downstream and a state that keeps it keeps no frame's copy.
  switch (raw) {
    case 'InAdherence':
      adherenceState = 'InAdherence';
      break;
    case 'OutOfAdherence':
      adherenceState = 'OutOfAdherence';
      break;
    case 'Unscheduled':
      adherenceState = 'Unscheduled';
      break;
    case 'Unknown':
      adherenceState = 'Unknown';
      break;
    case 'Ignored':
      adherenceState = 'Ignored';
      break;
    case 'Explained':
      adherenceState = 'Explained';
      break;
    default:
      adherenceState = 'Unknown';
      if (typeof raw === 'string') {
        rawAdherenceState = raw;
        if (counters) counters.unknownEnumValues++;
      } else if (counters) counters.missingFields++;
  }
  let adherenceChangedAt = typeof changeTime === 'string' ? parseGenesysInstant(changeTime) : NaN;
  let isChangeTimeEstimated: true | undefined;
  if (adherenceChangedAt !== adherenceChangedAt) {
    // No usable adherenceChangeTime: time from receipt rather than drop the event, so a return to adherence is never
    // lost; the core keeps the known start when the state did not change.
    if (counters) counters.missingFields++;
    adherenceChangedAt = observedAt;
    isChangeTimeEstimated = true;
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
  let impact: AdherenceImpact | undefined;
  switch (b.impact) {
    case 'Positive':
      impact = 'Positive';
      break;
    case 'Negative':
      impact = 'Negative';
      break;
    case 'Neutral':
      impact = 'Neutral';
      break;
    case 'Unknown':
    case undefined:
      impact = b.impact;
      break;
    default:
      impact = 'Unknown';
      if (counters) counters.unknownEnumValues++;
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
    isChangeTimeEstimated,
    explanationStatus,
    impact,
    isOutOfOffice: typeof b.isOutOfOffice === 'boolean' ? b.isOutOfOffice : undefined,
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
