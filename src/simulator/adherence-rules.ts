import type {
  ActivityCategory,
  Agent,
  ManagementUnit,
  ScheduledActivity,
  SystemPresence,
} from './contact-centre';

/** Routing statuses of the adherence topic (MyPureCloud/platform-client-sdk-javascript build/index.d.ts). */
export type RoutingStatus =
  '__EMPTY__' | 'OFF_QUEUE' | 'IDLE' | 'INTERACTING' | 'NOT_RESPONDING' | 'COMMUNICATING' | 'OFFLINE';

/**
 * Adherence states Genesys sends (SDK build/index.d.ts, `adherenceState`); `Explained` only after {@link
 * AdherenceEngine.explain}.
 */
export type SimulatedAdherenceState =
  'InAdherence' | 'OutOfAdherence' | 'Unscheduled' | 'Ignored' | 'Explained';

/** An adherence explanation an agent filed (Genesys `adherenceExplanation`), covering the current stretch. */
export interface SimulatedExplanation {
  readonly id: string;
  readonly status: 'Pending' | 'Approved' | 'Denied';
  readonly startAt: number;
  readonly lengthMinutes: number;
  /**
   * Genesys shows the approved stretch as `Explained` (same adherenceChangeTime) rather than only on the
   * explanation.
   */
  readonly asExplained: boolean;
}

/** What an agent is actually doing. */
export interface ActualActivity {
  readonly systemPresence: SystemPresence;
  readonly routingStatus: RoutingStatus;
  /** Activity category Genesys derives from presence and routing status. */
  readonly actualActivityCategory: ActivityCategory | 'Unscheduled';
  readonly presenceUpdateAt: number;
}

/** A change to an agent's actual activity; omitted fields are derived from the others. */
export interface ActivityUpdate {
  readonly systemPresence?: SystemPresence;
  readonly routingStatus?: RoutingStatus;
  readonly actualActivityCategory?: ActivityCategory | 'Unscheduled';
  /** true: the agent goes back to following the schedule on its own (idle scenario). */
  readonly followSchedule?: boolean;
  /** Genesys `isOutOfOffice`: the agent is marked out of office (adherence is computed as usual). */
  readonly isOutOfOffice?: boolean;
  /**
   * When the change happened (epoch ms), if earlier than now: Genesys dates a state from when it began, so a change
   * that happened while nobody listened (e.g. before a client restarted) carries that instant. Not before the agent's
   * current adherenceChangeTime; ignored with `followSchedule`. Default now.
   */
  readonly since?: number;
}

/** An agent's current real-time adherence, free of wire format; instants are epoch ms. */
export interface AdherenceSnapshot {
  readonly agent: Agent;
  readonly unit: ManagementUnit;
  readonly scheduled?: ScheduledActivity;
  readonly actual: ActualActivity;
  readonly adherenceState: SimulatedAdherenceState;
  readonly impact: 'Positive' | 'Negative' | 'Neutral';
  readonly adherenceChangedAt: number;
  readonly nextActivity?: ScheduledActivity;
  readonly isOutOfOffice: boolean;
  /** The explanation of the current out-of-adherence stretch, if one was filed; gone when the state changes. */
  readonly explanation?: SimulatedExplanation;
}

/** Called for each adherence-relevant change of one agent. */
export type AdherenceListener = (snapshot: AdherenceSnapshot, previous: AdherenceSnapshot) => void;

/** Called when an agent's scheduled activity changes (a boundary passed or the schedule was republished). */
export type BoundaryListener = (
  agent: Agent,
  scheduled: ScheduledActivity | undefined,
  previous: ScheduledActivity | undefined,
) => void;

/**
 * Presence → actual category. UNCONFIRMED: Genesys maps presences through org configuration; these defaults
 * follow the forum sample (Available + IDLE → OffQueueWork,
 * developer.genesys.cloud/forum/t/real-time-adherence-data-by-agent/22920).
 */
export function categoryOfPresence(presence: SystemPresence): ActivityCategory | 'Unscheduled' {
  switch (presence) {
    case 'OnQueue':
      return 'OnQueueWork';
    case 'Break':
    case 'Meal':
    case 'Meeting':
    case 'Training':
      return presence;
    case 'Away':
      return 'Unavailable';
    case 'Offline':
      // UNCONFIRMED: an offline agent is reported with no working category; we use `Unscheduled`.
      return 'Unscheduled';
    default:
      return 'OffQueueWork';
  }
}

/** The actual activity an agent who follows its schedule shows for `category` (undefined = not scheduled). */
export function activityFollowing(category: ActivityCategory | undefined, at: number): ActualActivity {
  const presence: SystemPresence =
    category === undefined || category === 'TimeOff'
      ? 'Offline'
      : category === 'OnQueueWork'
        ? 'OnQueue'
        : category === 'OffQueueWork'
          ? 'Available'
          : category === 'Unavailable'
            ? 'Away'
            : category;
  const routingStatus: RoutingStatus =
    presence === 'Offline' ? 'OFFLINE' : presence === 'OnQueue' ? 'IDLE' : 'OFF_QUEUE';
  return {
    systemPresence: presence,
    routingStatus,
    actualActivityCategory: categoryOfPresence(presence),
    presenceUpdateAt: at,
  };
}

/**
 * Computes adherence from scheduled vs actual activity (pure).
 * UNCONFIRMED rules where the Genesys documentation is silent: no scheduled activity + offline is InAdherence, no
 * scheduled activity + online is Unscheduled (forum sample, impact Neutral); out of adherence while on queue is
 * Positive impact.
 */
export function computeAdherence(
  unit: ManagementUnit,
  scheduled: ScheduledActivity | undefined,
  actual: ActualActivity,
): Pick<AdherenceSnapshot, 'adherenceState' | 'impact'> {
  const offline = actual.systemPresence === 'Offline';
  if (!scheduled) return { adherenceState: offline ? 'InAdherence' : 'Unscheduled', impact: 'Neutral' };
  const settings = unit.adherence;
  if (
    settings.ignoredActivityCategories.includes(scheduled.category) ||
    settings.ignoredActivityCodeIds.includes(scheduled.activityCodeId)
  ) {
    return { adherenceState: 'Ignored', impact: 'Neutral' };
  }
  const actualCategory = actual.actualActivityCategory;
  const matches =
    scheduled.category === actualCategory ||
    (scheduled.category === 'TimeOff' && offline) ||
    (settings.nonOnQueueActivitiesEquivalent &&
      !offline &&
      scheduled.category !== 'OnQueueWork' &&
      actualCategory !== 'OnQueueWork');
  if (matches) return { adherenceState: 'InAdherence', impact: 'Neutral' };
  return {
    adherenceState: 'OutOfAdherence',
    impact: actualCategory === 'OnQueueWork' ? 'Positive' : 'Negative',
  };
}

/** The activity of `agent` scheduled at instant `at`, if any. */
export function scheduledActivityAt(agent: Agent, at: number): ScheduledActivity | undefined {
  for (const shift of agent.shifts) {
    for (const activity of shift.activities) {
      if (activity.startAt <= at && at < activity.startAt + activity.lengthMinutes * 60_000) return activity;
    }
  }
  return undefined;
}

/** The first activity of `agent` that starts after `at`. */
export function nextActivityAfter(agent: Agent, at: number): ScheduledActivity | undefined {
  let best: ScheduledActivity | undefined;
  for (const shift of agent.shifts) {
    for (const activity of shift.activities) {
      if (activity.startAt > at && (!best || activity.startAt < best.startAt)) best = activity;
    }
  }
  return best;
}

/** The first start or end of an activity of `agent` after `at`. */
export function nextBoundaryAfter(agent: Agent, at: number): number | undefined {
  let best: number | undefined;
  for (const shift of agent.shifts) {
    for (const activity of shift.activities) {
      for (const edge of [activity.startAt, activity.startAt + activity.lengthMinutes * 60_000]) {
        if (edge > at && (best === undefined || edge < best)) best = edge;
      }
    }
  }
  return best;
}
