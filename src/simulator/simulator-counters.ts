/** Running totals the control API reports. */
export interface SimulatorCounters {
  requests: number;
  rateLimited: number;
  injectedErrors: number;
  unauthorized: number;
  tokensIssued: number;
  socketsOpened: number;
  channelsCreated: number;
  channelsEvicted: number;
  channelsExpired: number;
  eventsPublished: number;
  framesSent: number;
}

/** A zeroed counter set. */
export function createCounters(): SimulatorCounters {
  return {
    requests: 0,
    rateLimited: 0,
    injectedErrors: 0,
    unauthorized: 0,
    tokensIssued: 0,
    socketsOpened: 0,
    channelsCreated: 0,
    channelsEvicted: 0,
    channelsExpired: 0,
    eventsPublished: 0,
    framesSent: 0,
  };
}
