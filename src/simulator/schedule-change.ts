import { randomUUID } from 'node:crypto';
import type { ContactCentre, ScheduledActivity, Shift } from './contact-centre';
import { toIso, type WireObject } from './wire-format';

/** A schedule republish for one management unit: an activity inserted for some or all agents. */
export interface ScheduleChangeRequest {
  /** Start of the inserted activity (epoch ms, simulator time); default now. */
  readonly startAt?: number;
  /** Default 30. */
  readonly durationMinutes?: number;
  /** Name of a business-unit activity code; default "Team Meeting". */
  readonly activityCodeName?: string;
  /** Agents to change; default every agent of the unit whose shift covers the start. */
  readonly agentIds?: readonly string[];
  /** Which topics to publish; default both. */
  readonly publish?: ReadonlyArray<'businessUnitSchedules' | 'agentSchedulesChanged'>;
}

/** What a republish changed. */
export interface ScheduleChangeResult {
  readonly operationId: string;
  readonly managementUnitId: string;
  readonly businessUnitId: string;
  readonly agentIds: readonly string[];
  readonly startAt: number;
  readonly endAt: number;
  readonly activityCodeId: string;
}

const MINUTE = 60_000;

/**
 * Replaces [startAt, endAt) of a shift with one activity, splitting the activities it overlaps (mutates the
 * shift).
 */
function insertActivity(shift: Shift, inserted: ScheduledActivity): void {
  const startAt = inserted.startAt;
  const endAt = startAt + inserted.lengthMinutes * MINUTE;
  const kept: ScheduledActivity[] = [];
  for (const a of shift.activities) {
    const aEnd = a.startAt + a.lengthMinutes * MINUTE;
    if (aEnd <= startAt || a.startAt >= endAt) {
      kept.push(a);
      continue;
    }
    if (a.startAt < startAt) kept.push({ ...a, lengthMinutes: (startAt - a.startAt) / MINUTE });
    if (aEnd > endAt) kept.push({ ...a, startAt: endAt, lengthMinutes: (aEnd - endAt) / MINUTE });
  }
  kept.push(inserted);
  kept.sort((x, y) => x.startAt - y.startAt);
  shift.activities = kept;
  const shiftEnd = Math.max(shift.startAt + shift.lengthMinutes * MINUTE, endAt);
  shift.startAt = Math.min(shift.startAt, startAt);
  shift.lengthMinutes = (shiftEnd - shift.startAt) / MINUTE;
  shift.manuallyEdited = true;
}

/** Applies a republish to the contact centre's schedules; throws RangeError for an unknown unit or code. */
export function applyScheduleChange(
  centre: ContactCentre,
  managementUnitId: string,
  request: ScheduleChangeRequest,
  now: number,
): ScheduleChangeResult {
  const unit = centre.managementUnits.find((u) => u.id === managementUnitId);
  if (!unit) throw new RangeError(`unknown management unit ${managementUnitId}`);
  const businessUnit = centre.businessUnits.find((b) => b.id === unit.businessUnitId)!;
  const codeName = request.activityCodeName ?? 'Team Meeting';
  const code = businessUnit.activityCodes.find((c) => c.name.toLowerCase() === codeName.toLowerCase());
  if (!code)
    throw new RangeError(`unknown activity code name "${codeName}" in business unit ${businessUnit.id}`);
  const startAt = Math.floor(request.startAt ?? now);
  const durationMinutes = Math.max(1, Math.round(request.durationMinutes ?? 30));
  const endAt = startAt + durationMinutes * MINUTE;
  const changed: string[] = [];
  for (const agent of centre.agents) {
    if (agent.managementUnitId !== unit.id) continue;
    if (request.agentIds && !request.agentIds.includes(agent.id)) continue;
    const shift = agent.shifts.find(
      (s) => s.startAt <= startAt && startAt < s.startAt + s.lengthMinutes * MINUTE,
    );
    if (!shift) continue;
    insertActivity(shift, {
      startAt,
      lengthMinutes: durationMinutes,
      activityCodeId: code.id,
      category: code.category,
      description: 'Republished',
      paid: code.countsAsPaidTime,
    });
    changed.push(agent.id);
  }
  return {
    operationId: randomUUID(),
    managementUnitId: unit.id,
    businessUnitId: businessUnit.id,
    agentIds: changed,
    startAt,
    endAt,
    activityCodeId: code.id,
  };
}

/**
 * Body of `v2.workforcemanagement.businessunits.{buId}.schedules` for a publish
 * (MyPureCloud/platform-client-sdk-javascript notificationMappings.json).
 * UNCONFIRMED: a publish arriving as `eventType: Update` with `published: true`.
 */
export function businessUnitSchedulesEvent(
  centre: ContactCentre,
  change: ScheduleChangeResult,
  now: number,
): WireObject {
  const agent =
    centre.agents.find((a) => a.id === change.agentIds[0]) ??
    centre.agents.find((a) => a.managementUnitId === change.managementUnitId);
  const shift = agent?.shifts[0];
  return {
    status: 'Complete',
    operationId: change.operationId,
    eventType: 'Update',
    result: {
      id: shift?.scheduleId,
      weekDate: shift?.weekDate,
      weekCount: 1,
      description: 'Published schedule',
      published: true,
      managementUnits: [
        {
          managementUnit: { id: change.managementUnitId },
          startDate: toIso(change.startAt),
          endDate: toIso(change.endAt),
          agents: change.agentIds.map((id) => ({ id })),
          agentCount: change.agentIds.length,
        },
      ],
      metadata: { version: 2, dateModified: toIso(now) },
    },
  };
}

/**
 * Body of `v2.workforcemanagement.managementunits.{muId}.agentschedules.changed`
 * (MyPureCloud/platform-client-sdk-javascript notificationMappings.json, since JS SDK 255.0.0).
 */
export function agentSchedulesChangedEvent(change: ScheduleChangeResult): WireObject {
  const visibleUntil = change.endAt + 14 * 86_400_000;
  return {
    agents: change.agentIds.map((agentId) => ({
      agentId,
      startDate: toIso(change.startAt),
      endDate: toIso(change.endAt),
    })),
    visibilityRange: { endBusinessUnitDate: toIso(visibleUntil).slice(0, 10), endDate: toIso(visibleUntil) },
  };
}
