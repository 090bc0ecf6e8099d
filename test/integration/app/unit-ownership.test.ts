import assert from 'node:assert/strict';
import type { AlertChannelData } from '../../support/connector-notifier';
import { DriftWorkerProcess } from '../../support/drift-worker-process';
import {
  WORLD_THRESHOLDS,
  onQueueAgents,
  startDrift,
  startDriftWorld,
  type DriftWorld,
} from '../../support/drift-world';

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

describe('UnitOwnership with two worker processes on one Azurite and one simulator', function () {
  this.timeout(120_000);
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

  it("alerts once while both run, and the survivor takes over a killed owner's units within 30 s and delivers what fell due", async () => {
    const units = world.sim.control.listUnits();
    a.start();
    await a.waitFor(
      () => a.current('management unit adopted').length === units.length,
      'A adopting every unit',
    );
    b.start();
    await b.waitFor(() => b.current('drift worker started').length === 1, 'B started');
    const [first, second, third] = onQueueAgents(world.sim);
    assert.ok(first && second && third, 'three agents on queue');

    // Both instances stream every unit; only the owner (A) may alert.
    const firstStart = startDrift(world.sim, first.id);
    await sleep(WORLD_THRESHOLDS.supervisorAfterMs + 1_500);
    // The owner dies with two drifts under way; both fall due while nobody holds the leases.
    const secondStart = startDrift(world.sim, second.id);
    const thirdStart = startDrift(world.sim, third.id);
    await sleep(500);
    await a.kill();
    const killedAt = Date.now();
    await b.waitFor(
      () => b.current('management unit adopted').length === units.length,
      'B adopting every unit',
      45_000,
    );
    const takeoverMs = Math.max(...b.current('management unit adopted').map((line) => line.at)) - killedAt;
    await sleep(2_000);
    await b.kill('SIGTERM');

    const ids = world.messages().map((m) => m.alert.alertId);
    const expected = [firstStart, secondStart, thirdStart].flatMap((startedAt, index) => {
      const agentId = [first, second, third][index]!.id;
      return [
        `${agentId}:${startedAt}|nudge|agent`,
        `${agentId}:${startedAt}|supervisorAlert|supervisorChannel`,
      ];
    });
    const sentBy = (worker: DriftWorkerProcess): string[] =>
      worker.lines.filter((line) => line.msg === 'alert delivered').map((line) => String(line.alertId));
    console.log(
      `      replicas: takeover ${takeoverMs} ms after SIGKILL of the owner; ${ids.length} messages; A sent ${sentBy(a).length}, B sent ${sentBy(b).length}`,
    );
    assert.deepEqual([...ids].sort(), [...expected].sort());
    assert.deepEqual(sentBy(a).sort(), expected.slice(0, 2).sort());
    assert.deepEqual(sentBy(b).sort(), expected.slice(2).sort());
    assert.ok(takeoverMs <= 30_000, `takeover took ${takeoverMs} ms`);
  });
});

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
    a.start();
    await a.waitFor(
      () => a.current('management unit adopted').length === units.length,
      'A adopting every unit',
    );
    b.start();
    await b.waitFor(() => b.current('drift worker started').length === 1, 'B started');
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
    await b.waitFor(() => ids().length >= expected.length, 'every alert delivered', 30_000);
    await b.kill('SIGTERM');

    const drained = a.current('drained: units released')[0];
    const sentBy = (worker: DriftWorkerProcess): string[] =>
      worker.lines.filter((line) => line.msg === 'alert delivered').map((line) => String(line.alertId));
    console.log(
      `      drain: takeover ${acquiredMs} ms after SIGTERM (leases taken), ${adoptedMs} ms (units adopted: restored and re-armed); A drained in ${String(drained?.tookMs)} ms and exited ${String(exit.code)}`,
    );
    assert.deepEqual(exit, { code: 0, signal: null });
    assert.equal(drained?.isWorkFinished, true);
    assert.ok(adoptedMs < LEASE_TTL_MS, `adopted ${adoptedMs} ms after SIGTERM`);
    assert.deepEqual([...ids()].sort(), [...expected].sort(), 'each alert exactly once');
    assert.ok(sentBy(a).includes(expected[0]!), 'A recorded the send that was on the wire');
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
