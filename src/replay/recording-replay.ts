/**
 * Replays a frame recording through the service's own drift pipeline, to see what other thresholds would have done.
 *
 * Each usable line is mapped by the Genesys client's mapper (`mapAdherenceFrame`, or `mapAdherenceRow` for a recorded
 * REST restore row) and handed to the real {@link DriftMonitor} (dampening, per-agent serialization, the pure drift
 * core, the outbox) over in-memory stores, on virtual time: `receivedAt` is the clock, and a check fires when replay
 * time reaches its due instant, before a frame received at that same instant. At the end time stops at the last
 * `receivedAt`: checks due later never fire. No card actions are replayed and no schedule pre-check is made.
 *
 * Using the monitor rather than the bare core makes mass-change dampening, holds and releases, and check re-arming
 * behave exactly as in the service; its cost per frame is a few microtasks.
 */
import { DriftMonitor } from '../app/drift-monitor';
import type { AlertNotifier, DeliveryResult } from '../app/ports/alert-notifier';
import type { OutboxAlert } from '../app/ports/alert-outbox';
import type { DriftHistoryRecord, DriftHistoryStore } from '../app/ports/drift-history-store';
import type { Logger } from '../platform/logger';
import type { AdherenceObservation } from '../domain/adherence-observation';
import type { DriftPolicy } from '../domain/drift-policy';
import { isFormalException } from '../domain/formal-exception';
import {
  mapAdherenceFrame,
  mapAdherenceRow,
  type AdherenceMapperCounters,
} from '../genesys/adherence-frame-mapper';
import {
  isRestoreRowFrame,
  parseRecordedLine,
  recordedTopicKind,
  topicScopeId,
  type RecordedNotificationFrame,
} from '../genesys/frame-recording';
import { scheduleChangeOfFrame } from '../genesys/schedule-change-frame';
import { silentLogger } from '../platform/silent-logger';
import { VirtualClock, VirtualScheduler } from '../platform/virtual-time';
import { InMemoryDriftStateStore } from '../storage/drift-state/in-memory-drift-state-store';
import { InMemoryAlertOutbox } from '../storage/outbox/in-memory-alert-outbox';

/** What happened to a management unit's agents during a replay. */
export interface ReplayCounts {
  episodes: number;
  nudges: number;
  supervisorAlerts: number;
  formalExceptions: number;
}

/** A line that could not be replayed: its number (1-based, per file) and why. */
export interface BadLine {
  readonly line: number;
  readonly reason: string;
}

/** The result of a replay; `events` counts the frames replayed (adherence and schedule frames). */
export interface ReplayReport {
  readonly events: number;
  readonly badLines: readonly BadLine[];
  readonly units: Readonly<Record<string, ReplayCounts>>;
  readonly totals: ReplayCounts;
}

/** Options of a {@link RecordingReplay}. */
export interface RecordingReplayOptions {
  readonly policy: DriftPolicy;
  /** Where the monitor logs; silent by default. */
  readonly logger?: Logger;
}

/** One line of input: its text, its 1-based number in its file, and (with several files) a label for bad-line reasons. */
export interface ReplayLine {
  readonly text: string;
  readonly line: number;
  readonly file?: string;
}

/**
 * Feeds recorded lines, in order, through the drift pipeline on virtual time and counts episodes, nudges, supervisor
 * alerts and formal exceptions per management unit. Bad lines are counted with their number and never stop it.
 */
export class RecordingReplay {
  private readonly clock = new VirtualClock(Number.NEGATIVE_INFINITY);
  private readonly scheduler = new VirtualScheduler(this.clock);
  private readonly stateStore = new InMemoryDriftStateStore();
  private readonly history: CountingHistory;
  private readonly notifier = new CountingNotifier();
  private readonly monitor: DriftMonitor;
  private readonly mapperCounters: AdherenceMapperCounters = {
    unknownEnumValues: 0,
    missingFields: 0,
    malformedFrames: 0,
    otherTopicFrames: 0,
  };
  private readonly unitOfAgent = new Map<string, string>();
  private readonly unitsOfBusinessUnit = new Map<string, Set<string>>();
  private readonly unitsSeen = new Set<string>();
  private readonly badLines: BadLine[] = [];
  private events = 0;
  private isFinished = false;
  private readonly settle = (): Promise<void> => this.monitor.idle();

  constructor(options: RecordingReplayOptions) {
    this.history = new CountingHistory(options.policy);
    this.monitor = new DriftMonitor({
      clock: this.clock,
      scheduler: this.scheduler,
      stateStore: this.stateStore,
      outbox: new InMemoryAlertOutbox(),
      notifier: this.notifier,
      history: this.history,
      logger: options.logger ?? silentLogger,
      policy: options.policy,
    });
  }

  /** Replays one recorded line; a line that cannot be used is recorded as bad, with its number. */
  async feed(input: ReplayLine): Promise<void> {
    if (this.isFinished) throw new Error('RecordingReplay.feed after finish');
    const parsed = parseRecordedLine(input.text);
    if (parsed.kind === 'bad') {
      this.reportBad(input, input.text.trim() === '' ? 'empty line' : parsed.reason);
      return;
    }
    const frame = parsed.frame;
    const kind = recordedTopicKind(frame.topicName);
    if (kind === 'channelMetadata') return;
    if (kind === 'unknown') {
      this.reportBad(input, `unknown topic ${frame.topicName}`);
      return;
    }
    if (kind === 'adherence') {
      const observation = this.observationOf(frame, parsed.receivedAt);
      if (typeof observation === 'string') {
        this.reportBad(input, `malformed body: ${observation}`);
        return;
      }
      await this.advanceTo(parsed.receivedAt);
      this.events += 1;
      this.note(observation, frame);
      await this.monitor.ingest(observation);
      return;
    }
    const change = scheduleChangeOfFrame(frame.topicName, frame.eventBody);
    await this.advanceTo(parsed.receivedAt);
    this.events += 1;
    if (change === undefined || change.kind === 'none') return;
    const unitIds =
      change.kind === 'units'
        ? change.managementUnitIds
        : (change.managementUnitIds ?? [...(this.unitsOfBusinessUnit.get(change.businessUnitId) ?? [])]);
    for (const unitId of unitIds) await this.monitor.signalScheduleChange(unitId);
  }

  /** Ends the replay at the last `receivedAt` (checks due later never fire) and returns the counts. */
  async finish(): Promise<ReplayReport> {
    this.isFinished = true;
    await this.monitor.idle();
    const units: Record<string, ReplayCounts> = {};
    for (const unitId of [...this.unitsSeen].sort()) units[unitId] = emptyCounts();
    const episodesByUnit = new Map<string, Set<string>>();
    const addEpisode = (unitId: string, episodeId: string): void => {
      let ids = episodesByUnit.get(unitId);
      if (ids === undefined) episodesByUnit.set(unitId, (ids = new Set()));
      ids.add(episodeId);
    };
    for (const [episodeId, unitId] of this.history.episodes) addEpisode(unitId, episodeId);
    for await (const state of this.stateStore.list()) {
      if (state.episode !== undefined) addEpisode(state.managementUnitId, state.episode.id);
    }
    const countsOf = (unitId: string): ReplayCounts => (units[unitId] ??= emptyCounts());
    for (const [unitId, ids] of episodesByUnit) countsOf(unitId).episodes = ids.size;
    for (const unitId of this.history.formalExceptions.values()) countsOf(unitId).formalExceptions += 1;
    for (const [unitId, n] of this.notifier.nudges) countsOf(unitId).nudges = n;
    for (const [unitId, n] of this.notifier.supervisorAlerts) countsOf(unitId).supervisorAlerts = n;
    const totals = emptyCounts();
    for (const counts of Object.values(units)) {
      totals.episodes += counts.episodes;
      totals.nudges += counts.nudges;
      totals.supervisorAlerts += counts.supervisorAlerts;
      totals.formalExceptions += counts.formalExceptions;
    }
    await this.monitor.stop();
    this.scheduler.dispose();
    return { events: this.events, badLines: this.badLines, units: sortKeys(units), totals };
  }

  /** Moves replay time to `receivedAt`, firing the checks that fall due on the way; time never goes back. */
  private async advanceTo(receivedAt: number): Promise<void> {
    await this.scheduler.runUntil(receivedAt, this.settle);
  }

  /** The observation of an adherence frame (time of receipt: replay time), or why the body is unusable. */
  private observationOf(frame: RecordedNotificationFrame, receivedAt: number): AdherenceObservation | string {
    const observedAt = Math.max(receivedAt, this.clock.now());
    const body = frame.eventBody;
    if (typeof body !== 'object' || body === null || Array.isArray(body))
      return 'eventBody is missing or not an object';
    if (isRestoreRowFrame(frame)) {
      const row = mapAdherenceRow(body, observedAt, this.mapperCounters, topicScopeId(frame.topicName));
      if (row !== undefined) return row;
      return typeof (body as { id?: unknown }).id === 'string'
        ? 'restore row has no managementUnit.id'
        : 'restore row has no id';
    }
    const observation = mapAdherenceFrame(frame, observedAt, this.mapperCounters, (agentId) =>
      this.unitOfAgent.get(agentId),
    );
    if (observation !== undefined) return observation;
    const user = (body as { user?: { id?: unknown } }).user;
    return typeof user?.id === 'string' && user.id !== ''
      ? 'no management unit (eventBody.managementUnitId missing and the agent not seen before)'
      : 'eventBody.user.id missing';
  }

  private note(observation: AdherenceObservation, frame: RecordedNotificationFrame): void {
    const unitId = observation.managementUnitId;
    this.unitsSeen.add(unitId);
    this.unitOfAgent.set(observation.agentId, unitId);
    const body = frame.eventBody as { businessUnitId?: unknown; businessUnit?: { id?: unknown } };
    const businessUnitId =
      typeof body.businessUnitId === 'string' ? body.businessUnitId : body.businessUnit?.id;
    if (typeof businessUnitId !== 'string') return;
    let units = this.unitsOfBusinessUnit.get(businessUnitId);
    if (units === undefined) this.unitsOfBusinessUnit.set(businessUnitId, (units = new Set()));
    units.add(unitId);
  }

  private reportBad(input: ReplayLine, reason: string): void {
    this.badLines.push({
      line: input.line,
      reason: input.file === undefined ? reason : `${input.file}: ${reason}`,
    });
  }
}

/** Counts what was delivered: nudges to agents and first supervisor alerts to channels, per management unit. */
class CountingNotifier implements AlertNotifier {
  readonly nudges = new Map<string, number>();
  readonly supervisorAlerts = new Map<string, number>();
  private sent = 0;

  deliver(alert: OutboxAlert): Promise<DeliveryResult> {
    if (alert.kind === 'nudge' && alert.recipient === 'agent') increment(this.nudges, alert.managementUnitId);
    if (alert.kind === 'supervisorAlert' && alert.recipient === 'supervisorChannel')
      increment(this.supervisorAlerts, alert.managementUnitId);
    this.sent += 1;
    return Promise.resolve({ status: 'sent', conversationId: 'replay', activityId: `replay-${this.sent}` });
  }

  async updateCards(): Promise<void> {}
}

/**
 * The replay's drift history: it keeps which episodes were seen and which became formal exceptions (as Genesys counts
 * them: `src/domain/formal-exception.ts`), not the rows.
 */
class CountingHistory implements DriftHistoryStore {
  /** Episode id -> management unit id. */
  readonly episodes = new Map<string, string>();
  /** Episode id -> management unit id, for episodes that became formal exceptions. */
  readonly formalExceptions = new Map<string, string>();

  constructor(private readonly policy: DriftPolicy) {}

  upsert(record: DriftHistoryRecord): Promise<void> {
    const { episode } = record;
    this.episodes.set(episode.id, episode.managementUnitId);
    if (isFormalException(episode, this.policy, record.recordedAt)) {
      this.formalExceptions.set(episode.id, episode.managementUnitId);
    }
    return Promise.resolve();
  }

  get(): Promise<undefined> {
    return Promise.resolve(undefined);
  }

  async *list(): AsyncIterable<DriftHistoryRecord> {}

  deleteOlderThan(): Promise<number> {
    return Promise.resolve(0);
  }
}

function emptyCounts(): ReplayCounts {
  return { episodes: 0, nudges: 0, supervisorAlerts: 0, formalExceptions: 0 };
}

function increment(counts: Map<string, number>, key: string): void {
  counts.set(key, (counts.get(key) ?? 0) + 1);
}

function sortKeys<T>(record: Record<string, T>): Record<string, T> {
  return Object.fromEntries(Object.entries(record).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}
