import type { AgentProfile, ManagementUnitProfile } from '../app/ports/agent-directory';
import type { ObservationSink } from '../app/ports/observation-sink';
import type { Logger } from '../platform/logger';
import type { AdherenceObservation } from '../domain/adherence-observation';
import {
  countRejection,
  isAdherenceTopic,
  mapAdherenceFrame,
  mapAdherenceRow,
} from './adherence-frame-mapper';
import type { FrameRecording } from './frame-recorder';
import { countIgnored, type GenesysMetrics } from './genesys-metrics';
import { describeError } from '../platform/describe-error';

/** Where observations go; `signalScheduleChange` (optional) hears of schedule changes for dampening. */
export interface GenesysObservationSink extends ObservationSink {
  signalScheduleChange?(managementUnitId: string): void | Promise<void>;
}

/** What the intake reads from and tells the directory. */
export interface IntakeDirectory {
  getAgent(agentId: string): AgentProfile | undefined;
  getUnit(managementUnitId: string): ManagementUnitProfile | undefined;
  listUnits(): readonly ManagementUnitProfile[];
  /** Records team membership seen in adherence data. */
  noteTeam(agentId: string, teamId: string | undefined, teamName: string | undefined): void;
  /** Looks up an agent the directory does not know yet (hired or moved after start); never rejects. */
  lookUpAgent?(agentId: string, managementUnitId?: string): Promise<unknown>;
}

/** What the intake tells the schedule pre-check. */
export interface IntakeCoverage {
  invalidateAgents(agentIds: readonly string[]): void;
  invalidateUnit(managementUnitId: string): void;
  /** The body of a schedule search completion notification. */
  onSearchNotification(body: unknown): void;
}

/** Ports of an {@link AdherenceIntake}. */
export interface AdherenceIntakeOptions {
  readonly directory: IntakeDirectory;
  readonly coverage?: IntakeCoverage;
  readonly metrics: GenesysMetrics;
  readonly logger: Logger;
  /** GENESYS_RECORD_DIR: every frame taken in and every restore row is also handed to the recording. */
  readonly recorder?: FrameRecording;
}

/** A parsed notification frame. */
export type NotificationFrame = { readonly topicName: string } & Record<string, unknown>;

/** What {@link parseNotificationFrame} made of a socket message: a frame, or the reason it is not one. */
export type ParsedFrame =
  | { readonly frame: NotificationFrame; readonly reason?: undefined }
  | { readonly reason: 'malformedNotJson' | 'malformedNoTopicName'; readonly frame?: undefined };

/** Parses one socket text message: a JSON object with a string `topicName`, or why not; pure. */
export function parseNotificationFrame(text: string): ParsedFrame {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { reason: 'malformedNotJson' };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    return { reason: 'malformedNotJson' };
  if (typeof (value as { topicName?: unknown }).topicName !== 'string')
    return { reason: 'malformedNoTopicName' };
  return { frame: value as NotificationFrame };
}

const MU_TOPIC_PREFIX = 'v2.workforcemanagement.managementunits.';
const BU_TOPIC_PREFIX = 'v2.workforcemanagement.businessunits.';
const MALFORMED_LOG_LIMIT = 20;

/**
 * The frame path of the Genesys client, from socket text (or REST restore rows) to the observation sink: parse, map,
 * note teams, look up agents the directory does not know, hold events back while a restore runs, and hand each
 * observation to the sink in arrival order. It judges nothing: stale, duplicate and mis-dated observations are the
 * drift core's call (src/domain/observation-judgement.ts). Every refused frame is counted under its reason in
 * `metrics.eventsIgnoredTotal`.
 */
export class AdherenceIntake {
  private sink: GenesysObservationSink | undefined;
  private readonly pending = new Set<Promise<void>>();
  private buffered: AdherenceObservation[] = [];
  private restoring = 0;
  private malformedLogged = 0;
  private readonly log: Logger;

  constructor(private readonly options: AdherenceIntakeOptions) {
    this.log = options.logger;
  }

  /** Starts delivering to `sink`. */
  connect(sink: GenesysObservationSink): void {
    this.sink = sink;
  }

  /** True while a restore runs (events are held back meanwhile). */
  isRestoring(): boolean {
    return this.restoring > 0;
  }

  /** Holds events back until the matching {@link endRestore}; restores may nest. */
  beginRestore(): void {
    this.restoring++;
  }

  /** Ends a restore; the last one hands the held-back events over, in arrival order. */
  endRestore(): void {
    this.restoring--;
    if (this.restoring > 0) return;
    const buffered = this.buffered;
    this.buffered = [];
    for (const observation of buffered) this.deliver(observation);
  }

  /** Resolves when every observation handed over so far has been taken by the sink (or failed). */
  async flush(): Promise<void> {
    while (this.pending.size > 0) await Promise.allSettled([...this.pending]);
  }

  /** Takes one socket text message as the client's streams do: parse, then {@link acceptFrame}. Never throws. */
  acceptText(text: string, observedAt: number): void {
    this.options.metrics.framesReceived++;
    const parsed = parseNotificationFrame(text);
    if (parsed.frame === undefined) {
      this.rejectText(text, parsed.reason);
      return;
    }
    const topicName = parsed.frame.topicName;
    if (topicName === 'channel.metadata' || topicName.startsWith('v2.system.')) {
      this.options.metrics.otherTopicFrames++;
      return;
    }
    this.acceptFrame(parsed.frame, observedAt);
  }

  /** Counts and logs (the first few, cut short) a socket message that is not a usable frame. */
  rejectText(text: string, reason: string): void {
    countRejection(this.options.metrics, reason);
    if (this.malformedLogged >= MALFORMED_LOG_LIMIT) return;
    this.malformedLogged++;
    // Frames carry no credentials, but keep logs small: the first 200 characters only.
    this.log.warn(
      { reason, sample: text.slice(0, 200), length: text.length, suppressedAfter: MALFORMED_LOG_LIMIT },
      'Malformed Genesys frame skipped',
    );
  }

  /** Routes one parsed frame: adherence events to the sink, schedule topics to dampening, search results to the pre-check. */
  acceptFrame(frame: NotificationFrame, observedAt: number): void {
    try {
      this.options.recorder?.recordFrame(frame, observedAt);
      this.route(frame, observedAt);
    } catch (error) {
      // A frame shaped so oddly that routing threw (a getter, a proxy): counted and skipped, the stream goes on.
      this.rejectText(safeText(frame), 'malformedUnreadable');
      this.log.debug({ err: describeError(error) }, 'Genesys frame could not be routed');
    }
  }

  /**
   * Maps REST snapshot rows and hands them over as `restore` observations; `unitId` stands in when a row names no unit.
   * Returns how many were handed over.
   */
  acceptRows(rows: readonly unknown[], observedAt: number, unitId: string | undefined): number {
    let delivered = 0;
    for (const row of rows) {
      this.options.recorder?.recordRestoreRow(row, observedAt, unitId ?? this.unitOfRow(row));
      const observation = mapAdherenceRow(
        row,
        observedAt,
        this.options.metrics,
        unitId ?? this.unitOfRow(row),
      );
      if (!observation) continue;
      const team = (row as { team?: { name?: unknown } }).team;
      this.noteAgent(observation, typeof team?.name === 'string' ? team.name : undefined);
      if (this.deliver(observation)) delivered++;
    }
    return delivered;
  }

  private route(frame: NotificationFrame, observedAt: number): void {
    const topicName = frame.topicName;
    const metrics = this.options.metrics;
    if (isAdherenceTopic(topicName)) {
      const observation = mapAdherenceFrame(
        frame,
        observedAt,
        metrics,
        (agentId) => this.options.directory.getAgent(agentId)?.managementUnitId,
      );
      if (!observation) return;
      metrics.eventsReceived++;
      const team = (frame.eventBody as { team?: { name?: unknown } }).team;
      this.noteAgent(observation, typeof team?.name === 'string' ? team.name : undefined);
      if (this.restoring > 0) this.buffered.push(observation);
      else this.deliver(observation);
      return;
    }
    if (topicName.startsWith(MU_TOPIC_PREFIX) && topicName.endsWith('.agentschedules.changed')) {
      const unitId = topicName.slice(
        MU_TOPIC_PREFIX.length,
        topicName.length - '.agentschedules.changed'.length,
      );
      const agents = (frame.eventBody as { agents?: unknown } | undefined)?.agents;
      if (Array.isArray(agents))
        this.options.coverage?.invalidateAgents(
          agents
            .map((a) => (a as { agentId?: unknown } | null)?.agentId)
            .filter((id): id is string => typeof id === 'string'),
        );
      this.signalScheduleChange([unitId]);
      return;
    }
    if (topicName.startsWith(BU_TOPIC_PREFIX) && topicName.endsWith('.schedules')) {
      this.onBusinessUnitSchedule(
        topicName.slice(BU_TOPIC_PREFIX.length, topicName.length - '.schedules'.length),
        frame.eventBody,
      );
      return;
    }
    if (isScheduleSearchTopic(topicName)) {
      this.options.coverage?.onSearchNotification(frame.eventBody);
      return;
    }
    metrics.otherTopicFrames++;
  }

  /** Team from the frame into the directory; an agent the directory does not know is looked up (not awaited). */
  private noteAgent(observation: AdherenceObservation, teamName: string | undefined): void {
    const directory = this.options.directory;
    if (directory.getAgent(observation.agentId) === undefined && !observation.removedFromUnit) {
      void directory.lookUpAgent?.(observation.agentId, observation.managementUnitId);
    }
    if (observation.teamId !== undefined)
      directory.noteTeam(observation.agentId, observation.teamId, teamName);
  }

  private onBusinessUnitSchedule(businessUnitId: string, body: unknown): void {
    const b = body as { status?: unknown; result?: { managementUnits?: unknown } } | undefined;
    // A failed or cancelled job changed nothing. UNCONFIRMED how publishing shows up exactly, so any other status counts.
    if (b?.status === 'Error' || b?.status === 'Canceled') return;
    const units = Array.isArray(b?.result?.managementUnits) ? (b.result.managementUnits as unknown[]) : [];
    const named = units
      .map((entry) => (entry as { managementUnit?: { id?: unknown } } | null)?.managementUnit?.id)
      .filter((id): id is string => typeof id === 'string');
    const watched = this.options.directory
      .listUnits()
      .filter((unit) => unit.businessUnitId === businessUnitId)
      .map((unit) => unit.id);
    this.signalScheduleChange(named.length > 0 ? named.filter((id) => watched.includes(id)) : watched);
  }

  private signalScheduleChange(unitIds: readonly string[]): void {
    for (const unitId of unitIds) {
      if (!this.options.directory.getUnit(unitId)) continue;
      this.options.metrics.scheduleChangeSignals++;
      this.options.coverage?.invalidateUnit(unitId);
      const onError = (error: unknown): void =>
        this.log.warn({ managementUnitId: unitId, err: describeError(error) }, 'signalScheduleChange failed');
      try {
        void Promise.resolve(this.sink?.signalScheduleChange?.(unitId)).catch(onError);
      } catch (error) {
        onError(error);
      }
    }
  }

  private unitOfRow(row: unknown): string | undefined {
    const r = row as { id?: unknown; user?: { id?: unknown } } | undefined;
    const id = typeof r?.user?.id === 'string' ? r.user.id : r?.id;
    return typeof id === 'string' ? this.options.directory.getAgent(id)?.managementUnitId : undefined;
  }

  /** Hands one observation to the sink; the sink keeps per-agent order (it is called in arrival order). */
  private deliver(observation: AdherenceObservation): boolean {
    const sink = this.sink;
    if (!sink) return false;
    const metrics = this.options.metrics;
    // The executor turns a sink that throws instead of rejecting into a rejection, handled below like any other.
    const work = new Promise<void>((resolve) => resolve(sink.ingest(observation)));
    const tracked = work.then(
      () => {
        metrics.observationsDelivered++;
      },
      (error: unknown) => {
        countIgnored(metrics, 'sinkError');
        this.log.error(
          { agentId: observation.agentId, err: describeError(error) },
          'Observation sink failed',
        );
      },
    );
    this.pending.add(tracked);
    void tracked.finally(() => this.pending.delete(tracked));
    return true;
  }
}

/** The async schedule search completion topics (the MU search's and the older per-user one). */
function isScheduleSearchTopic(topicName: string): boolean {
  return (
    (topicName.startsWith('v2.users.') &&
      topicName.endsWith('.workforcemanagement.agentschedules.managementunit.search.complete')) ||
    (topicName.startsWith('v2.workforcemanagement.users.') && topicName.endsWith('.schedules.search'))
  );
}

function safeText(frame: unknown): string {
  try {
    return JSON.stringify(frame) ?? '';
  } catch {
    return '';
  }
}
