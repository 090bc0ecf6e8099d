import { SeededRandom } from './seeded-random';

/**
 * Activity categories as Genesys WFM names them (MyPureCloud/platform-client-sdk-python
 * build/PureCloudPlatformClientV2/models/activity_code.py, `category`; adherence adds `Unscheduled`).
 */
export type ActivityCategory =
  'OnQueueWork' | 'Break' | 'Meal' | 'Meeting' | 'OffQueueWork' | 'TimeOff' | 'Training' | 'Unavailable';

/**
 * System presences Genesys reports (the `systemPresence` enum of `UserScheduleAdherence`,
 * MyPureCloud/platform-client-sdk-javascript build/index.d.ts).
 */
export const SYSTEM_PRESENCES = [
  'Available',
  'Away',
  'Busy',
  'Offline',
  'Idle',
  'OnQueue',
  'Meal',
  'Training',
  'Meeting',
  'Break',
] as const;

/** A Genesys system presence. */
export type SystemPresence = (typeof SYSTEM_PRESENCES)[number];

/** A business-unit activity code (subset of `BusinessUnitActivityCode`). */
export interface ActivityCode {
  readonly id: string;
  readonly name: string;
  readonly category: ActivityCategory;
  readonly isDefault: boolean;
  readonly lengthInMinutes: number;
  readonly countsAsPaidTime: boolean;
  readonly countsAsWorkTime: boolean;
  readonly secondaryPresenceIds: readonly string[];
}

/** A WFM business unit with its activity codes. */
export interface BusinessUnit {
  readonly id: string;
  readonly name: string;
  readonly timeZone: string;
  readonly activityCodes: readonly ActivityCode[];
}

/**
 * Adherence settings of a management unit (`settings.adherence`, MyPureCloud/platform-client-sdk-javascript
 * build/docs/WorkforceManagementApi.md).
 */
export interface AdherenceSettings {
  readonly severeAlertThresholdMinutes: number;
  readonly adherenceTargetPercent: number;
  readonly adherenceExceptionThresholdSeconds: number;
  readonly nonOnQueueActivitiesEquivalent: boolean;
  readonly trackOnQueueActivity: boolean;
  readonly ignoredActivityCategories: readonly ActivityCategory[];
  readonly ignoredActivityCodeIds: readonly string[];
}

/** A WFM management unit. */
export interface ManagementUnit {
  readonly id: string;
  readonly name: string;
  readonly businessUnitId: string;
  readonly timeZone: string;
  readonly adherence: AdherenceSettings;
}

/** A work team inside one management unit, led (by configuration, not by Genesys) by one supervisor. */
export interface WorkTeam {
  readonly id: string;
  readonly name: string;
  readonly managementUnitId: string;
  readonly supervisorId: string;
}

/** A Genesys user (agent or supervisor). */
export interface Person {
  readonly id: string;
  readonly name: string;
  readonly email: string;
  readonly title: string;
  readonly department: string;
  readonly managerId?: string;
  readonly state: 'active' | 'inactive';
}

/** One scheduled activity inside a shift; instants are epoch ms. */
export interface ScheduledActivity {
  startAt: number;
  lengthMinutes: number;
  activityCodeId: string;
  category: ActivityCategory;
  description: string;
  paid: boolean;
}

/** A published shift of one agent. */
export interface Shift {
  readonly id: string;
  startAt: number;
  lengthMinutes: number;
  activities: ScheduledActivity[];
  readonly scheduleId: string;
  readonly weekDate: string;
  manuallyEdited: boolean;
}

/** A WFM agent: a user in a management unit and a work team, with a published schedule. */
export interface Agent extends Person {
  readonly index: number;
  readonly managementUnitId: string;
  readonly businessUnitId: string;
  readonly teamId: string;
  readonly managerId: string;
  readonly shifts: Shift[];
  readonly activeQueueIds: readonly string[];
}

/** The whole simulated organisation, deterministic from the seed and start instant. */
export interface ContactCentre {
  readonly organizationId: string;
  readonly divisionId: string;
  readonly businessUnits: readonly BusinessUnit[];
  readonly managementUnits: readonly ManagementUnit[];
  readonly teams: readonly WorkTeam[];
  readonly supervisors: readonly Person[];
  readonly agents: readonly Agent[];
  /** Agents taken out of their unit while running: still Genesys users, no longer WFM agents of any watched unit. */
  readonly formerAgents: readonly Person[];
  /** Organisation secondary-presence ids by system presence. */
  readonly presenceIds: Readonly<Record<SystemPresence, string>>;
  readonly queueIds: readonly string[];
}

/** Sizing and seed for {@link buildContactCentre}. */
export interface ContactCentreOptions {
  readonly seed: number | string;
  readonly units: number;
  readonly agentsPerUnit: number;
  /** Simulator start instant (epoch ms); shifts of the day are laid out around it. */
  readonly startAt: number;
  /** Names and emails for the first agents, in unit order. */
  readonly agentIdentities?: readonly { readonly name: string; readonly email: string }[];
}

/** First names people are drawn from. */
export const FIRST_NAMES = [
  'Amara',
  'Ben',
  'Chloe',
  'Dev',
  'Elena',
  'Farid',
  'Grace',
  'Hugo',
  'Ines',
  'Jonas',
  'Keira',
  'Luca',
  'Maya',
  'Nikhil',
  'Olivia',
  'Pavel',
  'Quinn',
  'Rosa',
  'Sami',
  'Tara',
  'Umar',
  'Vera',
  'Wes',
  'Yara',
  'Zoe',
  'Aidan',
  'Bianca',
  'Carlos',
  'Dana',
  'Emil',
];
/** Last names people are drawn from. */
export const LAST_NAMES = [
  'Adams',
  'Bauer',
  'Costa',
  'Dubois',
  'Evans',
  'Fischer',
  'Garcia',
  'Hansen',
  'Ito',
  'Jensen',
  'Khan',
  'Larsen',
  'Moreau',
  'Novak',
  'Okafor',
  'Patel',
  'Quist',
  'Rossi',
  'Silva',
  'Tanaka',
  'Ueda',
  'Varga',
  'Walsh',
  'Xu',
  'Young',
  'Zeller',
];
const TIME_ZONES = ['Europe/London', 'America/Chicago', 'America/New_York', 'Europe/Berlin'];
const UNIT_NAMES = [
  'Billing',
  'Technical Support',
  'Sales',
  'Retention',
  'Claims',
  'Onboarding',
  'Collections',
  'Priority Care',
];
const MINUTE = 60_000;

/** Default activity codes Genesys creates per business unit, plus a few custom ones. */
const CODE_TEMPLATES: ReadonlyArray<Omit<ActivityCode, 'id' | 'secondaryPresenceIds'>> = [
  {
    name: 'On Queue Work',
    category: 'OnQueueWork',
    isDefault: true,
    lengthInMinutes: 60,
    countsAsPaidTime: true,
    countsAsWorkTime: true,
  },
  {
    name: 'Break',
    category: 'Break',
    isDefault: true,
    lengthInMinutes: 15,
    countsAsPaidTime: true,
    countsAsWorkTime: false,
  },
  {
    name: 'Meal',
    category: 'Meal',
    isDefault: true,
    lengthInMinutes: 30,
    countsAsPaidTime: false,
    countsAsWorkTime: false,
  },
  {
    name: 'Meeting',
    category: 'Meeting',
    isDefault: true,
    lengthInMinutes: 30,
    countsAsPaidTime: true,
    countsAsWorkTime: true,
  },
  {
    name: 'Off Queue Work',
    category: 'OffQueueWork',
    isDefault: true,
    lengthInMinutes: 30,
    countsAsPaidTime: true,
    countsAsWorkTime: true,
  },
  {
    name: 'Time Off',
    category: 'TimeOff',
    isDefault: true,
    lengthInMinutes: 480,
    countsAsPaidTime: true,
    countsAsWorkTime: false,
  },
  {
    name: 'Training',
    category: 'Training',
    isDefault: true,
    lengthInMinutes: 60,
    countsAsPaidTime: true,
    countsAsWorkTime: true,
  },
  {
    name: 'Unavailable',
    category: 'Unavailable',
    isDefault: true,
    lengthInMinutes: 30,
    countsAsPaidTime: false,
    countsAsWorkTime: false,
  },
  // Genesys has no overtime flag (none in MyPureCloud/platform-client-sdk-javascript build/index.d.ts):
  // overtime exists only as a custom code named by convention.
  {
    name: 'Overtime',
    category: 'OnQueueWork',
    isDefault: false,
    lengthInMinutes: 60,
    countsAsPaidTime: true,
    countsAsWorkTime: true,
  },
  {
    name: 'Team Meeting',
    category: 'Meeting',
    isDefault: false,
    lengthInMinutes: 30,
    countsAsPaidTime: true,
    countsAsWorkTime: true,
  },
  {
    name: 'Project Work',
    category: 'OffQueueWork',
    isDefault: false,
    lengthInMinutes: 30,
    countsAsPaidTime: true,
    countsAsWorkTime: true,
  },
];

const PRESENCE_OF_CATEGORY: Partial<Record<ActivityCategory, SystemPresence>> = {
  Break: 'Break',
  Meal: 'Meal',
  Meeting: 'Meeting',
  Training: 'Training',
  OnQueueWork: 'OnQueue',
};

/** Builds the organisation deterministically from `seed` (ids, names, units, teams) and `startAt` (shift times). */
export function buildContactCentre(options: ContactCentreOptions): ContactCentre {
  const random = new SeededRandom(options.seed);
  const organizationId = random.uuid();
  const divisionId = random.uuid();
  const presenceIds = Object.fromEntries(SYSTEM_PRESENCES.map((p) => [p, random.uuid()])) as Record<
    SystemPresence,
    string
  >;
  const queueIds = [random.uuid(), random.uuid(), random.uuid()];
  const unitCount = Math.max(1, Math.floor(options.units));
  const businessUnitCount = Math.max(1, Math.ceil(unitCount / 3));
  const usedEmails = new Set<string>();
  const makePerson = (title: string, department: string, managerId?: string): Person => {
    const first = random.pick(FIRST_NAMES);
    const last = random.pick(LAST_NAMES);
    let email = `${first}.${last}@contoso.example`.toLowerCase();
    for (let n = 2; usedEmails.has(email); n++) email = `${first}.${last}${n}@contoso.example`.toLowerCase();
    usedEmails.add(email);
    return {
      id: random.uuid(),
      name: `${first} ${last}`,
      email,
      title,
      department,
      managerId,
      state: 'active',
    };
  };

  const businessUnits: BusinessUnit[] = [];
  for (let b = 0; b < businessUnitCount; b++) {
    const activityCodes = CODE_TEMPLATES.map((template) => {
      const presence = PRESENCE_OF_CATEGORY[template.category];
      return {
        ...template,
        id: random.uuid(),
        secondaryPresenceIds: presence ? [presenceIds[presence]] : [],
      };
    });
    businessUnits.push({
      id: random.uuid(),
      name: `Contoso ${b === 0 ? 'Europe' : `Region ${b + 1}`}`,
      timeZone: TIME_ZONES[b % TIME_ZONES.length]!,
      activityCodes,
    });
  }

  const managementUnits: ManagementUnit[] = [];
  const teams: WorkTeam[] = [];
  const supervisors: Person[] = [];
  const agents: Agent[] = [];
  const headOfOperations = makePerson('Head of Operations', 'Operations');
  supervisors.push(headOfOperations);
  const startOfSlot = Math.floor(options.startAt / (15 * MINUTE)) * 15 * MINUTE;

  for (let u = 0; u < unitCount; u++) {
    const businessUnit = businessUnits[u % businessUnitCount]!;
    const code = (name: string): ActivityCode => businessUnit.activityCodes.find((c) => c.name === name)!;
    const unitName =
      UNIT_NAMES[u % UNIT_NAMES.length]! +
      (u >= UNIT_NAMES.length ? ` ${Math.floor(u / UNIT_NAMES.length) + 1}` : '');
    const unit: ManagementUnit = {
      id: random.uuid(),
      name: unitName,
      businessUnitId: businessUnit.id,
      timeZone: businessUnit.timeZone,
      adherence: {
        // Severe highlight defaults to 5 min (help.mypurecloud.com/articles/configure-historical-adherence/);
        // the exception threshold is the 15-min formal line.
        severeAlertThresholdMinutes: 5,
        adherenceTargetPercent: 90,
        adherenceExceptionThresholdSeconds: 900,
        nonOnQueueActivitiesEquivalent: false,
        trackOnQueueActivity: true,
        ignoredActivityCategories: ['Training'],
        ignoredActivityCodeIds: [code('Project Work').id],
      },
    };
    managementUnits.push(unit);
    const teamCount = Math.max(1, Math.ceil(options.agentsPerUnit / 12));
    const unitTeams: WorkTeam[] = [];
    for (let t = 0; t < teamCount; t++) {
      const supervisor = makePerson('Team Supervisor', unitName, headOfOperations.id);
      supervisors.push(supervisor);
      const team: WorkTeam = {
        id: random.uuid(),
        name: `${unitName} Tier ${t + 1}`,
        managementUnitId: unit.id,
        supervisorId: supervisor.id,
      };
      teams.push(team);
      unitTeams.push(team);
    }
    for (let a = 0; a < options.agentsPerUnit; a++) {
      const team = unitTeams[a % unitTeams.length]!;
      const generated = makePerson('Customer Service Agent', unitName, team.supervisorId);
      // Named identities (e.g. the Agents Playground's mock users) take the first agent slots, so a local demo
      // links them.
      const identity = options.agentIdentities?.[agents.length];
      const person = identity
        ? { ...generated, name: identity.name, email: identity.email.toLowerCase() }
        : generated;
      const shiftRandom = random.fork(`shift:${u}:${a}`);
      const shiftStartAt =
        startOfSlot + shiftRandom.pick([-150, -120, -90, -60, -30, 0, 15, 30, 45, 60]) * MINUTE;
      const scheduleId = new SeededRandom(`${businessUnit.id}:${weekDateOf(shiftStartAt)}`).uuid();
      const shift = buildShift(shiftRandom, shiftStartAt, code, random.uuid(), scheduleId);
      agents.push({
        ...person,
        managerId: team.supervisorId,
        index: agents.length,
        managementUnitId: unit.id,
        businessUnitId: businessUnit.id,
        teamId: team.id,
        shifts: [shift],
        activeQueueIds: [queueIds[u % queueIds.length]!],
      });
    }
  }
  return {
    organizationId,
    divisionId,
    businessUnits,
    managementUnits,
    teams,
    supervisors,
    agents,
    formerAgents: [],
    presenceIds,
    queueIds,
  };
}

/** Monday (UTC) of the week containing `at`, as `YYYY-MM-DD` (Genesys `weekDate`). */
export function weekDateOf(at: number): string {
  const day = new Date(at);
  const dayOfWeek = (day.getUTCDay() + 6) % 7;
  return new Date(Date.UTC(day.getUTCFullYear(), day.getUTCMonth(), day.getUTCDate() - dayOfWeek))
    .toISOString()
    .slice(0, 10);
}

/**
 * A 480-minute shift: two 15-min breaks, a 30-min unpaid meal, sometimes a team meeting or project work (two
 * 15-min breaks per 8 h is typical:
 * searchcustomerexperience.techtarget.com/answer/What-is-an-acceptable-amount-of-call-center-break-time).
 */
export function buildShift(
  random: SeededRandom,
  startAt: number,
  code: (name: string) => ActivityCode,
  id: string,
  scheduleId: string,
): Shift {
  const jitter = (): number => random.pick([-15, 0, 15]);
  const blocks: Array<{ offset: number; length: number; code: ActivityCode }> = [
    { offset: 120 + jitter(), length: 15, code: code('Break') },
    { offset: 240 + jitter(), length: 30, code: code('Meal') },
    { offset: 360 + jitter(), length: 15, code: code('Break') },
  ];
  if (random.chance(0.3)) blocks.push({ offset: 180, length: 30, code: code('Team Meeting') });
  if (random.chance(0.15)) blocks.push({ offset: 300, length: 30, code: code('Project Work') });
  blocks.sort((x, y) => x.offset - y.offset);
  const activities: ScheduledActivity[] = [];
  const onQueue = code('On Queue Work');
  let cursor = 0;
  const push = (offset: number, length: number, c: ActivityCode): void => {
    activities.push({
      startAt: startAt + offset * MINUTE,
      lengthMinutes: length,
      activityCodeId: c.id,
      category: c.category,
      description: '',
      paid: c.countsAsPaidTime,
    });
  };
  for (const block of blocks) {
    if (block.offset > cursor) push(cursor, block.offset - cursor, onQueue);
    push(block.offset, block.length, block.code);
    cursor = block.offset + block.length;
  }
  if (cursor < 480) push(cursor, 480 - cursor, onQueue);
  return {
    id,
    startAt,
    lengthMinutes: 480,
    activities,
    scheduleId,
    weekDate: weekDateOf(startAt),
    manuallyEdited: false,
  };
}
