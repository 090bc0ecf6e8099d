/**
 * Activity categories as Genesys WFM names them (MyPureCloud/platform-client-sdk-python
 * build/PureCloudPlatformClientV2/models/activity_code.py, `category`; adherence adds `Unscheduled`).
 */
export type ActivityCategory =
  'OnQueueWork' | 'Break' | 'Meal' | 'Meeting' | 'OffQueueWork' | 'TimeOff' | 'Training' | 'Unavailable';

/**
 * System presences Genesys reports (the `systemPresence` enum of `UserScheduleAdherence`,
 * MyPureCloud/platform-client-sdk-javascript build/index.d.ts).
 */
export const SYSTEM_PRESENCES = [
  'Available',
  'Away',
  'Busy',
  'Offline',
  'Idle',
  'OnQueue',
  'Meal',
  'Training',
  'Meeting',
  'Break',
] as const;

/** A Genesys system presence. */
export type SystemPresence = (typeof SYSTEM_PRESENCES)[number];

/** A business-unit activity code (subset of `BusinessUnitActivityCode`). */
export interface ActivityCode {
  readonly id: string;
  readonly name: string;
  readonly category: ActivityCategory;
  readonly isDefault: boolean;
  readonly lengthInMinutes: number;
  readonly countsAsPaidTime: boolean;
  readonly countsAsWorkTime: boolean;
  readonly secondaryPresenceIds: readonly string[];
}

/** A WFM business unit with its activity codes. */
export interface BusinessUnit {
  readonly id: string;
  readonly name: string;
  readonly timeZone: string;
  readonly activityCodes: readonly ActivityCode[];
}

/**
 * Adherence settings of a management unit (`settings.adherence`, MyPureCloud/platform-client-sdk-javascript
 * build/docs/WorkforceManagementApi.md).
 */
export interface AdherenceSettings {
  readonly severeAlertThresholdMinutes: number;
  readonly adherenceTargetPercent: number;
  readonly adherenceExceptionThresholdSeconds: number;
  readonly nonOnQueueActivitiesEquivalent: boolean;
  readonly trackOnQueueActivity: boolean;
  readonly ignoredActivityCategories: readonly ActivityCategory[];
  readonly ignoredActivityCodeIds: readonly string[];
}

/** A WFM management unit. */
export interface ManagementUnit {
  readonly id: string;
  readonly name: string;
  readonly businessUnitId: string;
  readonly timeZone: string;
  readonly adherence: AdherenceSettings;
}

/** A work team inside one management unit, led (by configuration, not by Genesys) by one supervisor. */
export interface WorkTeam {
  readonly id: string;
  readonly name: string;
  readonly managementUnitId: string;
  readonly supervisorId: string;
}

/** A Genesys user (agent or supervisor). */
export interface Person {
  readonly id: string;
  readonly name: string;
  readonly email: string;
  readonly title: string;
  readonly department: string;
  readonly managerId?: string;
  readonly state: 'active' | 'inactive';
}

/** One scheduled activity inside a shift; instants are epoch ms. */
export interface ScheduledActivity {
  startAt: number;
  lengthMinutes: number;
  activityCodeId: string;
  category: ActivityCategory;
  description: string;
  paid: boolean;
}

/** A published shift of one agent. */
export interface Shift {
  readonly id: string;
  startAt: number;
  lengthMinutes: number;
  activities: ScheduledActivity[];
  readonly scheduleId: string;
  readonly weekDate: string;
  manuallyEdited: boolean;
}

/** A WFM agent: a user in a management unit and a work team, with a published schedule. */
export interface Agent extends Person {
  readonly index: number;
  readonly managementUnitId: string;
  readonly businessUnitId: string;
  readonly teamId: string;
  readonly managerId: string;
  readonly shifts: Shift[];
  readonly activeQueueIds: readonly string[];
}

/** The whole simulated organisation, deterministic from the seed and start instant. */
export interface ContactCentre {
  readonly organizationId: string;
  readonly divisionId: string;
  readonly businessUnits: readonly BusinessUnit[];
  readonly managementUnits: readonly ManagementUnit[];
  readonly teams: readonly WorkTeam[];
  readonly supervisors: readonly Person[];
  readonly agents: readonly Agent[];
  /** Agents taken out of their unit while running: still Genesys users, no longer WFM agents of any watched unit. */
  readonly formerAgents: readonly Person[];
  /** Organisation secondary-presence ids by system presence. */
  readonly presenceIds: Readonly<Record<SystemPresence, string>>;
  readonly queueIds: readonly string[];
}
