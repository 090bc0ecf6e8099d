/**
 * The frame recording format, shared by the recorder (`GENESYS_RECORD_DIR`) and `npm run replay`, so the two cannot
 * drift apart. A recording is NDJSON, one line per notification frame, in the order frames were received:
 *
 *     {"receivedAt":"2026-08-20T14:03:12.450Z","frame":{"topicName":"v2.workforcemanagement.managementunits.<mu>.adherence","version":"2","eventBody":{...},"metadata":{"CorrelationId":"..."}}}
 *
 * - `receivedAt`: when the service received the frame, ISO-8601 with a zone (the recorder writes `toISOString()`).
 * - `frame`: the frame exactly as received, parsed (not re-encoded or mapped), so a recording can be replayed through a
 *   newer mapper.
 * - Recorded topics: the adherence topics and the schedule topics (`...managementunits.<mu>.agentschedules.changed`,
 *   `...businessunits.<bu>.schedules`). Heartbeats and other `channel.metadata` frames are not recorded (a replay
 *   skips them if they are there).
 * - A REST restore row (`UserScheduleAdherence`, fetched after every (re)connect) is recorded as a frame of its
 *   unit's adherence topic whose `eventBody` is the row exactly as REST returned it (REST field names:
 *   `id`, `managementUnit.id`, `timeOfAdherenceChange`) and whose `metadata` is `{"source":"restore"}`
 *   ({@link restoreRowFrame}). A replay maps such a body with the REST mapper and hands it on as a `restore`
 *   observation, as the service does.
 * - One file per UTC day of `receivedAt`: `frames-YYYY-MM-DD.ndjson` ({@link recordingFileName}).
 */
import { isAdherenceTopic } from './adherence-frame-mapper';

/** A notification frame as Genesys sends it (`{topicName, version, eventBody, metadata}`), parsed. */
export interface RecordedNotificationFrame {
  readonly topicName: string;
  readonly version?: unknown;
  readonly eventBody?: unknown;
  readonly metadata?: unknown;
  readonly [field: string]: unknown;
}

/** One parsed line of a recording, or why it cannot be used. */
export type RecordedLine =
  | { readonly kind: 'frame'; readonly receivedAt: number; readonly frame: RecordedNotificationFrame }
  | { readonly kind: 'bad'; readonly reason: string };

/** What a recorded frame is, by its topic. */
export type RecordedTopicKind =
  | 'adherence'
  | 'unitSchedule'
  | 'businessUnitSchedule'
  /** `channel.metadata`: heartbeats, pongs; skipped. */
  | 'channelMetadata'
  | 'unknown';

/** `metadata.source` of a recorded REST restore row. */
const RESTORE_ROW_SOURCE = 'restore';

const MU_PREFIX = 'v2.workforcemanagement.managementunits.';
const BU_PREFIX = 'v2.workforcemanagement.businessunits.';
const UNIT_SCHEDULE_SUFFIX = '.agentschedules.changed';
const BU_SCHEDULE_SUFFIX = '.schedules';
// ISO-8601 instant with a zone: the form toISOString writes, and the offsets other writers use.
const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:?\d{2})$/;

/** The file a frame received at `receivedAt` (epoch ms) goes to: `frames-YYYY-MM-DD.ndjson`, by UTC day; pure. */
export function recordingFileName(receivedAt: number): string {
  return `frames-${new Date(receivedAt).toISOString().slice(0, 10)}.ndjson`;
}

/** One recording line (without the newline) for a frame received at `receivedAt` (epoch ms); pure. */
export function formatRecordedLine(receivedAt: number, frame: unknown): string {
  return `{"receivedAt":"${new Date(receivedAt).toISOString()}","frame":${JSON.stringify(frame)}}`;
}

/** The frame a REST restore row is recorded as: a frame of the unit's adherence topic carrying the row as is; pure. */
export function restoreRowFrame(managementUnitId: string, row: unknown): RecordedNotificationFrame {
  return {
    topicName: `${MU_PREFIX}${managementUnitId}.adherence`,
    eventBody: row,
    metadata: { source: RESTORE_ROW_SOURCE },
  };
}

/** True when the topic is one the recorder writes (adherence and schedule topics; never heartbeats); pure. */
export function isRecordedTopic(topicName: string): boolean {
  const kind = recordedTopicKind(topicName);
  return kind === 'adherence' || kind === 'unitSchedule' || kind === 'businessUnitSchedule';
}

/** Classifies a frame by its topic name; pure. */
export function recordedTopicKind(topicName: string): RecordedTopicKind {
  if (topicName === 'channel.metadata') return 'channelMetadata';
  if (isAdherenceTopic(topicName)) return 'adherence';
  if (isScopedTopic(topicName, MU_PREFIX, UNIT_SCHEDULE_SUFFIX)) return 'unitSchedule';
  if (isScopedTopic(topicName, BU_PREFIX, BU_SCHEDULE_SUFFIX)) return 'businessUnitSchedule';
  return 'unknown';
}

/** The id in a scoped topic name (`<prefix><id><suffix>`), e.g. the unit of an adherence or schedule topic; pure. */
export function topicScopeId(topicName: string): string | undefined {
  for (const [prefix, suffix] of [
    [MU_PREFIX, '.adherence'],
    [MU_PREFIX, UNIT_SCHEDULE_SUFFIX],
    [BU_PREFIX, BU_SCHEDULE_SUFFIX],
  ] as const) {
    if (isScopedTopic(topicName, prefix, suffix))
      return topicName.slice(prefix.length, topicName.length - suffix.length);
  }
  return undefined;
}

/** True when a recorded adherence frame carries a REST restore row rather than a topic event; pure. */
export function isRestoreRowFrame(frame: RecordedNotificationFrame): boolean {
  const metadata = frame.metadata;
  if (
    typeof metadata === 'object' &&
    metadata !== null &&
    (metadata as { source?: unknown }).source === 'restore'
  )
    return true;
  // A row wrapped without the marker is still recognisable: REST names the instant `timeOfAdherenceChange` and the
  // agent `id`, the topic names them `adherenceChangeTime` and `user.id` (REST rows may carry `user` too).
  const body = frame.eventBody as
    { id?: unknown; timeOfAdherenceChange?: unknown; adherenceChangeTime?: unknown } | undefined;
  return (
    typeof body === 'object' &&
    body !== null &&
    typeof body.id === 'string' &&
    body.timeOfAdherenceChange !== undefined &&
    body.adherenceChangeTime === undefined
  );
}

/** Parses one line of a recording; never throws: an unusable line comes back as `bad` with the reason; pure. */
export function parseRecordedLine(text: string): RecordedLine {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return bad('not JSON');
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) return bad('not a JSON object');
  const { receivedAt, frame } = json as { receivedAt?: unknown; frame?: unknown };
  if (receivedAt === undefined) return bad('no receivedAt');
  const at = typeof receivedAt === 'string' && ISO_INSTANT.test(receivedAt) ? Date.parse(receivedAt) : NaN;
  if (Number.isNaN(at)) return bad(`receivedAt ${JSON.stringify(receivedAt)} is not an ISO-8601 instant`);
  if (frame === undefined || frame === null) return bad('no frame');
  if (typeof frame !== 'object' || Array.isArray(frame)) return bad('frame is not an object');
  const topicName = (frame as { topicName?: unknown }).topicName;
  if (typeof topicName !== 'string' || topicName === '') return bad('frame has no topicName');
  return { kind: 'frame', receivedAt: at, frame: frame as RecordedNotificationFrame };
}

function bad(reason: string): RecordedLine {
  return { kind: 'bad', reason };
}

function isScopedTopic(topicName: string, prefix: string, suffix: string): boolean {
  if (topicName.length <= prefix.length + suffix.length) return false;
  if (!topicName.startsWith(prefix) || !topicName.endsWith(suffix)) return false;
  return !topicName.slice(prefix.length, topicName.length - suffix.length).includes('.');
}
