import type { Clock, Logger, ObservationSink } from '../app/ports';
import type { AdherenceObservation } from '../domain/adherence-observation';
import { RateLimiter } from '../platform/rate-limiter';
import type { CancelTimer } from '../platform/timers';
import { isAdherenceTopic, mapAdherenceFrame, mapAdherenceRow } from './adherence-frame-mapper';
import { AdherenceRestorer } from './adherence-restorer';
import {
  resolveGenesysClientOptions,
  type GenesysClientOptions,
  type ResolvedGenesysClientOptions,
} from './genesys-client-options';
import { GenesysDirectory } from './genesys-directory';
import { countIgnored, createGenesysMetrics, type GenesysMetrics } from './genesys-metrics';
import { GenesysRestClient } from './genesys-rest-client';
import { GenesysScheduleCoverageChecker } from './genesys-schedule-coverage-checker';
import { platformTimers, type GenesysTimers } from './genesys-timers';
import { GenesysTokenProvider } from './genesys-token-provider';
import { NotificationChannelManager } from './notification-channel-manager';
import { NotificationStream } from './notification-stream';
import { shardTopics } from './shard-topics';

/** Where observations go; `signalScheduleChange` (optional) hears of schedule changes for dampening. */
export interface GenesysObservationSink extends ObservationSink {
  signalScheduleChange?(managementUnitId: string): void | Promise<void>;
}

/** What the client needs from its surroundings. */
export interface GenesysClientDependencies {
  readonly clock: Clock;
  readonly logger: Logger;
  /** Real-time timers; defaults to src/platform/timers. */
  readonly timers?: GenesysTimers;
  /** Jitter source in [0, 1). */
  readonly random?: () => number;
}

interface StreamScope {
  readonly unitIds: readonly string[];
  readonly userIds: readonly string[];
}

const MU_TOPIC_PREFIX = 'v2.workforcemanagement.managementunits.';
const BU_TOPIC_PREFIX = 'v2.workforcemanagement.businessunits.';
const SEARCH_TOPIC_PREFIX = 'v2.workforcemanagement.users.';
const MALFORMED_LOG_LIMIT = 20;

/**
 * The Genesys Cloud real-time adherence client: discovers units and agents, subscribes one adherence topic per unit
 * (or per agent) on as many notification channels as needed, keeps the sockets alive, restores current adherence after
 * every (re)connect before applying buffered events, and hands observations to the sink in order per agent,
 * dropping exact duplicates and stale ones.
 */
export class GenesysAdherenceClient {
  readonly metrics: GenesysMetrics = createGenesysMetrics();
  readonly rest: GenesysRestClient;
  readonly directory: GenesysDirectory;
  private discovery: Promise<void> | undefined;
  readonly coverage: GenesysScheduleCoverageChecker;
  private readonly options: ResolvedGenesysClientOptions;
  private readonly clock: Clock;
  private readonly logger: Logger;
  private readonly timers: GenesysTimers;
  private readonly random: () => number;
  private readonly channels: NotificationChannelManager;
  private readonly restorer: AdherenceRestorer;
  private readonly streams: NotificationStream[] = [];
  private readonly scopes = new Map<NotificationStream, StreamScope>();
  private readonly lastByAgent = new Map<string, AdherenceObservation>();
  private readonly chains = new Map<string, Promise<void>>();
  private buffered: AdherenceObservation[] = [];
  private restoring = 0;
  private malformedLogged = 0;
  private sink: GenesysObservationSink | undefined;
  private cancelMaintenance: CancelTimer | undefined;
  private started = false;

  constructor(options: GenesysClientOptions, dependencies: GenesysClientDependencies) {
    this.options = resolveGenesysClientOptions(options);
    this.clock = dependencies.clock;
    this.logger = dependencies.logger.child({ component: 'genesys' });
    this.timers = dependencies.timers ?? platformTimers;
    this.random = dependencies.random ?? Math.random;
    const tokens = new GenesysTokenProvider(
      this.options,
      this.clock,
      this.logger,
      this.metrics,
      this.timers.sleep,
      this.random,
    );
    const limiter = new RateLimiter({
      clock: this.clock,
      windows: [{ limit: this.options.requestsPerMinute, windowMs: 60_000 }],
    });
    this.rest = new GenesysRestClient(
      this.options,
      tokens,
      limiter,
      this.clock,
      this.logger,
      this.metrics,
      this.timers.sleep,
      this.random,
    );
    this.directory = new GenesysDirectory(this.rest, this.logger);
    this.channels = new NotificationChannelManager(this.rest, this.clock, this.logger, this.metrics);
    this.restorer = new AdherenceRestorer(this.rest);
    this.coverage = new GenesysScheduleCoverageChecker(
      this.rest,
      this.directory,
      this.options,
      this.clock,
      this.logger,
      this.timers,
      (agentId) => this.lastByAgent.get(agentId),
    );
  }

  /**
   * Loads the directory (units, their adherence settings, activity codes, agents) once; `start` reuses it. Call it
   * first when the drift policy must be built from discovery before the stream starts. Rejects like `start`.
   */
  async discover(): Promise<void> {
    this.discovery ??= this.directory.load(this.options.managementUnitIds);
    await this.discovery;
  }

  /**
   * Discovers the directory, opens the channels and sockets, and starts delivering to `sink`. Rejects when discovery
   * fails (bad credentials, no readable unit); channel trouble after that is retried in the background.
   */
  async start(sink: GenesysObservationSink): Promise<void> {
    if (this.started) throw new Error('GenesysAdherenceClient.start called twice');
    this.started = true;
    this.sink = sink;
    await this.discover();
    const topics = this.buildTopics();
    const shards = shardTopics(topics, this.options.maxTopicsPerChannel);
    this.logger.info(
      { topics: topics.length, channels: shards.length },
      'Subscribing to Genesys notifications',
    );
    shards.forEach((shardTopicsList, index) => {
      const stream = new NotificationStream(
        `stream-${index}`,
        shardTopicsList,
        this.channels,
        this.options,
        {
          onConnected: (s) => void this.restore(s),
          onFrame: (frame, observedAt) => this.onFrame(frame, observedAt),
          onMalformed: (text) => this.logMalformed(text),
        },
        this.clock,
        this.logger.child({ stream: `stream-${index}` }),
        this.metrics,
        this.timers,
        this.random,
      );
      this.scopes.set(stream, scopeOf(shardTopicsList));
      this.streams.push(stream);
    });
    await Promise.all(this.streams.map((stream) => stream.start()));
    this.cancelMaintenance = this.timers.startInterval(() => {
      for (const stream of this.streams) void stream.maintain();
    }, this.options.maintenanceIntervalMs);
  }

  /** Closes every socket and timer; in-flight deliveries finish. */
  async stop(): Promise<void> {
    this.cancelMaintenance?.();
    this.cancelMaintenance = undefined;
    for (const stream of this.streams) stream.stop();
    await this.flush();
  }

  /** True when every channel's socket is open (for /readyz). */
  isStreaming(): boolean {
    return this.streams.length > 0 && this.streams.every((stream) => stream.isConnected());
  }

  /** True while a restore is running (events are being buffered). */
  isRestoring(): boolean {
    return this.restoring > 0;
  }

  /** Resolves when every observation handed over so far has been ingested (or failed). */
  async flush(): Promise<void> {
    while (this.chains.size > 0) await Promise.all([...this.chains.values()]);
  }

  /**
   * Fetches one unit's current adherence and hands it to the sink as `restore` observations, even those handed over
   * before: the sink may have dropped them while another instance owned the unit. Used when this instance takes a unit
   * over; events arriving meanwhile are held back and applied after it. Resolves once the sink has taken them all and
   * returns how many were handed over; rejects when Genesys cannot answer (the caller retries).
   */
  async restoreUnit(managementUnitId: string): Promise<number> {
    if (!this.sink) return 0;
    this.restoring++;
    let handedOver = 0;
    try {
      handedOver = this.applyRows(await this.fetchUnitRows(managementUnitId), managementUnitId, true);
    } finally {
      this.restoring--;
      this.releaseBuffered();
    }
    await this.flush();
    return handedOver;
  }

  /** The channel ids in use, one per stream (for logs and tests). */
  channelIds(): readonly (string | undefined)[] {
    return this.streams.map((stream) => stream.channelId());
  }

  private buildTopics(): string[] {
    const units = this.directory.listUnits();
    const topics: string[] = [];
    if (this.options.adherenceTopicScope === 'user') {
      for (const agent of this.directory.listAgents())
        topics.push(`v2.users.${agent.id}.workforcemanagement.adherence`);
    } else {
      for (const unit of units) topics.push(`${MU_TOPIC_PREFIX}${unit.id}.adherence`);
    }
    if (this.options.subscribeScheduleTopics) {
      const businessUnitIds = new Set<string>();
      for (const unit of units) {
        if (unit.businessUnitId) businessUnitIds.add(unit.businessUnitId);
        topics.push(`${MU_TOPIC_PREFIX}${unit.id}.agentschedules.changed`);
      }
      for (const businessUnitId of businessUnitIds)
        topics.push(`${BU_TOPIC_PREFIX}${businessUnitId}.schedules`);
    }
    if (this.options.scheduleSearchUserId)
      topics.push(`${SEARCH_TOPIC_PREFIX}${this.options.scheduleSearchUserId}.schedules.search`);
    return topics;
  }

  private onFrame(frame: { topicName: string } & Record<string, unknown>, observedAt: number): void {
    const topicName = frame.topicName;
    if (isAdherenceTopic(topicName)) {
      const malformedBefore = this.metrics.malformedFrames;
      const observation = mapAdherenceFrame(
        frame,
        observedAt,
        this.metrics,
        (agentId) => this.directory.getAgent(agentId)?.managementUnitId,
      );
      if (!observation) {
        if (this.metrics.malformedFrames > malformedBefore) this.logMalformed(JSON.stringify(frame));
        return;
      }
      this.metrics.eventsReceived++;
      const team = (frame.eventBody as { team?: { id?: unknown; name?: unknown } }).team;
      if (observation.teamId !== undefined)
        this.directory.noteTeam(
          observation.agentId,
          observation.teamId,
          typeof team?.name === 'string' ? team.name : undefined,
        );
      if (this.restoring > 0) this.buffered.push(observation);
      else this.deliver(observation);
      return;
    }
    if (topicName.startsWith(MU_TOPIC_PREFIX) && topicName.endsWith('.agentschedules.changed')) {
      const unitId = topicName.slice(
        MU_TOPIC_PREFIX.length,
        topicName.length - '.agentschedules.changed'.length,
      );
      const agents = (frame.eventBody as { agents?: Array<{ agentId?: unknown }> } | undefined)?.agents;
      if (Array.isArray(agents))
        this.coverage.invalidateAgents(
          agents.map((a) => a?.agentId).filter((id): id is string => typeof id === 'string'),
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
    if (topicName.startsWith(SEARCH_TOPIC_PREFIX) && topicName.endsWith('.schedules.search')) {
      this.coverage.onSearchNotification(frame.eventBody);
      return;
    }
    this.metrics.otherTopicFrames++;
  }

  private onBusinessUnitSchedule(businessUnitId: string, body: unknown): void {
    const b = body as
      | { status?: unknown; result?: { managementUnits?: Array<{ managementUnit?: { id?: unknown } }> } }
      | undefined;
    // A failed or cancelled job changed nothing. UNCONFIRMED how publishing shows up exactly, so any other status counts.
    if (b?.status === 'Error' || b?.status === 'Canceled') return;
    const named = (b?.result?.managementUnits ?? [])
      .map((entry) => entry?.managementUnit?.id)
      .filter((id): id is string => typeof id === 'string');
    const watched = this.directory
      .listUnits()
      .filter((unit) => unit.businessUnitId === businessUnitId)
      .map((unit) => unit.id);
    this.signalScheduleChange(named.length > 0 ? named.filter((id) => watched.includes(id)) : watched);
  }

  private signalScheduleChange(unitIds: readonly string[]): void {
    for (const unitId of unitIds) {
      if (!this.directory.getUnit(unitId)) continue;
      this.metrics.scheduleChangeSignals++;
      this.coverage.invalidateUnit(unitId);
      const onError = (error: unknown): void =>
        this.logger.warn(
          { managementUnitId: unitId, err: (error as Error)?.message },
          'signalScheduleChange failed',
        );
      try {
        void Promise.resolve(this.sink?.signalScheduleChange?.(unitId)).catch(onError);
      } catch (error) {
        onError(error);
      }
    }
  }

  private async restore(stream: NotificationStream): Promise<void> {
    const scope = this.scopes.get(stream);
    if (!scope) return;
    this.restoring++;
    const startedAt = this.clock.now();
    try {
      for (const unitId of scope.unitIds) this.applyRows(await this.fetchUnitRows(unitId), unitId);
      if (scope.userIds.length > 0) this.applyRows(await this.restorer.fetchUsers(scope.userIds), undefined);
      this.metrics.restores++;
    } catch (error) {
      this.metrics.restoreFailures++;
      this.logger.error(
        { err: (error as Error).message },
        'Adherence restore failed; continuing with events only',
      );
    } finally {
      const durationMs = this.clock.now() - startedAt;
      this.metrics.lastRestoreDurationMs = durationMs;
      this.metrics.totalRestoreDurationMs += durationMs;
      this.restoring--;
      this.releaseBuffered();
    }
  }

  private async fetchUnitRows(unitId: string): Promise<unknown[]> {
    try {
      return await this.restorer.fetchUnit(unitId);
    } catch (error) {
      // Fallback named in the brief: the per-user endpoint in batches of 100.
      this.logger.warn(
        { managementUnitId: unitId, err: (error as Error).message },
        'Unit adherence unavailable; restoring per agent',
      );
      return this.restorer.fetchUsers(this.directory.listAgentsOfUnit(unitId).map((agent) => agent.id));
    }
  }

  private releaseBuffered(): void {
    if (this.restoring > 0) return;
    const buffered = this.buffered;
    this.buffered = [];
    for (const observation of buffered) this.deliver(observation);
  }

  /** Maps and delivers snapshot rows; `force` skips the duplicate and stale checks (the sink judges them). */
  private applyRows(rows: readonly unknown[], unitId: string | undefined, force = false): number {
    const observedAt = this.clock.now();
    let delivered = 0;
    for (const row of rows) {
      const observation = mapAdherenceRow(row, observedAt, this.metrics, unitId ?? this.unitOfRow(row));
      if (!observation) continue;
      const team = (row as { team?: { name?: unknown } }).team;
      if (observation.teamId !== undefined)
        this.directory.noteTeam(
          observation.agentId,
          observation.teamId,
          typeof team?.name === 'string' ? team.name : undefined,
        );
      if (this.deliver(observation, force)) delivered++;
    }
    return delivered;
  }

  private unitOfRow(row: unknown): string | undefined {
    const id = (row as { id?: unknown } | undefined)?.id;
    return typeof id === 'string' ? this.directory.getAgent(id)?.managementUnitId : undefined;
  }

  private deliver(observation: AdherenceObservation, force = false): boolean {
    const sink = this.sink;
    if (!sink) return false;
    const agentId = observation.agentId;
    const last = this.lastByAgent.get(agentId);
    if (last && !observation.removedFromUnit && !force) {
      if (observation.adherenceChangedAt < last.adherenceChangedAt) {
        countIgnored(this.metrics, 'stale');
        return false;
      }
      if (isSameObservation(last, observation)) {
        countIgnored(this.metrics, 'duplicate');
        return false;
      }
    }
    // A forced (restore) row older than what the stream already gave must not become the dedupe reference.
    if (!(force && last && observation.adherenceChangedAt < last.adherenceChangedAt))
      this.lastByAgent.set(agentId, observation);
    const previous = this.chains.get(agentId) ?? Promise.resolve();
    const next: Promise<void> = previous
      .then(() => sink.ingest(observation))
      .then(
        () => {
          this.metrics.observationsDelivered++;
        },
        (error: unknown) => {
          countIgnored(this.metrics, 'sinkError');
          // Not ingested: forget it so a later restore offers it again.
          if (this.lastByAgent.get(agentId) === observation) this.lastByAgent.delete(agentId);
          this.logger.error({ agentId, err: (error as Error)?.message }, 'Observation sink failed');
        },
      )
      .finally(() => {
        if (this.chains.get(agentId) === next) this.chains.delete(agentId);
      });
    this.chains.set(agentId, next);
    return true;
  }

  private logMalformed(text: string): void {
    countIgnored(this.metrics, 'malformed');
    if (this.malformedLogged >= MALFORMED_LOG_LIMIT) return;
    this.malformedLogged++;
    // Frames carry no credentials, but keep logs small: the first 200 characters only.
    this.logger.warn(
      { sample: text.slice(0, 200), length: text.length, suppressedAfter: MALFORMED_LOG_LIMIT },
      'Malformed Genesys frame skipped',
    );
  }
}

function scopeOf(topics: readonly string[]): StreamScope {
  const unitIds: string[] = [];
  const userIds: string[] = [];
  for (const topic of topics) {
    if (topic.startsWith(MU_TOPIC_PREFIX) && topic.endsWith('.adherence'))
      unitIds.push(topic.slice(MU_TOPIC_PREFIX.length, topic.length - '.adherence'.length));
    else if (topic.startsWith('v2.users.') && topic.endsWith('.workforcemanagement.adherence'))
      userIds.push(topic.slice('v2.users.'.length, topic.length - '.workforcemanagement.adherence'.length));
  }
  return { unitIds, userIds };
}

/** Same state, same start, same activities: nothing new for the core. */
function isSameObservation(a: AdherenceObservation, b: AdherenceObservation): boolean {
  return (
    a.adherenceChangedAt === b.adherenceChangedAt &&
    a.adherenceState === b.adherenceState &&
    a.rawAdherenceState === b.rawAdherenceState &&
    a.actualActivityCategory === b.actualActivityCategory &&
    a.scheduledActivityCategory === b.scheduledActivityCategory &&
    a.scheduledActivityCodeId === b.scheduledActivityCodeId &&
    a.explanationStatus === b.explanationStatus &&
    a.systemPresence === b.systemPresence &&
    a.routingStatus === b.routingStatus &&
    a.managementUnitId === b.managementUnitId &&
    a.removedFromUnit === b.removedFromUnit
  );
}
