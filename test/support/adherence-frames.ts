import { SeededRandom } from '../../src/simulator/seeded-random';

/** Options of {@link generateAdherenceFrames}. */
export interface AdherenceFrameOptions {
  /** Frames to produce. */
  readonly count: number;
  /** Distinct agents the frames are spread over. */
  readonly agents: number;
  /** Agents per management unit (default 500). */
  readonly agentsPerUnit?: number;
  /** Instant of the first frame, epoch ms (default 2026-08-20T08:00:00Z). */
  readonly startAt?: number;
  /** Mean gap between frames in ms (default 5). */
  readonly meanGapMs?: number;
  readonly seed?: number | string;
}

/** A generated notification frame: its JSON text as Genesys sends it and the facts a test may check. */
export interface GeneratedFrame {
  readonly json: string;
  readonly agentId: string;
  readonly managementUnitId: string;
  readonly adherenceState: string;
  readonly adherenceChangedAt: number;
  /** When the frame "arrives". */
  readonly at: number;
}

const CATEGORIES = ['OnQueueWork', 'Break', 'Meal', 'Meeting', 'OffQueueWork', 'Training'] as const;
const PRESENCES = ['Available', 'Away', 'Busy', 'OnQueue', 'Meal', 'Break', 'Meeting', 'Idle'] as const;
const ROUTING = ['IDLE', 'INTERACTING', 'OFF_QUEUE', 'COMMUNICATING', 'NOT_RESPONDING'] as const;

/** A deterministic id in the UUID shape Genesys uses (ids are opaque strings). */
function fakeGuid(kind: number, index: number): string {
  const hex = (index >>> 0).toString(16).padStart(12, '0');
  return `${kind.toString(16).padStart(8, '0')}-0000-4000-8000-${hex}`;
}

/** Agent id number `index` as the generator spells it. */
function agentIdOf(index: number): string {
  return fakeGuid(0xa6e47, index);
}

/** Management unit id of agent `index`. */
function unitIdOf(index: number, agentsPerUnit = 500): string {
  return fakeGuid(0x3a17, Math.floor(index / agentsPerUnit));
}

/**
 * Realistic real-time adherence frames: the full envelope of `v2.workforcemanagement.managementunits.{id}.adherence`
 * (shaped as MyPureCloud/platform-client-sdk-javascript build/index.d.ts
 * `WfmUserScheduleAdherenceUpdatedMuTopicUserScheduleAdherenceUpdate`, about 1.2 KB each), in arrival order,
 * with each agent moving between adherence states
 * (mostly in adherence, sometimes out, unscheduled or explained) and `adherenceChangeTime` moving only on a change.
 * Deterministic for a seed.
 */
export function generateAdherenceFrames(options: AdherenceFrameOptions): GeneratedFrame[] {
  return [...streamAdherenceFrames(options)];
}

/** The frames of {@link generateAdherenceFrames} one at a time, so millions can be written without holding them. */
export function* streamAdherenceFrames(options: AdherenceFrameOptions): Generator<GeneratedFrame> {
  const random = new SeededRandom(options.seed ?? 'adherence-frames');
  const agentsPerUnit = options.agentsPerUnit ?? 500;
  const meanGapMs = options.meanGapMs ?? 5;
  const states: { adherence: string; changedAt: number; category: string }[] = [];
  let at = options.startAt ?? Date.parse('2026-08-20T08:00:00.000Z');
  for (let i = 0; i < options.count; i++) {
    at += Math.max(0, Math.round(random.lognormal(meanGapMs * 0.8, 0.6)));
    const agent = random.int(0, options.agents - 1);
    const previous = states[agent] ?? {
      adherence: 'InAdherence',
      changedAt: at - random.int(0, 3_600_000),
      category: 'OnQueueWork',
    };
    // About a third of the frames change the adherence state; the rest are presence/routing changes within it.
    const changes = random.chance(0.35);
    const adherence = changes ? nextState(previous.adherence, random) : previous.adherence;
    const changedAt =
      changes && adherence !== previous.adherence ? at - random.int(5, 400) : previous.changedAt;
    const category = random.chance(0.1) ? random.pick(CATEGORIES) : previous.category;
    states[agent] = { adherence, changedAt, category };
    const json = buildAdherenceFrame({
      agent,
      agentsPerUnit,
      adherenceState: adherence,
      adherenceChangedAt: changedAt,
      at,
      category,
      sequence: i,
      random,
    });
    const agentId = agentIdOf(agent);
    const managementUnitId = unitIdOf(agent, agentsPerUnit);
    yield {
      json,
      agentId,
      managementUnitId,
      adherenceState: adherence,
      adherenceChangedAt: changedAt,
      at,
    };
  }
}

/** What one frame says; {@link buildAdherenceFrame} fills the rest with plausible values drawn from `random`. */
export interface AdherenceFrameFacts {
  readonly agent: number;
  readonly agentsPerUnit?: number;
  readonly adherenceState: string;
  readonly adherenceChangedAt: number;
  /** Arrival instant; presence and reminder times are drawn around it. */
  readonly at: number;
  readonly category?: string;
  /** Makes the correlation id unique. */
  readonly sequence: number;
  readonly random: SeededRandom;
}

/** The JSON text of one full adherence notification frame (MU topic envelope) for agent number `agent`. */
export function buildAdherenceFrame(facts: AdherenceFrameFacts): string {
  const { agent, adherenceState, adherenceChangedAt, at, sequence, random } = facts;
  const agentsPerUnit = facts.agentsPerUnit ?? 500;
  const category = facts.category ?? 'OnQueueWork';
  const agentId = agentIdOf(agent);
  const managementUnitId = unitIdOf(agent, agentsPerUnit);
  const frame = {
    topicName: `v2.workforcemanagement.managementunits.${managementUnitId}.adherence`,
    version: '2',
    eventBody: {
      user: { id: agentId },
      managementUnitId,
      businessUnitId: fakeGuid(0xb0, Math.floor(agent / (agentsPerUnit * 10))),
      team: {
        id: fakeGuid(0x7ea, Math.floor(agent / 12)),
        name: `Billing Tier ${1 + (Math.floor(agent / 12) % 40)}`,
      },
      scheduledActivityCategory: category,
      scheduledActivityCode: {
        id: fakeGuid(0xac, CATEGORIES.indexOf(category as (typeof CATEGORIES)[number])),
        secondaryPresences: [],
      },
      systemPresence: random.pick(PRESENCES),
      organizationSecondaryPresenceId: fakeGuid(0x5ec, random.int(0, 30)),
      routingStatus: random.pick(ROUTING),
      actualActivityCategory: adherenceState === 'InAdherence' ? category : random.pick(CATEGORIES),
      isOutOfOffice: false,
      adherenceState,
      impact:
        adherenceState === 'OutOfAdherence'
          ? 'Negative'
          : adherenceState === 'InAdherence'
            ? 'Positive'
            : 'Neutral',
      ...(adherenceState === 'Explained'
        ? {
            adherenceExplanation: {
              id: fakeGuid(0xe1, sequence),
              startDate: new Date(adherenceChangedAt).toISOString(),
              lengthMinutes: 15,
              status: 'Approved',
            },
          }
        : {}),
      adherenceChangeTime: new Date(adherenceChangedAt).toISOString(),
      presenceUpdateTime: new Date(at - random.int(1, 200)).toISOString(),
      activeQueues: [{ id: fakeGuid(0xc0, agent % 25) }, { id: fakeGuid(0xc0, 25 + (agent % 7)) }],
      activeQueuesModifiedTime: new Date(at - random.int(60_000, 7_200_000)).toISOString(),
      removedFromManagementUnit: false,
      suppressOnTimeReminder: false,
      nextActivityReminders: [
        {
          activityCategory: random.pick(CATEGORIES),
          startDate: new Date(at + random.int(60_000, 7_200_000)).toISOString(),
        },
      ],
    },
    metadata: { CorrelationId: fakeGuid(0xc022, sequence) },
  };
  return JSON.stringify(frame);
}

function nextState(current: string, random: SeededRandom): string {
  if (current !== 'InAdherence') return random.chance(0.85) ? 'InAdherence' : 'OutOfAdherence';
  const roll = random.next();
  if (roll < 0.75) return 'OutOfAdherence';
  if (roll < 0.9) return 'Unscheduled';
  if (roll < 0.97) return 'Explained';
  return 'Unknown';
}
