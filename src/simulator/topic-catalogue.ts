/** A topic the simulator knows, parsed. */
export interface ParsedTopic {
  readonly kind:
    | 'muAdherence'
    | 'teamAdherence'
    | 'userAdherence'
    | 'buSchedules'
    | 'muAgentSchedulesChanged'
    | 'userScheduleSearch'
    | 'userMuScheduleSearchComplete';
  readonly entityId: string;
  /** Any one of these permissions lets a client subscribe. */
  readonly anyOfPermissions: readonly string[];
}

const ID = '([A-Za-z0-9][A-Za-z0-9_-]*)';
const SCHEDULE_VIEW = ['wfm:schedule:view', 'wfm:publishedSchedule:view'];

const PATTERNS: ReadonlyArray<{
  kind: ParsedTopic['kind'];
  regex: RegExp;
  anyOfPermissions: readonly string[];
}> = [
  // UNCONFIRMED: MU/team topics most likely need the same permission as their REST twins.
  {
    kind: 'muAdherence',
    regex: new RegExp(`^v2\\.workforcemanagement\\.managementunits\\.${ID}\\.adherence$`),
    anyOfPermissions: ['wfm:realtimeAdherence:view'],
  },
  {
    kind: 'teamAdherence',
    regex: new RegExp(`^v2\\.workforcemanagement\\.teams\\.${ID}\\.adherence$`),
    anyOfPermissions: ['wfm:realtimeAdherence:view'],
  },
  // Genesys announcement "Permission enforcement for adherence notifications" (2021-12-13): any of these three.
  {
    kind: 'userAdherence',
    regex: new RegExp(`^v2\\.users\\.${ID}\\.workforcemanagement\\.adherence$`),
    anyOfPermissions: ['wfm:agentSchedule:view', 'wfm:agentAdherence:notify', 'wfm:realtimeAdherence:view'],
  },
  // UNCONFIRMED: schedule topics are assumed to need the schedule-search permissions
  // (MyPureCloud/platform-client-sdk-javascript build/docs/WorkforceManagementApi.md).
  {
    kind: 'buSchedules',
    regex: new RegExp(`^v2\\.workforcemanagement\\.businessunits\\.${ID}\\.schedules$`),
    anyOfPermissions: SCHEDULE_VIEW,
  },
  {
    kind: 'muAgentSchedulesChanged',
    regex: new RegExp(`^v2\\.workforcemanagement\\.managementunits\\.${ID}\\.agentschedules\\.changed$`),
    anyOfPermissions: SCHEDULE_VIEW,
  },
  {
    kind: 'userScheduleSearch',
    regex: new RegExp(`^v2\\.workforcemanagement\\.users\\.${ID}\\.schedules\\.search$`),
    anyOfPermissions: SCHEDULE_VIEW,
  },
  // SDK notificationMappings.json (251+): completion of the MU agent schedule search, payload
  // WfmAgentMuScheduleSearchCompleteTopicAgentMuScheduleSearchCompleteNotification {operationId, status,
  // downloadUrl, error}.
  {
    kind: 'userMuScheduleSearchComplete',
    regex: new RegExp(
      `^v2\\.users\\.${ID}\\.workforcemanagement\\.agentschedules\\.managementunit\\.search\\.complete$`,
    ),
    anyOfPermissions: SCHEDULE_VIEW,
  },
];

/**
 * Parses a topic name; undefined when the simulator does not support it.
 * UNCONFIRMED: ids are checked for shape only, not existence (a well-formed topic for an unknown unit is accepted
 * and simply never fires), as Genesys is not documented to validate ids at subscribe time.
 */
export function parseTopic(topic: string): ParsedTopic | undefined {
  for (const pattern of PATTERNS) {
    const match = pattern.regex.exec(topic);
    if (match) return { kind: pattern.kind, entityId: match[1], anyOfPermissions: pattern.anyOfPermissions };
  }
  return undefined;
}
