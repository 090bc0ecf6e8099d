import assert from 'node:assert/strict';
import { DriftWorkerProcess } from '../support/drift-worker-process';
import {
  WORLD_THRESHOLDS,
  endDrift,
  onQueueAgents,
  startDrift,
  startDriftWorld,
  type DriftWorld,
} from '../support/drift-world';

const KILLS = 22;
/** A threshold this close to the return (either side) may or may not have fired: the message is optional there. */
const AMBIGUITY_MS = 600;
/** The worker must have been up this long before an agent returns, so what fell due before the return is out. */
const UP_BEFORE_RETURN_MS = 1_500;
/** Planned drift lengths: back before the nudge, between nudge and alert, after the alert, past the exception. */
const DRIFT_LENGTHS_MS = [1_500, 4_000, 6_500, 11_000];

interface Episode {
  readonly agentId: string;
  readonly startedAt: number;
  endedAt?: number;
  /** The simulator moved the agent by itself meanwhile (a schedule boundary): no expectation is checked. */
  isDisturbed?: boolean;
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

describe('Soak: DriftMonitor restarts by SIGKILL (worker child process, simulator, Azurite, Bot Connector stand-in)', function () {
  this.timeout(240_000);
  let world: DriftWorld;
  let worker: DriftWorkerProcess;

  before(async () => {
    world = await startDriftWorld({ units: 2, agentsPerUnit: 14, seed: 8 });
    worker = new DriftWorkerProcess({ ...world.env, INSTANCE_ID: 'restart-worker' });
  });

  after(async () => {
    await worker?.kill();
    await world?.stop();
  });

  it('loses and repeats no nudge or supervisor alert across 20+ SIGKILLs, and sends none before its threshold', async () => {
    const units = world.sim.control.listUnits().length;
    const readySince = (): number | undefined => {
      const adopted = worker.current('management unit adopted');
      return worker.isRunning() && adopted.length >= units ? adopted[units - 1].at : undefined;
    };
    const startedAt = Date.now();
    worker.start();
    await worker.waitFor(() => readySince() !== undefined, 'the first adoption');
    const firstStartMs = Date.now() - startedAt;

    const agents = onQueueAgents(world.sim).slice(0, 14);
    assert.ok(agents.length >= 10, `only ${agents.length} agents on queue`);
    const episodes: Episode[] = [];
    let isScriptDone = false;
    const downtimes: number[] = [];

    const killer = (async () => {
      let seed = 7;
      const random = (): number => (seed = (seed * 48_271) % 2_147_483_647) / 2_147_483_647;
      for (let kill = 0; kill < KILLS || !isScriptDone; kill += 1) {
        await sleep(1_000 + random() * 2_500);
        await worker.kill();
        const downAt = Date.now();
        worker.start();
        await worker.waitFor(() => readySince() !== undefined, `adoption after kill ${kill + 1}`);
        downtimes.push(Date.now() - downAt);
      }
    })();

    const script = Promise.all(
      agents.map(async (agent, index) => {
        await sleep(index * 2_500);
        const episode: Episode = { agentId: agent.id, startedAt: startDrift(world.sim, agent.id) };
        episodes.push(episode);
        await sleep(DRIFT_LENGTHS_MS[index % DRIFT_LENGTHS_MS.length]);
        await worker.waitFor(
          () => {
            const since = readySince();
            return since !== undefined && Date.now() - since >= UP_BEFORE_RETURN_MS;
          },
          'a settled worker before a return',
          60_000,
        );
        const view = world.sim.control.getAgent(agent.id)!;
        if (
          view.adherenceState !== 'OutOfAdherence' ||
          Date.parse(view.adherenceChangeTime) !== episode.startedAt
        )
          episode.isDisturbed = true;
        episode.endedAt = endDrift(world.sim, agent.id);
      }),
    ).then(() => {
      isScriptDone = true;
    });
    await script;
    await killer;
    // Let the last incarnation deliver whatever fell due, then stop it gracefully.
    await worker.waitFor(
      () => (readySince() ?? Infinity) <= Date.now() - WORLD_THRESHOLDS.supervisorAfterMs,
      'a settled worker at the end',
    );
    await worker.kill('SIGTERM');
    const durationMs = Date.now() - startedAt;

    const messages = world.messages();
    const kinds = [
      { kind: 'nudge', thresholdMs: WORLD_THRESHOLDS.nudgeAfterMs },
      { kind: 'supervisorAlert', thresholdMs: WORLD_THRESHOLDS.supervisorAfterMs },
    ] as const;
    const problems: string[] = [];
    let expected = 0;
    let optional = 0;
    let inDoubtDuplicates = 0;
    const latenessMs: number[] = [];
    for (const message of messages) {
      const { alert, activity } = message;
      const threshold = kinds.find((k) => k.kind === alert.kind)?.thresholdMs;
      if (threshold === undefined) problems.push(`unexpected kind ${alert.kind}`);
      else if (activity.receivedAt < alert.driftStartedAt + threshold)
        problems.push(
          `${alert.alertId} arrived ${alert.driftStartedAt + threshold - activity.receivedAt} ms early`,
        );
      else latenessMs.push(activity.receivedAt - alert.driftStartedAt - threshold);
    }
    for (const [alertId, copies] of groupBy(messages, (m) => m.alert.alertId)) {
      if (copies.length === 1) continue;
      const row = await world.stores.outbox.get(alertId);
      // The one window no sender can close: killed after Teams accepted the message and before the ledger said so.
      if (copies.length === 2 && row?.lastError?.startsWith('in doubt') === true) inDoubtDuplicates += 1;
      else
        problems.push(
          `${alertId} arrived ${copies.length} times (ledger: ${row?.status}, attempts ${row?.attempts}, ${row?.lastError ?? 'no error'})`,
        );
    }
    for (const episode of episodes.filter((e) => !e.isDisturbed)) {
      const lengthMs = episode.endedAt! - episode.startedAt;
      for (const { kind, thresholdMs } of kinds) {
        const alertId = `${episode.agentId}:${episode.startedAt}|${kind}|${kind === 'nudge' ? 'agent' : 'supervisorChannel'}`;
        const count = messages.filter((m) => m.alert.alertId === alertId).length;
        if (Math.abs(lengthMs - thresholdMs) < AMBIGUITY_MS) optional += 1;
        else if (lengthMs > thresholdMs) {
          expected += 1;
          if (count === 0) problems.push(`${alertId} is missing (drift lasted ${lengthMs} ms)`);
        } else if (count > 0)
          problems.push(`${alertId} was sent although the drift lasted only ${lengthMs} ms`);
      }
    }
    const ledgerInDoubt = worker.lines.filter(
      (line) => line.msg === 'delivery outcome unknown after a stop; sending again',
    ).length;
    console.log(
      `      crash test: ${worker.incarnation - 1} SIGKILLs in ${(durationMs / 1000).toFixed(1)} s (first start ${firstStartMs} ms, restart to adoption ` +
        `median ${median(downtimes)} ms, max ${Math.max(...downtimes)} ms); ${episodes.length} drifts (${episodes.filter((e) => e.isDisturbed).length} disturbed); ` +
        `${messages.length} messages received (after the threshold by median ${median(latenessMs)} ms, max ${Math.max(...latenessMs)} ms), ` +
        `${expected} required, ${optional} optional; in-doubt resends ${ledgerInDoubt}, ` +
        `of which arrived twice ${inDoubtDuplicates}`,
    );
    assert.ok(worker.incarnation - 1 >= 20, `only ${worker.incarnation - 1} kills`);
    assert.ok(expected >= 10, `only ${expected} messages were required`);
    assert.deepEqual(problems, []);
  });
});

function groupBy<T>(items: readonly T[], key: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) groups.set(key(item), [...(groups.get(key(item)) ?? []), item]);
  return groups;
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? 0;
}
