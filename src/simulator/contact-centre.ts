import {
  SYSTEM_PRESENCES,
  type ActivityCategory,
  type ActivityCode,
  type Agent,
  type BusinessUnit,
  type ContactCentre,
  type ManagementUnit,
  type Person,
  type SystemPresence,
  type WorkTeam,
} from './contact-centre-model';
import { FIRST_NAMES, LAST_NAMES } from './people-names';
import { SeededRandom } from './seeded-random';
import { buildShift, weekDateOf } from './shift-layout';

export * from './contact-centre-model';
export { FIRST_NAMES, LAST_NAMES } from './people-names';
export { buildShift, weekDateOf } from './shift-layout';

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
      timeZone: TIME_ZONES[b % TIME_ZONES.length],
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
    const businessUnit = businessUnits[u % businessUnitCount];
    const code = (name: string): ActivityCode => businessUnit.activityCodes.find((c) => c.name === name)!;
    const unitName =
      UNIT_NAMES[u % UNIT_NAMES.length] +
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
      const team = unitTeams[a % unitTeams.length];
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
        activeQueueIds: [queueIds[u % queueIds.length]],
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
