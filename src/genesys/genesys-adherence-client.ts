import type { AgentProfileSnapshot } from '../app/ports/agent-directory';
import type { Clock } from '../platform/clock';
import type { Logger } from '../platform/logger';
import { RateLimiter } from '../platform/rate-limiter';
import type { CancelTimer } from '../platform/timers';
import { AdherenceIntake, type GenesysObservationSink } from './adherence-intake';
import { AdherenceRestorer } from './adherence-restorer';
import {
  resolveGenesysClientOptions,
  type GenesysClientOptions,
  type ResolvedGenesysClientOptions,
} from './genesys-client-options';
import type { FrameRecording } from './frame-recorder';
import { GenesysDirectory, type DirectoryChanges } from './genesys-directory';
import { createGenesysMetrics, type GenesysMetrics } from './genesys-metrics';
import { GenesysRestClient } from './genesys-rest-client';
import { GenesysScheduleCoverageChecker } from './genesys-schedule-coverage-checker';
import { platformTimers, type GenesysTimers } from './genesys-timers';
import { GenesysTokenProvider } from './genesys-token-provider';
import { NotificationChannelManager } from './notification-channel-manager';
import { NotificationStream } from './notification-stream';
import { shardTopics } from './shard-topics';
import { buildTopics, planTopics, restoreScopeOf, scheduleSearchTopicOf } from './subscription-topics';
import { describeError } from '../platform/describe-error';

export type { GenesysObservationSink } from './adherence-intake';

/** What the client needs from its surroundings. */
export interface GenesysClientRuntimeOptions {
  readonly clock: Clock;
  readonly logger: Logger;
  /** Real-time timers; defaults to src/platform/timers. */
  readonly timers?: GenesysTimers;
  /** Jitter source in [0, 1). */
  readonly random?: () => number;
  /** The agent profiles as last read (the directory reads from Genesys only the agents it has none of). */
  readonly profileSnapshot?: AgentProfileSnapshot;
  /** GENESYS_RECORD_DIR: frames and restore rows are also recorded here (src/genesys/frame-recorder.ts). */
  readonly recorder?: FrameRecording;
}

/**
 * The Genesys Cloud real-time adherence client: discovers units and agents (and refreshes them periodically), subscribes
 * one adherence topic per unit (or per agent) on as many notification channels as needed, keeps the sockets alive,
 * rolls each channel over to a new one when the token is renewed, restores current adherence after every (re)connect
 * before applying the events that arrived meanwhile, and hands observations to the sink in arrival order. Whether an
 * observation is stale, a duplicate or mis-dated is the drift core's judgement, not the client's.
 */
export class GenesysAdherenceClient {
  readonly metrics: GenesysMetrics = createGenesysMetrics();
  readonly rest: GenesysRestClient;
  readonly directory: GenesysDirectory;
  readonly coverage: GenesysScheduleCoverageChecker;
  private discovery: Promise<void> | undefined;
  private readonly options: ResolvedGenesysClientOptions;
  private readonly clock: Clock;
  private readonly logger: Logger;
  private readonly timers: GenesysTimers;
  private readonly random: () => number;
  private readonly tokens: GenesysTokenProvider;
  private readonly channels: NotificationChannelManager;
  readonly restorer: AdherenceRestorer;
  private readonly intake: AdherenceIntake;
  private readonly streams: NotificationStream[] = [];
  private readonly unitsListeners: Array<(changes: DirectoryChanges) => void | Promise<void>> = [];
  private cancelMaintenance: CancelTimer | undefined;
  private cancelRefresh: CancelTimer | undefined;
  private refreshing: Promise<DirectoryChanges | undefined> | undefined;
  private started = false;
  private stopped = false;

  constructor(options: GenesysClientOptions, dependencies: GenesysClientRuntimeOptions) {
    this.options = resolveGenesysClientOptions(options);
    this.clock = dependencies.clock;
    this.logger = dependencies.logger.child({ component: 'genesys' });
    this.timers = dependencies.timers ?? platformTimers;
    this.random = dependencies.random ?? Math.random;
    this.tokens = new GenesysTokenProvider({
      ...this.options,
      clock: this.clock,
      logger: this.logger,
      metrics: this.metrics,
      sleep: this.timers.sleep,
      random: this.random,
    });
    const limiter = new RateLimiter({
      clock: this.clock,
      windows: [{ limit: this.options.requestsPerMinute, windowMs: 60_000 }],
    });
    this.rest = new GenesysRestClient({
      ...this.options,
      tokens: this.tokens,
      limiter,
      clock: this.clock,
      logger: this.logger,
      metrics: this.metrics,
      sleep: this.timers.sleep,
      random: this.random,
    });
    this.directory = new GenesysDirectory({
      rest: this.rest,
      logger: this.logger,
      metrics: this.metrics,
      clock: this.clock,
      snapshot: dependencies.profileSnapshot,
    });
    this.channels = new NotificationChannelManager({
      rest: this.rest,
      clock: this.clock,
      logger: this.logger,
      metrics: this.metrics,
    });

    this.coverage = new GenesysScheduleCoverageChecker({
      ...this.options,
      rest: this.rest,
      directory: this.directory,
      metrics: this.metrics,
      clock: this.clock,
      logger: this.logger,
      timers: this.timers,
    });
    this.intake = new AdherenceIntake({
      directory: this.directory,
      coverage: this.coverage,
      metrics: this.metrics,
      logger: this.logger,
      recorder: dependencies.recorder,
    });
    this.restorer = new AdherenceRestorer({
      rest: this.rest,
      intake: this.intake,
      directory: this.directory,
      clock: this.clock,
      logger: this.logger,
      metrics: this.metrics,
    });
    this.tokens.onRenewed((generation) => {
      for (const stream of this.streams) void stream.rollover(generation);
    });
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
    this.intake.connect(sink);
    await this.discover();
    const topics = buildTopics(this.directory, this.options);
    const shards = shardTopics(topics, this.options.maxTopicsPerChannel);
    this.logger.info(
      { topics: topics.length, channels: shards.length },
      'Subscribing to Genesys notifications',
    );
    for (const shard of shards) this.addStream(shard);
    await Promise.all(this.streams.map((stream) => stream.start()));
    this.cancelMaintenance = this.timers.startInterval(() => {
      // Renewing the token ahead of expiry rolls every channel over to a new one (see NotificationStream.rollover).
      void this.tokens.renewIfDue();
      for (const stream of this.streams) void stream.maintain();
    }, this.options.maintenanceIntervalInMs);
    if (this.options.directoryRefreshIntervalInMs > 0) {
      this.cancelRefresh = this.timers.startInterval(
        () => void this.refreshDirectory(),
        this.options.directoryRefreshIntervalInMs,
      );
    }
  }

  /** Closes every socket and timer; in-flight deliveries finish. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.cancelMaintenance?.();
    this.cancelMaintenance = undefined;
    this.cancelRefresh?.();
    this.cancelRefresh = undefined;
    for (const stream of this.streams) stream.stop();
    await this.refreshing;
    await this.flush();
  }

  /** True when every channel's socket is open (for /readyz). */
  isStreaming(): boolean {
    return this.streams.length > 0 && this.streams.every((stream) => stream.isConnected());
  }

  /** True while a restore is running (events are being buffered). */
  isRestoring(): boolean {
    return this.intake.isRestoring();
  }

  /** Resolves when every observation handed over so far has been ingested (or failed). */
  async flush(): Promise<void> {
    await this.intake.flush();
  }

  /** Called after each directory refresh that found units appearing or vanishing (their topics already changed). */
  onUnitsChanged(listener: (changes: DirectoryChanges) => void | Promise<void>): void {
    this.unitsListeners.push(listener);
  }

  /**
   * Reads the directory again (the periodic refresh, also callable at will): agents hired or moved since are found;
   * without `GENESYS_MANAGEMENT_UNIT_IDS`, units that appeared are subscribed and units that vanished are unsubscribed,
   * then `onUnitsChanged` listeners run. Resolves with what changed, or undefined when Genesys could not be read.
   */
  refreshDirectory(): Promise<DirectoryChanges | undefined> {
    this.refreshing ??= this.runRefresh().finally(() => {
      this.refreshing = undefined;
    });
    return this.refreshing;
  }

  /**
   * Fetches one unit's current adherence and hands it to the sink as `restore` observations. Used when this instance
   * takes a unit over; events arriving meanwhile are held back and applied after it. Resolves once the sink has taken
   * them all and returns how many were handed over; rejects when Genesys cannot answer (the caller retries).
   */
  async restoreUnit(managementUnitId: string): Promise<number> {
    this.intake.beginRestore();
    let handedOver = 0;
    try {
      const rows = await this.restorer.fetchUnitRows(managementUnitId);
      handedOver = this.intake.acceptRows(rows, this.clock.now(), managementUnitId);
    } finally {
      this.intake.endRestore();
    }
    await this.flush();
    return handedOver;
  }

  /** The channel ids in use, one per stream (for logs and tests). */
  channelIds(): readonly (string | undefined)[] {
    return this.streams.map((stream) => stream.channelId());
  }

  /** The topic on which Genesys announces that an asynchronous management-unit schedule search completed. */
  scheduleSearchTopic(): string {
    return scheduleSearchTopicOf(this.options);
  }

  private addStream(topics: readonly string[]): NotificationStream {
    const index = this.streams.length;
    const stream = new NotificationStream({
      ...this.options,
      name: `stream-${index}`,
      topics,
      channels: this.channels,
      handlers: {
        onConnected: (s) => this.restorer.restore(restoreScopeOf(s.topics)),
        onFrame: (frame, observedAt) => this.intake.acceptFrame(frame, observedAt),
        onMalformed: (text, reason) => this.intake.rejectText(text, reason),
      },
      clock: this.clock,
      logger: this.logger.child({ stream: `stream-${index}` }),
      metrics: this.metrics,
      timers: this.timers,
      random: this.random,
      tokenGeneration: () => this.tokens.generation,
    });
    this.streams.push(stream);
    return stream;
  }

  private async runRefresh(): Promise<DirectoryChanges | undefined> {
    if (this.stopped) return undefined;
    let changes: DirectoryChanges;
    try {
      changes = await this.directory.refresh(this.options.managementUnitIds);
    } catch (error) {
      this.metrics.directoryRefreshFailures++;
      this.logger.warn({ err: describeError(error) }, 'Genesys directory refresh failed; will retry');
      return undefined;
    }
    const hasUnitChanges = changes.addedUnitIds.length > 0 || changes.removedUnitIds.length > 0;
    if (!this.stopped && (hasUnitChanges || this.options.adherenceTopicScope === 'user'))
      await this.updateTopics();
    if (hasUnitChanges) {
      for (const listener of this.unitsListeners) {
        try {
          await listener(changes);
        } catch (error) {
          this.logger.error({ err: describeError(error) }, 'Handling changed units failed');
        }
      }
    }
    return changes;
  }

  /** Brings every stream's topics in line with the directory: gone topics dropped, new ones added where there is room. */
  private async updateTopics(): Promise<void> {
    if (!this.started) return;
    const wanted = buildTopics(this.directory, this.options);
    const max = this.options.maxTopicsPerChannel;
    const { lists, fresh } = planTopics(
      this.streams.map((stream) => stream.topics),
      wanted,
      max,
    );
    const updates: Promise<void>[] = [];
    this.streams.forEach((stream, index) => {
      const list = lists[index];
      if (list.length === stream.topics.length && list.every((topic, i) => stream.topics[i] === topic))
        return;
      updates.push(
        stream
          .setTopics(list)
          .catch((error: unknown) =>
            this.logger.warn(
              { stream: stream.name, err: describeError(error) },
              'Could not change the subscribed topics; the next re-subscription retries',
            ),
          ),
      );
    });
    for (const shard of shardTopics(fresh, max)) updates.push(this.addStream(shard).start());
    await Promise.all(updates);
    this.logger.info(
      { topics: wanted.length, channels: this.streams.length },
      'Genesys subscriptions updated',
    );
  }
}
