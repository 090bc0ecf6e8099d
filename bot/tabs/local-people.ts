import type { RunningSimulator } from '../../src/simulator/genesys-simulator';
import type { TeamAwareDirectory } from '../commands/watch-target-resolver';
import type { LocalPerson } from './tab-auth';
import { defaultLocalPeople } from './tab-services';

/** Local mode's people to choose from on the tab pages: the simulator's supervisors (when it runs here) and agents. */
export function localPeople(
  directory: TeamAwareDirectory,
  simulator: RunningSimulator | undefined,
): LocalPerson[] {
  const people = defaultLocalPeople(directory);
  if (!simulator) return people;
  const teams = simulator.control.listTeams();
  const supervisors: LocalPerson[] = simulator.control.listSupervisors().map((supervisor) => ({
    id: `supervisor:${supervisor.id}`,
    name: supervisor.name,
    email: supervisor.email,
    role: 'supervisor',
    detail:
      teams
        .filter((team) => team.supervisorId === supervisor.id)
        .map((team) => team.name)
        .join(', ') || supervisor.title,
  }));
  return [...supervisors, ...people.filter((person) => person.role === 'agent')];
}
