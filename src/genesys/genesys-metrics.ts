/** Counters the Genesys client keeps, incremented in place; the bot's /metrics renders them as they are. */
export interface GenesysMetrics {
  /** Frames received on all sockets, heartbeats included. */
  framesReceived: number;
  /** Adherence events mapped to observations. */
  eventsReceived: number;
  /** Observations handed to the sink (events and restores). */
  observationsDelivered: number;
  /** Frames or observations not delivered, by reason (`malformed`, `otherTopic`, `duplicate`, `stale`, `sinkError`, ...). */
  ignored: Record<string, number>;
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
  resubscriptions: number;
  topicsRejected: number;
  restores: number;
  restoreFailures: number;
  lastRestoreDurationMs: number;
  totalRestoreDurationMs: number;
  scheduleChangeSignals: number;
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
    ignored: {},
    unknownEnumValues: 0,
    missingFields: 0,
    malformedFrames: 0,
    otherTopicFrames: 0,
    heartbeats: 0,
    pingsSent: 0,
    reconnects: 0,
    socketClosingNotices: 0,
    channelsCreated: 0,
    resubscriptions: 0,
    topicsRejected: 0,
    restores: 0,
    restoreFailures: 0,
    lastRestoreDurationMs: 0,
    totalRestoreDurationMs: 0,
    scheduleChangeSignals: 0,
    restCalls: 0,
    rest429s: 0,
    rest5xxs: 0,
    restRetries: 0,
    restGiveUps: 0,
    tokenRequests: 0,
  };
}

/** Adds one to `metrics.ignored[reason]`. */
export function countIgnored(metrics: GenesysMetrics, reason: string): void {
  metrics.ignored[reason] = (metrics.ignored[reason] ?? 0) + 1;
}
