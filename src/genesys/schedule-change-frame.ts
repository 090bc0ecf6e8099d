/** What a schedule-topic frame says changed, for mass-change dampening. */
export type ScheduleChange =
  /** `...managementunits.<mu>.agentschedules.changed`: that unit's agents' schedules changed. */
  | { readonly kind: 'units'; readonly managementUnitIds: readonly string[] }
  /**
   * `...businessunits.<bu>.schedules`: a schedule of the business unit was generated, published or changed; the
   * units it names, or (none named) every unit of the business unit.
   */
  | {
      readonly kind: 'businessUnit';
      readonly businessUnitId: string;
      readonly managementUnitIds?: readonly string[];
    }
  /** A failed or cancelled schedule job: nothing changed. */
  | { readonly kind: 'none' };

const MU_PREFIX = 'v2.workforcemanagement.managementunits.';
const BU_PREFIX = 'v2.workforcemanagement.businessunits.';
const UNIT_SUFFIX = '.agentschedules.changed';
const BU_SUFFIX = '.schedules';

/**
 * Reads a schedule-topic frame the way the Genesys client does for dampening; `undefined` when the topic is not a
 * schedule topic. Pure.
 */
export function scheduleChangeOfFrame(topicName: string, body: unknown): ScheduleChange | undefined {
  if (topicName.startsWith(MU_PREFIX) && topicName.endsWith(UNIT_SUFFIX)) {
    return {
      kind: 'units',
      managementUnitIds: [topicName.slice(MU_PREFIX.length, topicName.length - UNIT_SUFFIX.length)],
    };
  }
  if (!topicName.startsWith(BU_PREFIX) || !topicName.endsWith(BU_SUFFIX)) return undefined;
  const businessUnitId = topicName.slice(BU_PREFIX.length, topicName.length - BU_SUFFIX.length);
  const b = body as
    | { status?: unknown; result?: { managementUnits?: Array<{ managementUnit?: { id?: unknown } }> } }
    | undefined;
  // A failed or cancelled job changed nothing. UNCONFIRMED how publishing shows up exactly, so any other status counts.
  if (b?.status === 'Error' || b?.status === 'Canceled') return { kind: 'none' };
  const units = b?.result?.managementUnits;
  const named = (Array.isArray(units) ? units : [])
    .map((entry) => entry?.managementUnit?.id)
    .filter((id): id is string => typeof id === 'string');
  return named.length > 0
    ? { kind: 'businessUnit', businessUnitId, managementUnitIds: named }
    : { kind: 'businessUnit', businessUnitId };
}
