// The benchmark: `npm run bench` (node --expose-gc --import tsx test/bench/run-bench.ts). Prints progress lines and,
// as its last line, one JSON object with the figures. A script, never a test: nothing here asserts.
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import { buildDriftPolicy } from '../../src/config/drift-policy-builder';
import { readSettings } from '../../src/config/settings';
import type { AdherenceObservation } from '../../src/domain/adherence-observation';
import { applyObservation } from '../../src/domain/drift-engine';
import type { DriftCommand } from '../../src/domain/drift-commands';
import type { AgentDriftState } from '../../src/domain/drift-episode';
import type { DriftPolicy } from '../../src/domain/drift-policy';
import { mapAdherenceFrame } from '../../src/genesys/adherence-frame-mapper';
import { createLogger } from '../../src/platform/logger';
import { SystemClock } from '../../src/platform/system-clock';
import { TimerScheduler } from '../../src/platform/timer-scheduler';
import { SeededRandom } from '../../src/simulator/seeded-random';
import { buildAdherenceFrame, generateAdherenceFrames } from '../support/adherence-frames';

const THROUGHPUT_FRAMES = 100_000;
const THROUGHPUT_AGENTS = 20_000;
const ROUNDS = 7;
const LATENESS_AGENTS = 50_000;
const LATENESS_SPREAD_MS = 30_000;
const LATENESS_LEAD_MS = 1_000;
const PUMP_BATCH = 100;
const MEMORY_AGENTS = 100_000;

/** One step of the drift core: the agent's state and an observation in, the next state and commands out. */
type CoreStep = (
  state: AgentDriftState | undefined,
  observation: AdherenceObservation,
  now: number,
) => { readonly state: AgentDriftState | undefined; readonly commands: readonly DriftCommand[] };

function coreOf(policy: DriftPolicy): CoreStep {
  return (state, observation, now) => applyObservation(state, observation, policy, now);
}

/** Which parts to run: BENCH_PARTS=memory,throughput,lateness (default all), for working on one part. */
const PARTS = new Set(
  (process.env.BENCH_PARTS ?? 'memory,throughput,lateness').split(',').map((p) => p.trim()),
);

const gc = (globalThis as { gc?: () => void }).gc;

function log(line: string): void {
  console.log(`[bench] ${line}`);
}

function collectGarbage(): void {
  for (let i = 0; i < 3; i++) gc!();
}

/** Runs one frame through parse -> map -> core and keeps the agent's state in `states`; returns the commands' count. */
function pipeline(step: CoreStep, states: Map<string, AgentDriftState>, json: string, now: number): number {
  const observation = mapAdherenceFrame(JSON.parse(json), now);
  if (observation === undefined) return 0;
  const { state: next, commands } = step(states.get(observation.agentId), observation, now);
  if (next === undefined) states.delete(observation.agentId);
  else states.set(observation.agentId, next);
  return commands.length;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

/** Heap per tracked agent: drift state with an open episode in a Map plus one pending scheduler entry each. */
function measureMemory(step: CoreStep): number {
  const random = new SeededRandom('memory');
  const startAt = Date.parse('2026-08-20T09:00:00.000Z');
  collectGarbage();
  const before = process.memoryUsage().heapUsed;
  const states = new Map<string, AgentDriftState>();
  // Nothing may fire while measuring: a fake timer that never runs, and every deadline an hour ahead.
  const scheduler = new TimerScheduler({
    clock: { now: () => startAt },
    startTimer: () => () => {},
    logger: createLogger({ level: 'silent' }),
  });
  const onDue = (key: string) => states.get(key);
  for (let agent = 0; agent < MEMORY_AGENTS; agent++) {
    // Each frame is built, parsed and dropped, so only what the state keeps of it stays on the heap.
    const changedAt = startAt - random.int(0, 300_000);
    const json = buildAdherenceFrame({
      agent,
      adherenceState: 'OutOfAdherence',
      adherenceChangedAt: changedAt,
      at: startAt,
      sequence: agent,
      random,
    });
    const observation = mapAdherenceFrame(JSON.parse(json), startAt)!;
    const { state, commands } = step(undefined, observation, startAt);
    let dueAt = startAt + 3_600_000;
    let key = `agent:${observation.agentId}`;
    const schedule = commands.find((c) => c.type === 'scheduleCheck');
    if (schedule?.type === 'scheduleCheck') {
      key = schedule.key;
      dueAt = Math.max(dueAt, schedule.dueAt);
    }
    states.set(observation.agentId, state!);
    const agentId = observation.agentId;
    scheduler.schedule(key, dueAt, () => onDue(agentId));
  }
  collectGarbage();
  const after = process.memoryUsage().heapUsed;
  const withEpisode = [...states.values()].filter((s) => s.episode !== undefined).length;
  log(
    `memory: ${states.size} agents, ${withEpisode} with an open episode, ${scheduler.size()} pending scheduler entries; heap +${((after - before) / 1e6).toFixed(1)} MB`,
  );
  if (withEpisode !== MEMORY_AGENTS) log('memory: WARNING not every agent has an open episode');
  scheduler.dispose();
  return Math.round((after - before) / MEMORY_AGENTS);
}

/** Events per second through the whole pipeline, and its cost relative to bare JSON.parse of the same frames. */
function measureThroughput(
  step: CoreStep,
  frames: { json: string; at: number }[],
): { eventsPerSecond: number; ratio: number } {
  const parseTimes: number[] = [];
  const pipelineTimes: number[] = [];
  let sink = 0;
  for (let round = 0; round <= ROUNDS; round++) {
    let started = performance.now();
    for (const frame of frames) sink += (JSON.parse(frame.json) as { version: string }).version.length;
    const parseMs = performance.now() - started;
    const states = new Map<string, AgentDriftState>();
    started = performance.now();
    for (const frame of frames) sink += pipeline(step, states, frame.json, frame.at);
    const pipelineMs = performance.now() - started;
    // Round 0 warms the JIT up and is not counted.
    if (round > 0) {
      parseTimes.push(parseMs);
      pipelineTimes.push(pipelineMs);
    }
    log(
      `throughput round ${round}${round === 0 ? ' (warm-up)' : ''}: JSON.parse ${parseMs.toFixed(0)} ms, pipeline ${pipelineMs.toFixed(0)} ms for ${frames.length} frames, ${states.size} agents tracked`,
    );
  }
  if (sink === -1) log('unreachable');
  // The fastest round is the best estimate of the code's own cost on a machine shared with other work.
  const pipelineMs = Math.min(...pipelineTimes);
  const parseMs = Math.min(...parseTimes);
  log(
    `throughput: best JSON.parse ${parseMs.toFixed(0)} ms, best pipeline ${pipelineMs.toFixed(0)} ms (medians ${median(parseTimes).toFixed(0)} / ${median(pipelineTimes).toFixed(0)} ms)`,
  );
  return {
    eventsPerSecond: Math.round(frames.length / (pipelineMs / 1_000)),
    ratio: Number((pipelineMs / parseMs).toFixed(2)),
  };
}

/** Lateness of real-timer firings for agents due over 30 s while a setImmediate pump streams events. */
async function measureLateness(
  step: CoreStep,
  frames: { json: string; at: number }[],
): Promise<{ p99: number; max: number }> {
  const clock = new SystemClock();
  const scheduler = new TimerScheduler({ clock, logger: createLogger({ level: 'error', name: 'bench' }) });
  const random = new SeededRandom('lateness');
  const lateness: number[] = [];
  const startedAt = clock.now();
  let done!: () => void;
  const allFired = new Promise<void>((resolve) => (done = resolve));
  for (let i = 0; i < LATENESS_AGENTS; i++) {
    const dueAt = startedAt + LATENESS_LEAD_MS + Math.floor(random.next() * LATENESS_SPREAD_MS);
    scheduler.schedule(`agent:${i}`, dueAt, () => {
      lateness.push(clock.now() - dueAt);
      if (lateness.length === LATENESS_AGENTS) done();
    });
  }
  let states = new Map<string, AgentDriftState>();
  let next = 0;
  let pumped = 0;
  let isPumping = true;
  const pump = () => {
    if (!isPumping) return;
    for (let i = 0; i < PUMP_BATCH; i++) {
      if (next === frames.length) {
        // Start over with empty state so replayed frames are not all duplicates.
        next = 0;
        states = new Map();
      }
      const frame = frames[next++];
      pipeline(step, states, frame.json, frame.at);
    }
    pumped += PUMP_BATCH;
    setImmediate(pump);
  };
  setImmediate(pump);
  const progress = setInterval(
    () => log(`lateness: ${lateness.length}/${LATENESS_AGENTS} fired, ${pumped} events pumped`),
    10_000,
  );
  await allFired;
  isPumping = false;
  clearInterval(progress);
  const elapsedS = (clock.now() - startedAt) / 1_000;
  log(
    `lateness: all ${LATENESS_AGENTS} fired in ${elapsedS.toFixed(1)} s while pumping ${pumped} events (${Math.round(pumped / elapsedS)} events/s)`,
  );
  scheduler.dispose();
  const sorted = lateness.sort((a, b) => a - b);
  log(
    `lateness: p50 ${percentile(sorted, 50)} ms, p99 ${percentile(sorted, 99)} ms, max ${sorted[sorted.length - 1]} ms`,
  );
  return { p99: percentile(sorted, 99), max: sorted[sorted.length - 1] };
}

async function main(): Promise<void> {
  const benchStartedAt = performance.now();
  if (gc === undefined) throw new Error('run with node --expose-gc (npm run bench)');
  const { policy } = buildDriftPolicy(readSettings({ LOCAL_MODE: 'true' }, { hostname: 'bench', pid: 0 }), {
    activityCodes: [],
    units: [],
  });
  const step = coreOf(policy);
  const figures: Record<string, number | null> = {
    eventsPerSecond: null,
    jsonParseRatio: null,
    alertLatenessP99Ms: null,
    alertLatenessMaxMs: null,
    bytesPerAgent: null,
    agents: MEMORY_AGENTS,
  };
  // The machine may be shared: the load average says how much the figures owe to other work.
  log(
    `node ${process.version}, ${os.cpus().length} cores, load average ${os
      .loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}`,
  );

  if (PARTS.has('memory')) figures.bytesPerAgent = measureMemory(step);

  log(`generating ${THROUGHPUT_FRAMES} frames over ${THROUGHPUT_AGENTS} agents`);
  const frames = generateAdherenceFrames({ count: THROUGHPUT_FRAMES, agents: THROUGHPUT_AGENTS });
  const meanBytes = frames.reduce((sum, f) => sum + f.json.length, 0) / frames.length;
  const mapped = frames.filter((f) => mapAdherenceFrame(JSON.parse(f.json), f.at) !== undefined).length;
  log(`frames: mean ${meanBytes.toFixed(0)} bytes, ${mapped}/${frames.length} mapped to observations`);

  if (PARTS.has('throughput')) {
    const throughput = measureThroughput(step, frames);
    figures.eventsPerSecond = throughput.eventsPerSecond;
    figures.jsonParseRatio = throughput.ratio;
  }
  if (PARTS.has('lateness')) {
    // Start from a collected heap so the throughput rounds' garbage does not land in this part.
    collectGarbage();
    const lateness = await measureLateness(step, frames);
    figures.alertLatenessP99Ms = lateness.p99;
    figures.alertLatenessMaxMs = lateness.max;
  }
  log(
    `done in ${((performance.now() - benchStartedAt) / 1_000).toFixed(1)} s, load average ${os
      .loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}`,
  );
  console.log(JSON.stringify(figures));
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
