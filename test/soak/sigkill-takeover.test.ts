import assert from 'node:assert/strict';
import { DriftWorkerProcess, startOwnerThenStandby } from '../support/drift-worker-process';
import { eventually } from '../support/eventually';
import { onQueueAgents, startDrift, startDriftWorld, type DriftWorld } from '../support/drift-world';

/**
 * The owner of every unit dies by SIGKILL with two drifts under way: nothing releases its leases, so the standby
 * waits for them to run out (LEASE_TTL_MS) and then adopts the units. Asserts each alert arrived exactly once and from
 * the right replica; prints how long the takeover took after the kill.
 */
describe('Soak: SIGKILL of the owner with two worker processes on one Azurite and one simulator', function () {
  this.timeout(5 * 60_000);
  let world: DriftWorld;
  let a: DriftWorkerProcess;
  let b: DriftWorkerProcess;

  before(async () => {
    world = await startDriftWorld({ units: 2, agentsPerUnit: 10, seed: 21 });
    a = new DriftWorkerProcess({ ...world.env, INSTANCE_ID: 'replica-a' });
    b = new DriftWorkerProcess({ ...world.env, INSTANCE_ID: 'replica-b' });
  });

  after(async () => {
    await a?.kill();
    await b?.kill();
    await world?.stop();
  });

  it("alerts once while both run, and the survivor takes over a killed owner's units once their leases run out and delivers what fell due", async () => {
    const units = world.sim.control.listUnits();
    await startOwnerThenStandby(a, b, units.length);
    const [first, second, third] = onQueueAgents(world.sim);
    assert.ok(first && second && third, 'three agents on queue');
    const idsOf = (agentId: string, startedAt: number): string[] => [
      `${agentId}:${startedAt}|nudge|agent`,
      `${agentId}:${startedAt}|supervisorAlert|supervisorChannel`,
    ];
    const ids = (): string[] => world.messages().map((m) => m.alert.alertId);

    // Both instances stream every unit; only the owner (A) may alert.
    const firstStart = startDrift(world.sim, first.id);
    const firstIds = idsOf(first.id, firstStart);
    await a.waitFor(
      () => firstIds.every((id) => ids().includes(id)),
      "A's nudge and alert for the first drift",
    );
    // The owner dies with two drifts under way (stored, so the episode is A's); both fall due while nobody holds
    // the leases.
    const secondStart = startDrift(world.sim, second.id);
    const thirdStart = startDrift(world.sim, third.id);
    for (const [agent, startedAt] of [
      [second, secondStart],
      [third, thirdStart],
    ] as const)
      await eventually(
        `A storing the drift of ${agent.id}`,
        async () =>
          (await world.stores.driftState.get({ managementUnitId: agent.managementUnitId, agentId: agent.id }))
            ?.episode?.driftStartedAt === startedAt,
      );
    await a.kill();
    const killedAt = Date.now();
    await b.waitFor(
      () => b.current('management unit adopted').length === units.length,
      'B adopting every unit',
      120_000,
    );
    const takeoverMs = Math.max(...b.current('management unit adopted').map((line) => line.at)) - killedAt;
    const expected = [...firstIds, ...idsOf(second.id, secondStart), ...idsOf(third.id, thirdStart)];
    await b.waitFor(() => ids().length >= expected.length, 'every alert delivered');
    // A drain finishes (and records) whatever B still has on the wire, so a repeat would show now.
    b.signal('SIGTERM');
    await b.exit();

    const sentBy = (worker: DriftWorkerProcess): string[] =>
      worker.lines.filter((line) => line.msg === 'alert delivered').map((line) => String(line.alertId));
    console.log(
      `      replicas: takeover ${takeoverMs} ms after SIGKILL of the owner; ${ids().length} messages; A sent ${sentBy(a).length}, B sent ${sentBy(b).length}`,
    );
    assert.deepEqual([...ids()].sort(), [...expected].sort(), 'each alert exactly once');
    assert.deepEqual(sentBy(a).sort(), expected.slice(0, 2).sort());
    assert.deepEqual(sentBy(b).sort(), expected.slice(2).sort());
  });
});
