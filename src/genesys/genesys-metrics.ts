/** Counters the Genesys client keeps, incremented in place; the bot's /metrics renders them as they are. */
export interface GenesysMetrics {
  /** Frames received on all sockets, heartbeats included. */
  framesReceived: number;
  /** Adherence events mapped to observations. */
  eventsReceived: number;
  /** Observations handed to the sink (events and restores). */
  observationsDelivered: number;
  /**
   * Frames and observations not applied, by reason: the client's (`malformedNotJson`, `malformedNoAgentId`, ...,
   * `sinkError`) and the drift core's (`stale`, `duplicate`, `changeTimeTooOld`, `superseded`), which the monitor adds
   * here. Rendered as `genesys_events_ignored_total{key="<reason>"}`.
   */
  eventsIgnoredTotal: Record<string, number>;
  /** Observations applied with a corrected value, by reason (`changeTimeInFuture`), added by the monitor. */
  eventsClampedTotal: Record<string, number>;
  /** Unknown enum values and missing fields tolerated by the mapper. */
  unknownEnumValues: number;
  missingFields: number;
  /** Frames that were not valid JSON or not a usable adherence event. */
  malformedFrames: number;
  /** Well-formed frames of topics the mapper does not handle. */
  otherTopicFrames: number;
  heartbeats: number;
  pingsSent: number;
  reconnects: number;
  socketClosingNotices: number;
  channelsCreated: number;
  /** Channels replaced ahead of their token's expiry (new channel live and restored before the old one retired). */
  channelRollovers: number;
  resubscriptions: number;
  topicsRejected: number;
  restores: number;
  restoreFailures: number;
  lastRestoreDurationMs: number;
  totalRestoreDurationMs: number;
  scheduleChangeSignals: number;
  /** Agents looked up because an event named an agent the directory did not know, and lookups that failed. */
  agentLookups: number;
  agentLookupFailures: number;
  /** Periodic directory refreshes done and failed; units found and gone since start. */
  directoryRefreshes: number;
  directoryRefreshFailures: number;
  unitsAdded: number;
  unitsRemoved: number;
  /** Schedule searches Genesys answered asynchronously, and those whose answer did not come in time. */
  asyncScheduleSearches: number;
  asyncScheduleSearchTimeouts: number;
  restCalls: number;
  rest429s: number;
  rest5xxs: number;
  restRetries: number;
  restGiveUps: number;
  tokenRequests: number;
}

/** A fresh set of zeroed counters. */
export function createGenesysMetrics(): GenesysMetrics {
  return {
    framesReceived: 0,
    eventsReceived: 0,
    observationsDelivered: 0,
    eventsIgnoredTotal: {},
    eventsClampedTotal: {},
    unknownEnumValues: 0,
    missingFields: 0,
    malformedFrames: 0,
    otherTopicFrames: 0,
    heartbeats: 0,
    pingsSent: 0,
    reconnects: 0,
    socketClosingNotices: 0,
    channelsCreated: 0,
    channelRollovers: 0,
    resubscriptions: 0,
    topicsRejected: 0,
    restores: 0,
    restoreFailures: 0,
    lastRestoreDurationMs: 0,
    totalRestoreDurationMs: 0,
    scheduleChangeSignals: 0,
    agentLookups: 0,
    agentLookupFailures: 0,
    directoryRefreshes: 0,
    directoryRefreshFailures: 0,
    unitsAdded: 0,
    unitsRemoved: 0,
    asyncScheduleSearches: 0,
    asyncScheduleSearchTimeouts: 0,
    restCalls: 0,
    rest429s: 0,
    rest5xxs: 0,
    restRetries: 0,
    restGiveUps: 0,
    tokenRequests: 0,
  };
}

/** Adds one to `metrics.eventsIgnoredTotal[reason]`. */
export function countIgnored(metrics: GenesysMetrics, reason: string): void {
  metrics.eventsIgnoredTotal[reason] = (metrics.eventsIgnoredTotal[reason] ?? 0) + 1;
}
