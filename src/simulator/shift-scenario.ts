import type { CancelTimer } from '../platform/timers';
import { activityFollowing, type AdherenceEngine, type AdherenceSnapshot } from './adherence-engine';
import type { ActivityCategory, Agent, ContactCentre, ScheduledActivity } from './contact-centre';
import { SeededRandom } from './seeded-random';
import type { SimulatorClock } from './simulator-clock';

const SECOND = 1000;
const MINUTE = 60 * SECOND;

interface Behaviour {
  readonly agent: Agent;
  readonly random: SeededRandom;
  pendingSwitch?: CancelTimer;
  callTimer?: CancelTimer;
  onCall: boolean;
  /** A transition waits for the current call to end (long call running into a break). */
  afterCall?: () => void;
}

/** What a {@link ShiftScenario} drives and how it changes the organisation. */
export interface ShiftScenarioOptions {
  readonly centre: ContactCentre;
  readonly engine: AdherenceEngine;
  readonly clock: SimulatorClock;
  readonly seed: number | string;
  /** Republishes a unit's schedule (a mass change) for some agents from `startAt`. */
  readonly republish: (managementUnitId: string, agentIds: string[], startAt: number) => void;
  /** Hires an agent into the unit (already tracked by the engine); returns them. */
  readonly hire?: (managementUnitId: string) => Agent;
  /** The agent files an explanation for the current stretch, approved by the supervisor. */
  readonly explain?: (agentId: string, asExplained: boolean) => AdherenceSnapshot;
}

/**
 * Drives agents through the day (the `shift` scenario): they follow the schedule with realistic slips — late
 * back from
 * break or lunch (sometimes explained, and the explanation approved), a long call running into a break (Positive
 * impact), status not changed, meeting overrun, late login, early logout — take calls while on queue
 * (the assumptions and their sources are the parameter table of src/simulation/outcome-parameters.ts), and a
 * new hire joins a unit mid-day (late for their first shift). Deterministic per
 * agent for a given seed.
 */
export class ShiftScenario {
  private readonly behaviours = new Map<string, Behaviour>();
  private readonly centre: ContactCentre;
  private readonly engine: AdherenceEngine;
  private readonly clock: SimulatorClock;
  private readonly seed: number | string;
  private cancelRepublish?: CancelTimer;
  private cancelHire?: CancelTimer;
  private stopped = false;

  constructor(private readonly options: ShiftScenarioOptions) {
    const { centre, engine, seed } = options;
    this.centre = centre;
    this.engine = engine;
    this.clock = options.clock;
    this.seed = seed;
    for (const agent of centre.agents) {
      const behaviour = this.track(agent);
      if (engine.get(agent.id)?.actual.systemPresence === 'OnQueue') this.scheduleNextCall(behaviour);
    }
    engine.onBoundary((agent, scheduled, previous) => this.onBoundary(agent, scheduled, previous));
    this.armRepublish(new SeededRandom(`${seed}:republish`));
    this.armHire(new SeededRandom(`${seed}:hire`));
  }

  /** Cancels every pending behaviour. */
  stop(): void {
    this.stopped = true;
    this.cancelRepublish?.();
    this.cancelHire?.();
    for (const b of this.behaviours.values()) {
      b.pendingSwitch?.();
      b.callTimer?.();
    }
  }

  private onBoundary(
    agent: Agent,
    scheduled: ScheduledActivity | undefined,
    previous: ScheduledActivity | undefined,
  ): void {
    const b = this.behaviours.get(agent.id);
    if (!b || this.stopped) return;
    const to = scheduled?.category;
    const from = previous?.category;
    if (to === from) return;
    b.pendingSwitch?.();
    b.afterCall = undefined;
    const r = b.random;
    let delayInMs = r.int(0, 60) * SECOND;
    // Cause mix of long episodes (a guess, as in outcome-parameters.ts `CAUSE_SHARE`): late back 35 %, late
    // login/early logout 15 %,
    // status not changed 15 %, meeting overrun 15 %, long call into a break 10 %.
    if (from === undefined && to !== undefined) {
      // Late login.
      if (r.chance(0.12)) delayInMs = r.lognormal(6 * MINUTE, 0.6);
    } else if ((from === 'Break' || from === 'Meal') && to === 'OnQueueWork') {
      if (r.chance(0.3)) {
        delayInMs = Math.min(25 * MINUTE, r.lognormal(from === 'Meal' ? 6 * MINUTE : 4 * MINUTE, 0.7));
        // Some late returns have a reason the supervisor accepts: the explanation is filed and approved meanwhile.
        if (delayInMs > 4 * MINUTE && r.chance(0.25)) this.explainLater(b, delayInMs / 2, r.chance(0.5));
      }
    } else if (from === 'Meeting' && r.chance(0.35)) {
      delayInMs = r.lognormal(7 * MINUTE, 0.5);
    } else if (from === 'OnQueueWork' && to !== undefined && r.chance(0.08)) {
      // Status not changed: the agent stays on queue into the break or meeting.
      delayInMs = r.lognormal(8 * MINUTE, 0.6);
    }
    const act = (): void => this.switchTo(b, to);
    if (from === 'OnQueueWork' && b.onCall) {
      // Long call running into the break: the agent switches only once the call ends (long contacts drive break
      // lateness: Klenke, "Setting an Adherence Goal", swpp.org/newsletter/on-target-summer-2025/).
      b.afterCall = () =>
        (b.pendingSwitch = this.clock.schedule(this.clock.now() + r.int(5, 45) * SECOND, act));
      return;
    }
    b.pendingSwitch = this.clock.schedule(this.clock.now() + Math.max(0, delayInMs), act);
  }

  private track(agent: Agent): Behaviour {
    const behaviour: Behaviour = {
      agent,
      random: new SeededRandom(`${this.seed}:behaviour:${agent.index}`),
      onCall: false,
    };
    this.behaviours.set(agent.id, behaviour);
    return behaviour;
  }

  private explainLater(b: Behaviour, afterMs: number, asExplained: boolean): void {
    const explain = this.options.explain;
    if (!explain) return;
    this.clock.schedule(this.clock.now() + afterMs, () => {
      if (this.stopped || this.engine.get(b.agent.id)?.adherenceState !== 'OutOfAdherence') return;
      explain(b.agent.id, asExplained);
    });
  }

  private armHire(random: SeededRandom): void {
    const hire = this.options.hire;
    if (!hire || this.centre.managementUnits.length === 0) return;
    // A new hire joins a unit 2-5 simulated hours into the day, and logs in late for a shift that began 15 min ago.
    this.cancelHire = this.clock.schedule(this.clock.now() + random.int(120, 300) * MINUTE, () => {
      if (this.stopped) return;
      const agent = hire(random.pick(this.centre.managementUnits).id);
      const b = this.track(agent);
      b.pendingSwitch = this.clock.schedule(this.clock.now() + random.int(3, 12) * MINUTE, () => {
        const scheduled = this.engine.get(agent.id)?.scheduled;
        this.switchTo(b, scheduled?.category);
      });
    });
  }

  private switchTo(b: Behaviour, category: ActivityCategory | undefined): void {
    if (this.stopped) return;
    b.callTimer?.();
    b.onCall = false;
    const actual = activityFollowing(category, this.clock.now());
    this.engine.setActivity(b.agent.id, {
      systemPresence: actual.systemPresence,
      routingStatus: actual.routingStatus,
    });
    if (actual.systemPresence === 'OnQueue') this.scheduleNextCall(b);
    this.maybeLeaveEarly(b);
  }

  private maybeLeaveEarly(b: Behaviour): void {
    const now = this.clock.now();
    const shift = b.agent.shifts.find((s) => s.startAt <= now && now < s.startAt + s.lengthMinutes * MINUTE);
    if (!shift) return;
    const last = shift.activities[shift.activities.length - 1];
    const endAt = shift.startAt + shift.lengthMinutes * MINUTE;
    if (!last || now < last.startAt || now > endAt - 20 * MINUTE) return;
    // Early logout (with late login 15 %, as in outcome-parameters.ts `CAUSE_SHARE`): leave 5-20 min before the
    // shift ends.
    if (b.random.chance(0.1)) {
      b.pendingSwitch = this.clock.schedule(endAt - b.random.int(5, 20) * MINUTE, () => {
        b.callTimer?.();
        b.onCall = false;
        this.engine.setActivity(b.agent.id, { systemPresence: 'Offline', routingStatus: 'OFFLINE' });
      });
    }
  }

  private scheduleNextCall(b: Behaviour): void {
    // Occupancy about 0.75 with AHT about 6 min, lognormal handle times (Brown et al., JASA 2005; occupancy
    // average 70.6 %, opsdog.com/products/occupancy-rate).
    const idleInMs = Math.max(5 * SECOND, b.random.lognormal(1.5 * MINUTE, 0.8));
    b.callTimer = this.clock.schedule(this.clock.now() + idleInMs, () => {
      if (this.engine.get(b.agent.id)?.actual.systemPresence !== 'OnQueue') return;
      b.onCall = true;
      this.engine.setActivity(b.agent.id, { routingStatus: 'INTERACTING' });
      const handleInMs = Math.max(30 * SECOND, b.random.lognormal(5 * MINUTE, 0.6));
      b.callTimer = this.clock.schedule(this.clock.now() + handleInMs, () => {
        b.onCall = false;
        const after = b.afterCall;
        b.afterCall = undefined;
        if (this.engine.get(b.agent.id)?.actual.systemPresence === 'OnQueue')
          this.engine.setActivity(b.agent.id, { routingStatus: 'IDLE' });
        if (after) after();
        else this.scheduleNextCall(b);
      });
    });
  }

  private armRepublish(random: SeededRandom): void {
    // Occasional mass republish: every 60-150 simulated minutes one unit gets a 15-30 min meeting from now.
    this.cancelRepublish = this.clock.schedule(this.clock.now() + random.int(60, 150) * MINUTE, () => {
      if (this.stopped) return;
      const unit = random.pick(this.centre.managementUnits);
      const now = this.clock.now();
      const agentIds = this.centre.agents
        .filter((a) => a.managementUnitId === unit.id && random.chance(0.6))
        .map((a) => a.id);
      if (agentIds.length > 0) this.options.republish(unit.id, agentIds, now + random.int(1, 5) * MINUTE);
      this.armRepublish(random);
    });
  }
}
