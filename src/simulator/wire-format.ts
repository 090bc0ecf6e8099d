import { indexOf } from './centre-index';
import type { AdherenceSnapshot } from './adherence-engine';
import type {
  ActivityCode,
  Agent,
  BusinessUnit,
  ContactCentre,
  ManagementUnit,
  Person,
  Shift,
} from './contact-centre';

/** A JSON object as sent on the wire. */
export type WireObject = Record<string, unknown>;

/** ISO-8601 with milliseconds, the form Genesys uses (`2026-08-20T14:03:12.418Z`). */
export function toIso(at: number): string {
  return new Date(at).toISOString();
}

/**
 * Drops undefined fields: Genesys omits absent fields rather than sending null (the sample at
 * developer.genesys.cloud/forum/t/real-time-adherence-data-by-agent/22920).
 */
export function compact<T extends WireObject>(object: T): T {
  for (const key of Object.keys(object)) if (object[key] === undefined) delete object[key];
  return object;
}

/** Genesys `ErrorBody` (MyPureCloud/platform-client-sdk-javascript build/index.d.ts). */
export function errorBody(status: number, code: string, message: string, extra: WireObject = {}): WireObject {
  return compact({
    message,
    code,
    status,
    messageWithParams: message,
    messageParams: {},
    contextId: extra.contextId,
    details: [],
    errors: [],
    ...extra,
  });
}

function scheduledCategory(snapshot: AdherenceSnapshot): string {
  // The sample at developer.genesys.cloud/forum/t/real-time-adherence-data-by-agent/22920: an unscheduled agent
  // reports scheduledActivityCategory "Unscheduled" and no code.
  return snapshot.scheduled?.category ?? 'Unscheduled';
}

function codeOf(centre: ContactCentre, agent: Agent, codeId: string): ActivityCode | undefined {
  return centre.businessUnits
    .find((b) => b.id === agent.businessUnitId)
    ?.activityCodes.find((c) => c.id === codeId);
}

/**
 * `adherenceExplanation {id, startDate, lengthMinutes, status}` of the current stretch (SDK build/index.d.ts),
 * if filed.
 */
function explanationOf(snapshot: AdherenceSnapshot): WireObject | undefined {
  const explanation = snapshot.explanation;
  return explanation
    ? {
        id: explanation.id,
        startDate: toIso(explanation.startAt),
        lengthMinutes: explanation.lengthMinutes,
        status: explanation.status,
      }
    : undefined;
}

/**
 * The adherence topic eventBody (identical for the user, MU and team topics;
 * MyPureCloud/platform-client-sdk-javascript build/index.d.ts,
 * `WfmUserScheduleAdherenceUpdatedMuTopicUserScheduleAdherenceUpdate`).
 */
export function adherenceEventBody(
  centre: ContactCentre,
  snapshot: AdherenceSnapshot,
  removedFromManagementUnit = false,
): WireObject {
  const { agent, actual } = snapshot;
  const team = indexOf(centre).team(agent.teamId);
  const code = snapshot.scheduled ? codeOf(centre, agent, snapshot.scheduled.activityCodeId) : undefined;
  return compact({
    user: { id: agent.id },
    managementUnitId: agent.managementUnitId,
    businessUnitId: agent.businessUnitId,
    team: team ? { id: team.id, name: team.name } : undefined,
    scheduledActivityCategory: scheduledCategory(snapshot),
    // Topic form carries the code id and secondary presences only, no name
    // (MyPureCloud/platform-client-sdk-javascript build/index.d.ts).
    scheduledActivityCode: code
      ? { id: code.id, secondaryPresences: code.secondaryPresenceIds.map((id) => ({ id })) }
      : undefined,
    systemPresence: actual.systemPresence,
    organizationSecondaryPresenceId: centre.presenceIds[actual.systemPresence],
    routingStatus: actual.routingStatus,
    actualActivityCategory: actual.actualActivityCategory,
    isOutOfOffice: snapshot.isOutOfOffice,
    adherenceState: snapshot.adherenceState,
    impact: snapshot.impact,
    adherenceExplanation: explanationOf(snapshot),
    adherenceChangeTime: toIso(snapshot.adherenceChangedAt),
    presenceUpdateTime: toIso(actual.presenceUpdateAt),
    activeQueues: actual.systemPresence === 'OnQueue' ? agent.activeQueueIds.map((id) => ({ id })) : [],
    activeQueuesModifiedTime: toIso(actual.presenceUpdateAt),
    removedFromManagementUnit,
    suppressOnTimeReminder: false,
    nextActivityReminders: snapshot.nextActivity
      ? [
          {
            activityCategory: snapshot.nextActivity.category,
            startDate: toIso(snapshot.nextActivity.startAt),
          },
        ]
      : [],
  });
}

/**
 * The REST `UserScheduleAdherence` (MyPureCloud/platform-client-sdk-javascript
 * build/docs/WorkforceManagementApi.md: `timeOfAdherenceChange`, `managementUnit{id}`, named code).
 */
export function userScheduleAdherence(centre: ContactCentre, snapshot: AdherenceSnapshot): WireObject {
  const { agent, actual } = snapshot;
  const code = snapshot.scheduled ? codeOf(centre, agent, snapshot.scheduled.activityCodeId) : undefined;
  return compact({
    id: agent.id,
    name: agent.name,
    user: { id: agent.id, selfUri: `/api/v2/users/${agent.id}` },
    businessUnit: {
      id: agent.businessUnitId,
      selfUri: `/api/v2/workforcemanagement/businessunits/${agent.businessUnitId}`,
    },
    managementUnit: {
      id: agent.managementUnitId,
      selfUri: `/api/v2/workforcemanagement/managementunits/${agent.managementUnitId}`,
    },
    team: { id: agent.teamId, selfUri: `/api/v2/teams/${agent.teamId}` },
    scheduledActivityCategory: scheduledCategory(snapshot),
    scheduledActivityCode: code
      ? {
          id: code.id,
          name: code.name,
          secondaryPresences: code.secondaryPresenceIds.map((id) => ({ id })),
          selfUri: `/api/v2/workforcemanagement/businessunits/${agent.businessUnitId}/activitycodes/${code.id}`,
        }
      : undefined,
    systemPresence: actual.systemPresence,
    organizationSecondaryPresenceId: centre.presenceIds[actual.systemPresence],
    // The REST routingStatus enum lacks OFFLINE and __EMPTY__ (MyPureCloud/platform-client-sdk-javascript
    // build/index.d.ts, `UserScheduleAdherence`): offline agents report OFF_QUEUE.
    routingStatus:
      actual.routingStatus === 'OFFLINE' || actual.routingStatus === '__EMPTY__'
        ? 'OFF_QUEUE'
        : actual.routingStatus,
    actualActivityCategory: actual.actualActivityCategory,
    isOutOfOffice: snapshot.isOutOfOffice,
    adherenceState: snapshot.adherenceState,
    impact: snapshot.impact,
    adherenceExplanation: explanationOf(snapshot),
    timeOfAdherenceChange: toIso(snapshot.adherenceChangedAt),
    presenceUpdateTime: toIso(actual.presenceUpdateAt),
    activeQueues:
      actual.systemPresence === 'OnQueue'
        ? agent.activeQueueIds.map((id) => ({ id, selfUri: `/api/v2/routing/queues/${id}` }))
        : [],
    activeQueuesModifiedTime: toIso(actual.presenceUpdateAt),
    removedFromManagementUnit: false,
    nextActivityReminders: snapshot.nextActivity
      ? [
          {
            activityCategory: snapshot.nextActivity.category,
            startDate: toIso(snapshot.nextActivity.startAt),
          },
        ]
      : [],
    suppressOnTimeReminder: false,
    selfUri: `/api/v2/workforcemanagement/managementunits/${agent.managementUnitId}/adherence`,
  });
}

function divisionOf(centre: ContactCentre): WireObject {
  return {
    id: centre.divisionId,
    name: 'Home',
    selfUri: `/api/v2/authorization/divisions/${centre.divisionId}`,
  };
}

/** `BusinessUnitListItem`. */
export function businessUnitListItem(centre: ContactCentre, unit: BusinessUnit): WireObject {
  return {
    id: unit.id,
    name: unit.name,
    authorized: true,
    division: divisionOf(centre),
    selfUri: `/api/v2/workforcemanagement/businessunits/${unit.id}`,
  };
}

/**
 * `ManagementUnit`; `settings.adherence` only when expanded (MyPureCloud/platform-client-sdk-javascript
 * build/docs/WorkforceManagementApi.md, `expand=settings.adherence`).
 */
export function managementUnit(
  centre: ContactCentre,
  unit: ManagementUnit,
  withAdherenceSettings: boolean,
  startAt: number,
): WireObject {
  const a = unit.adherence;
  const metadata = { version: 1, dateModified: toIso(startAt - 86_400_000) };
  return compact({
    id: unit.id,
    name: unit.name,
    businessUnit: {
      id: unit.businessUnitId,
      selfUri: `/api/v2/workforcemanagement/businessunits/${unit.businessUnitId}`,
    },
    startDayOfWeek: 'Monday',
    timeZone: unit.timeZone,
    settings: withAdherenceSettings
      ? {
          adherence: {
            severeAlertThresholdMinutes: a.severeAlertThresholdMinutes,
            adherenceTargetPercent: a.adherenceTargetPercent,
            adherenceExceptionThresholdSeconds: a.adherenceExceptionThresholdSeconds,
            nonOnQueueActivitiesEquivalent: a.nonOnQueueActivitiesEquivalent,
            trackOnQueueActivity: a.trackOnQueueActivity,
            ignoredActivityCategories: { values: [...a.ignoredActivityCategories] },
            ignoredActivityCodeIds: { values: [...a.ignoredActivityCodeIds] },
          },
          metadata,
        }
      : undefined,
    metadata,
    division: divisionOf(centre),
    version: 1,
    dateModified: metadata.dateModified,
    selfUri: `/api/v2/workforcemanagement/managementunits/${unit.id}`,
  });
}

/** `BusinessUnitActivityCode`. */
export function activityCode(unit: BusinessUnit, code: ActivityCode): WireObject {
  return {
    id: code.id,
    name: code.name,
    active: true,
    defaultCode: code.isDefault,
    category: code.category,
    lengthInMinutes: code.lengthInMinutes,
    countsAsPaidTime: code.countsAsPaidTime,
    countsAsWorkTime: code.countsAsWorkTime,
    agentTimeOffSelectable: code.category === 'TimeOff',
    countsTowardShrinkage: !code.countsAsWorkTime,
    plannedShrinkage: !code.countsAsWorkTime,
    interruptible: false,
    secondaryPresences: code.secondaryPresenceIds.map((id) => ({ id })),
    planningGroups: [],
    metadata: { version: 1 },
    selfUri: `/api/v2/workforcemanagement/businessunits/${unit.id}/activitycodes/${code.id}`,
  };
}

/**
 * Genesys `User` (MyPureCloud/platform-client-sdk-javascript build/index.d.ts); supervisors have a manager too
 * (the head of operations).
 */
export function user(centre: ContactCentre, person: Person): WireObject {
  return compact({
    id: person.id,
    name: person.name,
    division: divisionOf(centre),
    email: person.email,
    state: person.state,
    title: person.title,
    department: person.department,
    username: person.email,
    manager: person.managerId
      ? { id: person.managerId, selfUri: `/api/v2/users/${person.managerId}` }
      : undefined,
    primaryContactInfo: [{ address: person.email, mediaType: 'EMAIL', type: 'PRIMARY' }],
    addresses: [],
    version: 1,
    acdAutoAnswer: false,
    selfUri: `/api/v2/users/${person.id}`,
  });
}

/**
 * A shift as `BuAgentScheduleShift`, activities clipped to nothing (the whole shift is returned when it
 * overlaps).
 */
export function scheduleShift(shift: Shift): WireObject {
  return {
    id: shift.id,
    startDate: toIso(shift.startAt),
    lengthMinutes: shift.lengthMinutes,
    activities: shift.activities.map((a) => ({
      startDate: toIso(a.startAt),
      lengthMinutes: a.lengthMinutes,
      description: a.description,
      activityCodeId: a.activityCodeId,
      paid: a.paid,
      payableMinutes: a.paid ? a.lengthMinutes : 0,
    })),
    manuallyEdited: shift.manuallyEdited,
    schedule: { id: shift.scheduleId, weekDate: shift.weekDate },
  };
}
