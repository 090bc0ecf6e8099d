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
  /** Channels closed because the token that created them expired or was revoked. */
  channelsClosedWithToken: number;
  /** Schedule searches answered `Processing` (the result followed on a notification, unless withheld). */
  asyncScheduleSearches: number;
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
    channelsClosedWithToken: 0,
    asyncScheduleSearches: 0,
    eventsPublished: 0,
    framesSent: 0,
  };
}
