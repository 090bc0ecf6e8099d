import { formatRecordedLine, restoreRowFrame } from '../../src/genesys/frame-recording';

/** What one hand-made adherence frame says; the rest of the body is filled in as Genesys sends it. */
export interface AdherenceFacts {
  readonly agentId: string;
  readonly unitId: string;
  readonly state: string;
  /** adherenceChangeTime, epoch ms. */
  readonly changedAt: number;
  readonly scheduled?: string;
  readonly actual?: string;
  readonly businessUnitId?: string;
}

/** A recording line of a management-unit adherence topic frame received at `receivedAt`. */
export function adherenceLine(receivedAt: number, facts: AdherenceFacts): string {
  return formatRecordedLine(receivedAt, adherenceFrame(facts));
}

/** The frame (`topicName`, `version`, `eventBody`, `metadata`) of {@link adherenceLine}. */
export function adherenceFrame(facts: AdherenceFacts): Record<string, unknown> {
  const scheduled = facts.scheduled ?? 'OnQueueWork';
  const actual = facts.actual ?? (facts.state === 'InAdherence' ? scheduled : 'Break');
  return {
    topicName: `v2.workforcemanagement.managementunits.${facts.unitId}.adherence`,
    version: '2',
    eventBody: {
      user: { id: facts.agentId },
      managementUnitId: facts.unitId,
      businessUnitId: facts.businessUnitId ?? 'bu-1',
      team: { id: `team-of-${facts.unitId}`, name: 'Tier 1' },
      scheduledActivityCategory: scheduled,
      systemPresence: actual === 'OnQueueWork' ? 'OnQueue' : actual,
      routingStatus: actual === 'OnQueueWork' ? 'IDLE' : 'OFF_QUEUE',
      actualActivityCategory: actual,
      isOutOfOffice: false,
      adherenceState: facts.state,
      impact: facts.state === 'OutOfAdherence' ? 'Negative' : 'Neutral',
      adherenceChangeTime: new Date(facts.changedAt).toISOString(),
      presenceUpdateTime: new Date(facts.changedAt).toISOString(),
      removedFromManagementUnit: false,
    },
    metadata: { CorrelationId: `${facts.agentId}-${facts.changedAt}` },
  };
}

/** A recording line of a REST restore row (`UserScheduleAdherence`, REST field names) received at `receivedAt`. */
export function restoreLine(receivedAt: number, facts: AdherenceFacts): string {
  const scheduled = facts.scheduled ?? 'OnQueueWork';
  const actual = facts.actual ?? (facts.state === 'InAdherence' ? scheduled : 'Break');
  return formatRecordedLine(
    receivedAt,
    restoreRowFrame(facts.unitId, {
      id: facts.agentId,
      name: 'Alex Rivera',
      managementUnit: { id: facts.unitId },
      scheduledActivityCategory: scheduled,
      systemPresence: actual,
      routingStatus: 'OFF_QUEUE',
      actualActivityCategory: actual,
      adherenceState: facts.state,
      impact: 'Negative',
      timeOfAdherenceChange: new Date(facts.changedAt).toISOString(),
    }),
  );
}

/** A heartbeat as Genesys sends it on every channel (never recorded, but a replay must skip it). */
export function heartbeatLine(receivedAt: number): string {
  return formatRecordedLine(receivedAt, {
    topicName: 'channel.metadata',
    eventBody: { message: 'WebSocket Heartbeat' },
  });
}

/** A `...managementunits.<mu>.agentschedules.changed` frame. */
export function unitScheduleChangedLine(
  receivedAt: number,
  unitId: string,
  agentIds: readonly string[],
): string {
  return formatRecordedLine(receivedAt, {
    topicName: `v2.workforcemanagement.managementunits.${unitId}.agentschedules.changed`,
    version: '2',
    eventBody: { agents: agentIds.map((agentId) => ({ agentId })) },
    metadata: { CorrelationId: `schedules-${receivedAt}` },
  });
}
