import assert from 'node:assert/strict';
import type { AlertChannelData } from '../../support/connector-notifier';
import { DriftWorkerProcess, startOwnerThenStandby } from '../../support/drift-worker-process';
import { onQueueAgents, startDrift, startDriftWorld, type DriftWorld } from '../../support/drift-world';

describe('Draining on SIGTERM with two worker processes on one Azurite and one simulator', function () {
  this.timeout(120_000);
  // So long that a takeover before it can only come from the drain's release, however busy the machine is.
  const LEASE_TTL_MS = 600_000;
  let world: DriftWorld;
  let a: DriftWorkerProcess;
  let b: DriftWorkerProcess;

  before(async () => {
    world = await startDriftWorld({ units: 2, agentsPerUnit: 10, seed: 22 });
    const env = { ...world.env, LEASE_TTL_MS: String(LEASE_TTL_MS) };
    a = new DriftWorkerProcess({ ...env, INSTANCE_ID: 'replica-a' });
    b = new DriftWorkerProcess({ ...env, INSTANCE_ID: 'replica-b' });
  });

  after(async () => {
    await a?.kill();
    await b?.kill();
    await world?.stop();
  });

  it('finishes the send on the wire, hands every unit to the other replica before any lease could expire, and exits 0', async () => {
    const units = world.sim.control.listUnits();
    await startOwnerThenStandby(a, b, units.length);
    const [first, second] = onQueueAgents(world.sim);
    assert.ok(first && second, 'two agents on queue');

    // Teams has accepted the first agent's nudge but not answered yet when SIGTERM arrives: a send on the wire.
    const onTheWire = world.recorder.holdNext((body) => {
      const alert = body.channelData as AlertChannelData | undefined;
      return alert?.agentId === first.id && alert.kind === 'nudge';
    });
    const firstStart = startDrift(world.sim, first.id);
    await onTheWire.arrived;
    // The second drift falls due only after the handover.
    const secondStart = startDrift(world.sim, second.id);
    const termAt = Date.now();
    a.signal('SIGTERM');
    await a.waitFor(() => a.current('draining: taking no new units').length === 1, 'A draining');
    onTheWire.release();
    const exit = await a.exit();
    await b.waitFor(
      () => b.current('management unit adopted').length === units.length,
      'B adopting every unit',
    );
    const lastAt = (worker: DriftWorkerProcess, msg: string): number =>
      Math.max(...worker.current(msg).map((line) => line.at));
    const acquiredMs = lastAt(b, 'lease acquired') - termAt;
    const adoptedMs = lastAt(b, 'management unit adopted') - termAt;
    const expected = [
      `${first.id}:${firstStart}|nudge|agent`,
      `${first.id}:${firstStart}|supervisorAlert|supervisorChannel`,
      `${second.id}:${secondStart}|nudge|agent`,
      `${second.id}:${secondStart}|supervisorAlert|supervisorChannel`,
    ];
    const ids = (): string[] => world.messages().map((m) => m.alert.alertId);
    await b.waitFor(() => ids().length >= expected.length, 'every alert delivered');
    await b.kill('SIGTERM');

    const drained = a.current('drained: units released')[0];
    const sentBy = (worker: DriftWorkerProcess): string[] =>
      worker.lines.filter((line) => line.msg === 'alert delivered').map((line) => String(line.alertId));
    console.log(
      `      drain: takeover ${acquiredMs} ms after SIGTERM (leases taken), ${adoptedMs} ms (units adopted: restored and re-armed); A drained in ${String(drained?.tookMs)} ms and exited ${String(exit.code)}`,
    );
    assert.deepEqual(exit, { code: 0, signal: null });
    assert.equal(drained?.isWorkFinished, true);
    // Taken by B before A's lease on it could have run out (A acquired it with LEASE_TTL_MS to live): the drain's
    // release handed it over, not the expiry. Instants are the workers' own clock readings, not the test's timing.
    for (const unit of units) {
      const acquiredBy = (worker: DriftWorkerProcess): number[] =>
        worker.lines
          .filter((line) => line.msg === 'lease acquired' && line.unitId === unit.id)
          .map((line) => Number(line.expiresAt) - LEASE_TTL_MS);
      const aFirstExpiry = Math.min(...acquiredBy(a)) + LEASE_TTL_MS;
      const bAcquiredAt = Math.min(...acquiredBy(b));
      assert.ok(
        bAcquiredAt < aFirstExpiry,
        `B took ${unit.id} at ${bAcquiredAt}, A's lease ran to ${aFirstExpiry}`,
      );
    }
    assert.deepEqual([...ids()].sort(), [...expected].sort(), 'each alert exactly once');
    assert.ok(sentBy(a).includes(expected[0]), 'A recorded the send that was on the wire');
    assert.deepEqual(
      sentBy(b).filter((id) => id === expected[0]),
      [],
      'B did not send it again',
    );
    assert.deepEqual(
      b.lines.filter((line) => line.msg === 'delivery outcome unknown after a stop'),
      [],
      'nothing was in doubt',
    );
  });
});
