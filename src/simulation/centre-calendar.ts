import type { Agent, ContactCentre } from '../simulator/contact-centre';

const MINUTE = 60_000;

/** Supervisor channel of each agent: consecutive agents of a unit in groups of `agentsPerSupervisor`. */
export function supervisorChannels(centre: ContactCentre, agentsPerSupervisor: number): Map<string, string> {
  const byUnit = new Map<string, Agent[]>();
  for (const agent of centre.agents) {
    const list = byUnit.get(agent.managementUnitId) ?? [];
    list.push(agent);
    byUnit.set(agent.managementUnitId, list);
  }
  const channelOf = new Map<string, string>();
  const size = Math.max(1, Math.round(agentsPerSupervisor));
  for (const [unitId, agents] of byUnit) {
    agents.forEach((agent, index) => channelOf.set(agent.id, `${unitId}:${Math.floor(index / size)}`));
  }
  return channelOf;
}

/** Hours each supervisor channel watches a working team: per day, from its first agent's shift start to its last's end. */
export function supervisorHours(centre: ContactCentre, channelOf: ReadonlyMap<string, string>): number {
  const spans = new Map<string, { from: number; to: number }>();
  for (const agent of centre.agents) {
    agent.shifts.forEach((shift, day) => {
      const key = `${channelOf.get(agent.id)}|${day}`;
      const end = shift.startAt + shift.lengthMinutes * MINUTE;
      const span = spans.get(key);
      if (span === undefined) spans.set(key, { from: shift.startAt, to: end });
      else spans.set(key, { from: Math.min(span.from, shift.startAt), to: Math.max(span.to, end) });
    });
  }
  let ms = 0;
  for (const span of spans.values()) ms += span.to - span.from;
  return ms / (60 * MINUTE);
}

/** Every instant an activity of the centre starts or ends, in order. */
export function boundaryInstants(centre: ContactCentre): number[] {
  const instants = new Set<number>();
  for (const agent of centre.agents) {
    for (const shift of agent.shifts) {
      for (const activity of shift.activities) {
        instants.add(activity.startAt);
        instants.add(activity.startAt + activity.lengthMinutes * MINUTE);
      }
    }
  }
  return [...instants].sort((a, b) => a - b);
}

/** When the centre's last shift ends. */
export function lastShiftEnd(centre: ContactCentre): number {
  let last = 0;
  for (const agent of centre.agents)
    for (const shift of agent.shifts) last = Math.max(last, shift.startAt + shift.lengthMinutes * MINUTE);
  return last;
}
