import assert from 'node:assert/strict';
import { DriftWorkerProcess, startOwnerThenStandby } from '../support/drift-worker-process';
import {
  WORLD_THRESHOLDS,
  onQueueAgents,
  startDrift,
  startDriftWorld,
  type DriftWorld,
} from '../support/drift-world';

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Rounds of the soak: `SOAK_ROUNDS` (default 10), one SIGTERM each. */
const ROUNDS = Number(process.env.SOAK_ROUNDS ?? '10');

/**
 * A rolling upgrade, over and over: two worker processes on one Azurite and one simulator; each round an agent starts
 * drifting, the replica owning every unit gets SIGTERM at a random point of the drift, the other takes over, and the
 * stopped one starts again as the standby. Prints the takeover times; asserts every nudge and alert arrived exactly
 * once, nothing was in doubt, and every stop exited 0.
 */
describe('Soak: rolling restarts by SIGTERM with two worker processes', function () {
  this.timeout(30 * 60_000);
  let world: DriftWorld;
  let workers: DriftWorkerProcess[];

  before(async () => {
    world = await startDriftWorld({ units: 2, agentsPerUnit: 15, seed: 31 });
    workers = ['replica-a', 'replica-b'].map(
      (id) => new DriftWorkerProcess({ ...world.env, INSTANCE_ID: id, LEASE_TTL_MS: '600000' }),
    );
  });

  after(async () => {
    for (const worker of workers ?? []) await worker.kill();
    await world?.stop();
  });

  it('hands every unit over at each SIGTERM, exits 0 each time, and delivers each alert exactly once', async () => {
    const units = world.sim.control.listUnits().length;
    const agents = onQueueAgents(world.sim).slice(0, ROUNDS);
    assert.ok(agents.length > 0, 'agents on queue');
    let [owner, standby] = workers as [DriftWorkerProcess, DriftWorkerProcess];
    await startOwnerThenStandby(owner, standby, units);

    const expected: string[] = [];
    const takeovers: number[] = [];
    const exits: (number | null)[] = [];
    for (const agent of agents) {
      const startedAt = startDrift(world.sim, agent.id);
      expected.push(
        `${agent.id}:${startedAt}|nudge|agent`,
        `${agent.id}:${startedAt}|supervisorAlert|supervisorChannel`,
      );
      // SIGTERM lands anywhere in the drift: before, around or after the nudge and the supervisor alert.
      await sleep(Math.floor(Math.random() * (WORLD_THRESHOLDS.supervisorAfterMs + 1_000)));
      const termAt = Date.now();
      owner.signal('SIGTERM');
      exits.push((await owner.exit()).code);
      const next = standby;
      await next.waitFor(
        () => next.current('management unit adopted').length === units,
        'takeover by the standby',
        60_000,
      );
      takeovers.push(Math.max(...next.current('management unit adopted').map((line) => line.at)) - termAt);
      owner.start();
      const restarted = owner;
      await restarted.waitFor(() => restarted.current('drift worker started').length === 1, 'restart');
      [owner, standby] = [next, restarted];
    }
    const ids = (): string[] => world.messages().map((m) => m.alert.alertId);
    await owner.waitFor(() => ids().length >= expected.length, 'every alert delivered', 60_000);

    const sorted = [...takeovers].sort((x, y) => x - y);
    const inDoubt = workers.flatMap((w) =>
      w.lines.filter((l) => l.msg === 'delivery outcome unknown after a stop'),
    );
    console.log(
      `      soak: ${agents.length} SIGTERMs; takeover (units adopted) median ${sorted[Math.floor(sorted.length / 2)]} ms, max ${sorted.at(-1)} ms, all ${takeovers.join(' ')}; ${ids().length} messages; in doubt ${inDoubt.length}`,
    );
    assert.deepEqual(
      exits,
      agents.map(() => 0),
    );
    assert.deepEqual([...ids()].sort(), [...expected].sort(), 'each alert exactly once');
    assert.equal(inDoubt.length, 0);
  });
});
