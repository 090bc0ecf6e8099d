import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DriftEpisode } from '../../../src/domain/drift-episode';
import type { ReplayCounts, ReplayReport } from '../../../src/replay/recording-replay';
import type { AgentView } from '../../../src/simulator/simulator-control';
import { startE2eStack, type E2eStack } from '../../support/e2e-stack';
import { eventually } from '../../support/eventually';
import { runReplay } from '../../support/replay-cli';

// Real time with short thresholds, as every end-to-end test runs; each drift ends only after the service has shown the
// stage it was meant to reach, so the service's checks and the recorded frames are seconds apart, never a race.
const THRESHOLDS = { nudge: 'PT3S', supervisor: 'PT6S', exception: 'PT9S' };
// The simulator's units carry their own 15-minute exception threshold, which wins over DRIFT_EXCEPTION_AFTER; an
// activity-category override wins over both for the on-queue drift of the test (a replay applies --exception to all).
const OVERRIDES = { activityCategories: { OnQueueWork: { exceptionAfter: THRESHOLDS.exception } } };
// With this seed the first agent's shift started 30 minutes before the simulator's 15-minute slot: an hour of
// on-queue work is left at any start time, so the longest drift never meets a schedule boundary.
const SIMULATOR_SEED = 'e2e-2';
const ANA = { name: 'Ana Alvarez', email: 'ana.alvarez@contoso.example' };

/** How far each drift goes before the agent is back in adherence. */
type Reach = 'none' | 'nudge' | 'supervisorAlert' | 'formalException';

describe('The service records the frames it receives, and a replay of the recording counts what the service did', function () {
  this.timeout(120_000);
  let stack: E2eStack | undefined;
  let recordDir: string;

  before(async () => {
    recordDir = mkdtempSync(join(tmpdir(), 'drift-recording-'));
    stack = await startE2eStack({
      simulatorSeed: SIMULATOR_SEED,
      agent: ANA,
      env: {
        DRIFT_NUDGE_AFTER: THRESHOLDS.nudge,
        DRIFT_SUPERVISOR_AFTER: THRESHOLDS.supervisor,
        DRIFT_EXCEPTION_AFTER: THRESHOLDS.exception,
        DRIFT_THRESHOLD_OVERRIDES: JSON.stringify(OVERRIDES),
        GENESYS_RECORD_DIR: join(recordDir, 'frames'),
        NODE_ENV: 'test',
      },
      logLevel: 'warn',
      name: 'e2e-recording',
      host: '127.0.0.1',
    });
  });

  after(async () => {
    await stack?.stop();
    rmSync(recordDir, { recursive: true, force: true });
  });

  afterEach(function () {
    if (this.currentTest?.state === 'failed' && stack)
      console.error(`application log (last 100 lines):\n${stack.logLines.slice(-100).join('')}`);
  });

  it('gives the exact episodes, nudges, supervisor alerts and formal exceptions per unit that the service produced', async () => {
    const { app, simulator } = stack!;
    const units = simulator.control.listUnits().map((unit) => unit.id);
    await eventually('the leases on every unit', () => units.every((id) => app.ownership.ownsUnit(id)));

    const ana = simulator.control.listAgents().find((agent) => agent.email === ANA.email)!;
    const working = (unitId: string) =>
      simulator.control
        .listAgents(unitId)
        .filter(
          (agent) =>
            agent.id !== ana.id &&
            agent.scheduledActivityCategory === 'OnQueueWork' &&
            agent.adherenceState === 'InAdherence',
        );
    const otherUnit = units.find((id) => id !== ana.managementUnitId)!;
    const [bo, carl] = working(otherUnit);
    const [dee] = working(ana.managementUnitId);
    assert.ok(bo && carl && dee, 'the idle contact centre has agents on queue in both units');

    // Four drifts at once, each ending after the stage it was meant to reach (or earlier, should the schedule move).
    await Promise.all([
      driftUntil(ana, 'formalException'),
      driftUntil(bo, 'supervisorAlert'),
      driftUntil(carl, 'nudge'),
      driftUntil(dee, 'none'),
    ]);
    await eventually('every drift ended and every message settled in the outbox', async () => {
      await app.monitor.idle();
      return app.monitor.outboxPending() === 0 && (await openEpisodes()).length === 0;
    });
    const service = await countsOfService(units);
    assert.ok(
      service[ana.managementUnitId].formalExceptions >= 1 && service[otherUnit].supervisorAlerts >= 1,
      `the drifts reached their stages: ${JSON.stringify(service)}`,
    );

    // Stopping the service writes what the recording still queues.
    await app.stop();
    const files = readdirSync(join(recordDir, 'frames'))
      .filter((name) => /^frames-\d{4}-\d{2}-\d{2}\.ndjson$/.test(name))
      .sort();
    assert.ok(files.length >= 1, 'the service wrote frames-YYYY-MM-DD.ndjson');
    const run = await runReplay([
      '--json',
      ...files.flatMap((name) => ['--events', join(recordDir, 'frames', name)]),
      '--nudge',
      THRESHOLDS.nudge,
      '--supervisor',
      THRESHOLDS.supervisor,
      '--exception',
      THRESHOLDS.exception,
    ]);
    assert.equal(run.code, 0, run.stderr);
    const report = JSON.parse(run.stdout.trim().split('\n').pop()!) as ReplayReport;
    assert.deepEqual(report.badLines, [], 'the service writes only lines the replay can read');
    assert.ok(report.events > 8, `the adherence frames and restore rows were recorded (${report.events})`);
    assert.deepEqual(report.units, service);
  });

  /** Sets the agent away while scheduled on queue, waits until the service shows `reach`, then brings them back. */
  async function driftUntil(agent: AgentView, reach: Reach): Promise<void> {
    const { simulator } = stack!;
    const out = simulator.control.setAgentActivity(agent.id, {
      systemPresence: 'Away',
      routingStatus: 'OFF_QUEUE',
    });
    assert.equal(out.adherenceState, 'OutOfAdherence', `${agent.name} drifts`);
    const episodeId = `${agent.id}:${Date.parse(out.adherenceChangeTime)}`;
    await eventually(`${agent.name}'s ${reach === 'none' ? 'episode' : reach}`, async () => {
      const episode = await episodeOf(agent, episodeId);
      if (episode === undefined) return false;
      // An episode ended by a schedule boundary counts the same for the service and the replay.
      if (episode.endedAt !== undefined || reach === 'none') return true;
      if (reach === 'nudge') return episode.nudgedAt !== undefined && (await isSettled(episode, 'nudge'));
      if (reach === 'supervisorAlert')
        return episode.supervisorAlertedAt !== undefined && (await isSettled(episode, 'supervisorAlert'));
      return episode.formalExceptionAt !== undefined;
    });
    simulator.control.setAgentActivity(agent.id, { followSchedule: true });
  }

  /** The episode as the service has it now: open in the agent's state, or ended in the history. */
  async function episodeOf(agent: AgentView, episodeId: string): Promise<DriftEpisode | undefined> {
    const { stores } = stack!.app;
    const state = await stores.driftState.get({
      managementUnitId: agent.managementUnitId,
      agentId: agent.id,
    });
    if (state?.episode?.id === episodeId) return state.episode;
    return (await stores.history.get(episodeId, agent.managementUnitId))?.episode;
  }

  /** The outbox has settled the message (sent, or dead-lettered: nobody installed the app in this test). */
  async function isSettled(episode: DriftEpisode, kind: 'nudge' | 'supervisorAlert'): Promise<boolean> {
    const rows = await stack!.app.stores.outbox.listByEpisode(episode.id);
    return rows.some((row) => row.kind === kind && row.status !== 'pending');
  }

  async function openEpisodes(): Promise<DriftEpisode[]> {
    const open: DriftEpisode[] = [];
    for await (const state of stack!.app.stores.driftState.list())
      if (state.episode !== undefined) open.push(state.episode);
    return open;
  }

  /** What the service did, per unit, read from its own stores: history, open states and the outbox ledger. */
  async function countsOfService(unitIds: readonly string[]): Promise<Record<string, ReplayCounts>> {
    const { stores } = stack!.app;
    const episodes = new Map<string, DriftEpisode>();
    const now = Date.now();
    for await (const record of stores.history.list({ from: now - 86_400_000, to: now + 3_600_000 }))
      episodes.set(record.episode.id, record.episode);
    for (const episode of await openEpisodes()) episodes.set(episode.id, episode);
    const counts: Record<string, ReplayCounts> = Object.fromEntries(
      [...unitIds]
        .sort()
        .map((id) => [id, { episodes: 0, nudges: 0, supervisorAlerts: 0, formalExceptions: 0 }]),
    );
    for (const episode of episodes.values()) {
      const unit = (counts[episode.managementUnitId] ??= {
        episodes: 0,
        nudges: 0,
        supervisorAlerts: 0,
        formalExceptions: 0,
      });
      unit.episodes += 1;
      if (episode.formalExceptionAt !== undefined) unit.formalExceptions += 1;
      for (const row of await stores.outbox.listByEpisode(episode.id)) {
        if (row.kind === 'nudge' && row.recipient === 'agent') unit.nudges += 1;
        if (row.kind === 'supervisorAlert' && row.recipient === 'supervisorChannel')
          unit.supervisorAlerts += 1;
      }
    }
    return counts;
  }
});
