// The scale benchmark: `npm run bench:scale` (BENCH_AGENTS=5000 for a quick look). It runs the product as it runs in
// production, at the size of a large contact centre, and measures it from outside:
//   - the Genesys Cloud simulator (src/simulator) in this process: 50,000 agents in 35 management units (at most 1,500
//     per unit), the `shift` scenario at real time (calls, breaks, slips), unit adherence over REST with a
//     `downloadUrl` (units above 100 agents), the notification WebSocket;
//   - Azurite (in memory), behind a counting proxy (table-request-counter.ts, its own process) that the service's
//     AZURE_TABLES_CONNECTION_STRING points at;
//   - the Bot Connector stand-in (connector-stand-in.ts, its own process) that every stored conversation points at and
//     that timestamps every arrival;
//   - the service as a child process started the production way: `bot/main.ts` with explicit GENESYS_* URLs and the
//     connection string, so the real Genesys client, Table stores, outbox and Teams limiter run. It runs with
//     LOCAL_MODE=true and no BOT_ID: Bot Framework auth needs Entra ID tokens, which cannot be had offline, and the
//     stand-in checks none; every Teams call still goes through the gateway, the limiter and the outbox.
// Phases: cold start (empty drift store) -> a flood of adherence events (throughput) -> a steady stretch in which 1 %
// of agents per minute cross a threshold (lateness, RSS, Table transactions) -> SIGKILL and restart with 50,000
// stored states, about a third mid-episode -> 5,000 nudges due in the same second (Teams tenant cap). Progress goes to
// stderr; the last stdout line is one JSON object. A script, never a test: nothing here asserts.
import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { setImmediate as yieldToEventLoop, setTimeout as sleep } from 'node:timers/promises';
import type { AgentView } from '../../../src/simulator/simulator-control';
import { startGenesysSimulator, type RunningSimulator } from '../../../src/simulator/genesys-simulator';
import { azuriteConnectionString, startAzurite } from '../../../src/storage/azurite-server';
import { TableDriftStateStore } from '../../../src/storage/drift-state/table-drift-state-store';
import { TableService } from '../../../src/storage/table-service';
import { BenchChild } from './bench-child';
import { CpuMeter, findPid, type CpuShares } from './process-cpu';
import type { Arrival } from './connector-stand-in';
import {
  analyseAlerts,
  maxInAnyWindow,
  mostWithinWindow,
  missingNudgeLateness,
  parseEpisodeId,
  percentile,
  type AgentThresholds,
  type ExpectedNudge,
} from './scale-figures';
import { ServiceProcess, summariseProfile, type CpuProfile } from './service-process';
import type { FirstWriteQuery, TableRequestCounts } from './table-request-counter';
import { seedTeams } from './teams-seed';

const AGENTS = Number(process.env.BENCH_AGENTS ?? 50_000);
const UNITS = Number(process.env.BENCH_UNITS ?? 35);
const SEED = process.env.BENCH_SEED ?? 'bench-scale';
const STEADY_MS = Number(process.env.BENCH_STEADY_SECONDS ?? 150) * 1000;
/** Where CPU profiles go (one `.cpuprofile` per phase, plus a summary); unset = no profiling. */
const PROFILE_DIR = process.env.BENCH_CPU_PROF;
/** Where the allocation sites of what the service holds after the steady stretch go (a JSON file); unset = none. */
const HEAP_SITES_FILE = process.env.BENCH_HEAP_SITES;
const ROOT = path.join(__dirname, '..', '..', '..');
const OUT_DIR = path.join(ROOT, '.data', 'bench-scale', new Date().toISOString().replace(/[:.]/g, '-'));

const NUDGE_MS = 30_000;
const SUPERVISOR_MS = 60_000;
/** Units whose thresholds are long (a unit override), so their agents can be mid-episode across a restart. */
const LONG_UNIT_SHARE = 0.55;
const LONG: AgentThresholds = { nudgeAfterMs: 13 * 60_000, supervisorAfterMs: 14.5 * 60_000 };
const SHORT: AgentThresholds = { nudgeAfterMs: NUDGE_MS, supervisorAfterMs: SUPERVISOR_MS };
/** Share of agents per minute driven across the nudge threshold in the steady stretch (the 1 %). */
const CROSSINGS_PER_MINUTE = 0.01;
/** Agents out of adherence before the SIGKILL whose nudge fell due while the service was down: 15 s at 1 %/min. */
const DUE_AT_RESTART_SHARE = 0.0025;
const BURST = Math.min(5_000, Math.floor(AGENTS / 10));
/**
 * Agents of the short-threshold units the run may drive: enough for the crossings (1 % a minute), the restart and the
 * burst even when some are not eligible when asked (on a break, out of adherence already).
 */
const CANDIDATE_POOL = Math.max(2_000, Math.round(AGENTS * 0.24));
const TEAMS_TENANT_CAP = 50;
/** Longest wait for a phase to finish (cold start, flood, restart) before the benchmark goes on without it. */
const PHASE_CAP_MS = Number(process.env.BENCH_PHASE_CAP_SECONDS ?? 900) * 1000;
/** How long the burst's sends are watched after they fall due. */
const BURST_WINDOW_MS = 120_000;
const HOLDING = 'mass change: holding unit observations';
const WATCHED = ['table storage ready', 'management unit adopted', 'bot listening', HOLDING];
const QUARTER_HOUR_MS = 15 * 60_000;

function log(line: string): void {
  process.stderr.write(`[bench:scale] ${line}\n`);
}

const seconds = (ms: number): number => Math.round(ms / 100) / 10;

/**
 * Genesys REST requests of one service incarnation (one token each), counted at the simulator: the count is sampled
 * with the instant it was read, and the peak is the most requests between two readings at most 60 s apart (a late
 * reading, when the benchmark's own event loop is busy, never stretches a "minute").
 */
class RestRateSampler {
  private readonly incarnations: Array<Array<readonly [number, number]>> = [];

  constructor(private readonly sim: RunningSimulator) {}

  newIncarnation(): void {
    this.incarnations.push([[Date.now(), this.sim.control.getCounters().requests]]);
  }

  sample(): void {
    this.incarnations.at(-1)?.push([Date.now(), this.sim.control.getCounters().requests]);
  }

  maxPerMinute(): number {
    return Math.max(0, ...this.incarnations.map((readings) => mostWithinWindow(readings, 60_000)));
  }
}

async function main(): Promise<void> {
  if (AGENTS / UNITS > 1_500) throw new Error('Genesys allows at most 1,500 agents per management unit');
  mkdirSync(OUT_DIR, { recursive: true });
  if (PROFILE_DIR) mkdirSync(PROFILE_DIR, { recursive: true });
  log(`${AGENTS} agents in ${UNITS} units; logs in ${path.relative(ROOT, OUT_DIR)}`);
  const stops: Array<() => Promise<void>> = [];
  const stopAll = async (): Promise<void> => {
    for (const stop of stops.splice(0).reverse()) await stop().catch(() => undefined);
  };
  for (const signal of ['SIGINT', 'SIGTERM'] as const)
    process.once(signal, () => {
      log(`${signal}: stopping`);
      void stopAll().then(() => process.exit(130));
    });
  let broken: string[] = [];
  try {
    const result = await run(stops);
    broken = correctnessBroken(result.correctness as Correctness);
    process.stdout.write(`${JSON.stringify({ ...result, correctnessHolds: broken.length === 0 })}\n`);
  } finally {
    await stopAll();
  }
  if (broken.length > 0) {
    log(`CORRECTNESS BROKEN: ${broken.join('; ')}`);
    process.exitCode = 1;
  }
}

/** What the stand-in counted over the whole run. */
interface Correctness {
  readonly episodesNudgedTwice: number;
  readonly episodesAlertedTwice: number;
  readonly nudgesBeforeThreshold: number;
  readonly alertsBeforeThreshold: number;
  readonly teamsRequestsMaxInAnySecond: number;
}

/** Each way the run broke a promise of the product (empty when none): the benchmark then exits non-zero. */
function correctnessBroken(correctness: Correctness): string[] {
  const broken: string[] = [];
  if (correctness.episodesNudgedTwice > 0)
    broken.push(`${correctness.episodesNudgedTwice} episodes nudged twice`);
  if (correctness.episodesAlertedTwice > 0)
    broken.push(`${correctness.episodesAlertedTwice} episodes alerted twice`);
  if (correctness.nudgesBeforeThreshold > 0)
    broken.push(`${correctness.nudgesBeforeThreshold} nudges before their threshold`);
  if (correctness.alertsBeforeThreshold > 0)
    broken.push(`${correctness.alertsBeforeThreshold} supervisor alerts before their threshold`);
  if (correctness.teamsRequestsMaxInAnySecond > TEAMS_TENANT_CAP)
    broken.push(
      `${correctness.teamsRequestsMaxInAnySecond} Teams requests in one second (cap ${TEAMS_TENANT_CAP})`,
    );
  return broken;
}

async function run(stops: Array<() => Promise<void>>): Promise<Record<string, unknown>> {
  // --- The parts around the service.
  // With BENCH_CPU_PROF, Azurite's own profile of the whole run is written there too when it stops.
  const azurite = await startAzurite({
    inMemoryPersistence: true,
    ...(PROFILE_DIR === undefined
      ? {}
      : { nodeOptions: ['--cpu-prof', '--cpu-prof-dir', PROFILE_DIR], stopGraceInMs: 60_000 }),
  });
  stops.push(() => azurite.stop());
  const tablePrefix = `bench${randomBytes(4).toString('hex')}`;
  const counter = await BenchChild.start(path.join(__dirname, 'table-request-counter.ts'), [
    String(azurite.port),
    tablePrefix,
  ]);
  stops.push(() => counter.stop());
  const connector = await BenchChild.start(path.join(__dirname, 'connector-stand-in.ts'), []);
  stops.push(() => connector.stop());
  const serviceUrl = (connector.info as { url: string }).url;
  const setupStartedAt = Date.now();
  const sim = await startGenesysSimulator({ seed: SEED, units: UNITS, agents: AGENTS, scenario: 'shift' });
  stops.push(() => sim.stop());
  const control = sim.control;
  const units = control.listUnits();
  const longUnitIds = new Set(units.slice(0, Math.round(units.length * LONG_UNIT_SHARE)).map((u) => u.id));
  const agents = control.listAgents();
  const unitOf = new Map(agents.map((agent) => [agent.id, agent.managementUnitId]));
  const thresholdsOf = (agentId: string): AgentThresholds | undefined => {
    const unitId = unitOf.get(agentId);
    return unitId === undefined ? undefined : longUnitIds.has(unitId) ? LONG : SHORT;
  };
  log(`simulator: ${agents.length} agents, ${units.length} units (${longUnitIds.size} with long thresholds)`);

  const direct = TableService.create({ connectionString: azurite.connectionString, tablePrefix });
  await direct.ensureTables();
  const seedStartedAt = Date.now();
  // The agents the run drives (crossings, restart, burst) come from this pool; only they get a personal chat.
  const candidates = shortUnitAgents(control, longUnitIds).slice(0, CANDIDATE_POOL);
  const candidateIds = new Set(candidates);
  await seedTeams(
    direct,
    agents.filter((agent) => candidateIds.has(agent.id)),
    [...unitOf.values()].filter(unique),
    serviceUrl,
    Date.now(),
  );
  log(`seeding took ${seconds(Date.now() - seedStartedAt)} s`);
  log(
    `Teams side seeded: ${candidates.length} personal chats (the agents the run drives), ${units.length} ` +
      `supervisor channels with unit routes`,
  );

  // About a third of the agents (those scheduled, in the long-threshold units) are out of office, so out of adherence,
  // before the service starts: the cold start restores them as open (suppressed) episodes whose checks are armed
  // 13 minutes ahead, and which never send anything however long the run takes.
  let midEpisodeDriven = 0;
  for (const agent of agents) {
    if (!longUnitIds.has(agent.managementUnitId) || agent.scheduledActivityCategory === 'Unscheduled')
      continue;
    const view = control.setAgentActivity(agent.id, { systemPresence: 'Away', isOutOfOffice: true });
    if (view.adherenceState === 'OutOfAdherence') midEpisodeDriven += 1;
  }
  log(`${midEpisodeDriven} agents of the long-threshold units out of adherence before the start`);

  const overrides = {
    managementUnits: Object.fromEntries(
      // Below the units' own Genesys exception threshold (15 min), which would otherwise scale them down.
      [...longUnitIds].map((id) => [id, { nudgeAfter: 'PT13M', supervisorAfter: 'PT14M30S' }]),
    ),
  };
  const env: Record<string, string> = {
    LOCAL_MODE: 'true',
    NODE_ENV: 'development',
    LOG_LEVEL: 'info',
    PORT: '0',
    INSTANCE_ID: 'bench-replica-0',
    GENESYS_API_URL: sim.apiUrl,
    GENESYS_LOGIN_URL: sim.loginUrl,
    GENESYS_CLIENT_ID: sim.clientId,
    GENESYS_CLIENT_SECRET: sim.clientSecret,
    AZURE_TABLES_CONNECTION_STRING: azuriteConnectionString((counter.info as { port: number }).port),
    TABLE_PREFIX: tablePrefix,
    DRIFT_NUDGE_AFTER: 'PT30S',
    DRIFT_SUPERVISOR_AFTER: 'PT60S',
    DRIFT_THRESHOLD_OVERRIDES: JSON.stringify(overrides),
    // The run's flood (every agent on queue changes within seconds) and burst (5,000 agents away at once) are mass
    // changes by construction: a unit's dampening would hold them for its window (and again at each release that
    // forms another burst), so the figures would measure the hold. Dampening has its own tests.
    DRIFT_DAMPENING_WINDOW: 'PT0S',
  };

  const service = new ServiceProcess(WATCHED);
  stops.push(() => service.kill('SIGKILL'));
  const rest = new RestRateSampler(sim);
  let rssMax = 0;
  const sampler = setInterval(() => {
    rest.sample();
    rssMax = Math.max(rssMax, service.rssBytes());
  }, 1_000);
  stops.push(async () => clearInterval(sampler));
  const arrivals: Arrival[] = [];
  const syncArrivals = async (): Promise<Arrival[]> => {
    arrivals.push(...(await connector.request<Arrival[]>('arrivals', arrivals.length)));
    return arrivals;
  };
  const tableCounts = (): Promise<TableRequestCounts> => counter.request<TableRequestCounts>('counts');
  const profiles: Record<string, string[]> = {};
  const cutProfile = async (phase: string, goOn: boolean): Promise<void> => {
    if (!PROFILE_DIR) return;
    const profile = await service.stopProfile(path.join(PROFILE_DIR, `${phase}.cpuprofile`), goOn);
    if (profile) profiles[phase] = topOf(profile);
  };
  const azuritePid = findPid(['--tablePort', String(azurite.port)]);
  const cpu = new CpuMeter(() => ({
    service: service.pid,
    azurite: azuritePid,
    tableProxy: counter.pid,
    connector: connector.pid,
    benchAndSimulator: process.pid,
  }));
  const cpuSeconds: Record<string, CpuShares> = {};
  log(`setup took ${seconds(Date.now() - setupStartedAt)} s`);

  // --- Cold start: empty drift store -> every unit subscribed, restored and adopted.
  rest.newIncarnation();
  let cpuMark = cpu.mark();
  await service.start(env, path.join(OUT_DIR, 'service-1.log'), PROFILE_DIR !== undefined);
  const coldStartAt = service.startedAt;
  await service.waitFor('table storage ready');
  // Every module is loaded by now (bot/main.ts imports them all); nothing of the org is yet.
  await service.collectGarbage();
  const rssBase = service.rssBytes();
  if (HEAP_SITES_FILE) await service.startHeapSampling();
  const coldDoneAt = await withCap(service.waitFor('management unit adopted', units.length), 'cold start');
  const coldStartSeconds = coldDoneAt === undefined ? null : seconds(coldDoneAt - coldStartAt);
  log(`cold start: ${coldStartSeconds} s (RSS at storage ready ${mb(rssBase)})`);
  await cutProfile('cold-start', true);
  cpuSeconds.coldStart = cpu.since(cpuMark);

  // --- Throughput: a flood of adherence events (routing changes of agents on queue: calls starting and ending,
  // the bulk of real traffic), each timed from its frame to its DriftState row being written. Shifts and breaks begin
  // on quarter hours, and the agents changing together then make the unit's mass-change dampening hold its
  // observations for 60 s (a deliberate delay, not a lack of throughput): the flood starts clear of a quarter hour,
  // and events of a unit held between their frame and their row are left out of the rate (and counted). The steady
  // stretch follows the flood, so both are kept clear.
  await clearOfQuarterHour(60_000 + STEADY_MS + 20_000, 'flood and steady stretch');
  cpuMark = cpu.mark();
  const heldUnits = (): Map<string, Array<[number, number]>> => {
    const held = new Map<string, Array<[number, number]>>();
    for (const line of service.linesOf(HOLDING)) {
      // With the window at 0 the dampener still logs a hold, released at once: it holds nothing back.
      if (Number(line.releaseAt) <= Number(line.time)) continue;
      const unitId = String(line.managementUnitId);
      const spans = held.get(unitId) ?? [];
      spans.push([line.readAt, Number(line.releaseAt) + 1_000]);
      held.set(unitId, spans);
    }
    return held;
  };
  const flood = await floodEvents(control, counter, AGENTS, (agentId, from, to) =>
    (heldUnits().get(unitOf.get(agentId) ?? '') ?? []).some(([start, end]) => start <= to && end >= from),
  );
  cpuSeconds.flood = cpu.since(cpuMark);
  log(
    `flood: ${flood.written}/${flood.events} events written, ${flood.held} of them held by dampening; the others ` +
      `in ${seconds(flood.elapsedMs)} s = ${flood.perSecond}/s (frame -> row p50 ${flood.latencyP50Ms} ms, ` +
      `p99 ${flood.latencyP99Ms} ms)`,
  );

  // --- Steady stretch: the shift goes on and 1 % of agents a minute cross the nudge threshold (and the supervisor
  // threshold 30 s later) until a minute before its end; each is back 70 s after leaving. Lateness of every nudge and
  // alert due in the stretch.
  const used = new Set<string>();
  const steadyCountsBefore = await tableCounts();
  cpuMark = cpu.mark();
  const steadyStartAt = Date.now();
  const expected = await driveCrossings(control, candidates, used, steadyStartAt);
  const steadyEndAt = Date.now();
  const steadyCountsAfter = await tableCounts();
  cpuSeconds.steady = cpu.since(cpuMark);
  await service.collectGarbage();
  const rssSteady = service.rssBytes();
  if (HEAP_SITES_FILE) {
    const sites = await service.heapAllocationSites();
    writeFileSync(HEAP_SITES_FILE, JSON.stringify(sites.slice(0, 200), null, 2));
    const total = sites.reduce((sum, site) => sum + site.bytes, 0);
    log(
      `heap held since storage ready: ${mb(total)} (${Math.round(total / AGENTS)} B per agent); sites in ${HEAP_SITES_FILE}`,
    );
  }
  await sleep(10_000);
  const lateAt = Date.now();
  await syncArrivals();
  const steady = analyseAlerts(arrivals, thresholdsOf, steadyStartAt, steadyEndAt);
  const missing = missingNudgeLateness(
    expected,
    arrivals.filter((a) => a.at <= lateAt),
    NUDGE_MS,
    lateAt,
  );
  const lateness = [...steady.latenessMs, ...missing];
  const steadyNudges = analyseAlerts(
    arrivals.filter((a) => a.kind === 'nudge'),
    thresholdsOf,
    steadyStartAt,
    steadyEndAt,
  );
  const steadyTransactions = steadyCountsAfter.total - steadyCountsBefore.total;
  log(
    `steady: ${expected.length} driven crossings, ${steady.latenessMs.length} nudges/alerts due arrived ` +
      `(${steadyNudges.latenessMs.length} nudges), ` +
      `${missing.length} expected nudges missing; lateness p50 ${percentile(lateness, 50)} ms, ` +
      `p99 ${percentile(lateness, 99)} ms, max ${Math.max(0, ...lateness)} ms; ${steadyTransactions} Table requests`,
  );
  await cutProfile('e2e', false);

  // --- Restart: SIGKILL, a few agents whose nudge fell due while it was down, start -> every unit restored and
  // adopted (checks re-armed) and every alert that was due at the start delivered.
  await clearOfQuarterHour(60_000, 'restart');
  const arrivalsBeforeKill = (await syncArrivals()).length;
  const killAt = Date.now();
  await service.kill('SIGKILL');
  const stored = await countStoredStates(direct, killAt);
  log(`SIGKILL; stored: ${stored.states} agent states, ${stored.midEpisode} mid-episode`);
  if (stored.overdue.length > 0)
    log(
      `${stored.overdue.length} first nudges overdue at the kill, e.g. ${stored.overdue.slice(0, 5).join('; ')}`,
    );
  const dueAtRestart = driveBackdated(
    control,
    pickEligible(
      control,
      candidates,
      used,
      Math.round(AGENTS * DUE_AT_RESTART_SHARE),
      killAt - NUDGE_MS + 1_000,
    ),
    killAt - NUDGE_MS + 1_000,
  );
  const restartCountsBefore = await tableCounts();
  cpuMark = cpu.mark();
  rest.newIncarnation();
  await service.start(env, path.join(OUT_DIR, 'service-2.log'), PROFILE_DIR !== undefined);
  const restartAt = service.startedAt;
  const restartDone = await withCap(
    Promise.all([
      service.waitFor('management unit adopted', units.length),
      waitForNudges(syncArrivals, dueAtRestart, arrivalsBeforeKill),
    ]),
    'restart',
  );
  const restartSeconds =
    restartDone === undefined ? null : seconds(Math.max(...restartDone.map((at) => at)) - restartAt);
  const restartTransactions = (await tableCounts()).total - restartCountsBefore.total;
  cpuSeconds.restart = cpu.since(cpuMark);
  log(
    `restart: ${restartSeconds} s (units adopted at ${restartDone ? seconds(restartDone[0] - restartAt) : '-'} s, ` +
      `${dueAtRestart.length} nudges due at the start); ${restartTransactions} Table requests`,
  );
  await cutProfile('restart', true);

  // --- Tenant cap: 5,000 nudges due in the same second (agents who left their schedule 25 s ago, as a delayed
  // batch of Genesys events would report them), sent as fast as the Teams limits allow.
  await sleep(5_000);
  await clearOfQuarterHour(BURST_WINDOW_MS + 30_000, 'burst');
  cpuMark = cpu.mark();
  const burstAt = Date.now();
  const burstSince = burstAt - NUDGE_MS + 5_000;
  const burstAgents = driveBackdated(
    control,
    pickEligible(control, candidates, used, BURST, burstSince),
    burstSince,
  );
  const burstIds = new Set(burstAgents.map((nudge) => nudge.agentId));
  const burstDueAt = burstSince + NUDGE_MS;
  const burstWindowMs = BURST_WINDOW_MS;
  const burstArrivals = (): Arrival[] =>
    arrivals.filter((a) => {
      const episode = a.kind === 'nudge' && a.episodeId ? parseEpisodeId(a.episodeId) : undefined;
      return episode !== undefined && burstIds.has(episode.agentId) && episode.driftStartedAt >= burstSince;
    });
  while (Date.now() < burstDueAt + burstWindowMs) {
    await sleep(1_000);
    await syncArrivals();
    if (burstArrivals().length >= burstAgents.length) break;
  }
  cpuSeconds.burst = cpu.since(cpuMark);
  const burstEndAt = Math.min(Date.now(), burstDueAt + burstWindowMs);
  const sent = burstArrivals().filter((a) => a.at <= burstEndAt);
  const allSent = sent.length >= burstAgents.length;
  const burstSpanMs = allSent ? Math.max(1, Math.max(...sent.map((a) => a.at)) - burstDueAt) : burstWindowMs;
  const achievedPerSecond = (sent.length * 1000) / burstSpanMs;
  const teamsRequestsInBurst = arrivals
    .filter((a) => a.at >= burstDueAt && a.at <= burstEndAt)
    .map((a) => a.at);
  // Every Teams call shares the tenant's budget: the burst's supervisor alerts (due 30 s after its nudges) and card
  // updates go out while its nudges still do. The limiter's use of the cap is all of them over the burst's span.
  const burstLastAt = allSent ? Math.max(...sent.map((a) => a.at)) : burstEndAt;
  const tenantRequestsInSpan = teamsRequestsInBurst.filter((at) => at <= burstLastAt).length;
  const tenantPerSecond = (tenantRequestsInSpan * 1000) / burstSpanMs;
  log(
    `burst: ${sent.length}/${burstAgents.length} nudges in ${seconds(burstSpanMs)} s = ` +
      `${achievedPerSecond.toFixed(1)}/s; all Teams requests ${tenantPerSecond.toFixed(1)}/s; most in any second ` +
      `${maxInAnyWindow(teamsRequestsInBurst, 1000)}`,
  );
  await cutProfile('burst', false);

  // --- Correctness over the whole run, at the stand-in.
  await syncArrivals();
  const all = analyseAlerts(arrivals, thresholdsOf);
  const maxPerSecond = maxInAnyWindow(
    arrivals.filter((a) => a.kind !== 'other').map((a) => a.at),
    1000,
  );
  const simCounters = control.getCounters();
  if (PROFILE_DIR) writeFileSync(path.join(PROFILE_DIR, 'summary.json'), JSON.stringify(profiles, null, 2));
  writeFileSync(path.join(OUT_DIR, 'arrivals.json'), JSON.stringify(arrivals));
  const logCounts = service.countsOf(['mass change: holding unit observations', 'teams message not sent']);
  return {
    agents: agents.length,
    units: units.length,
    coldStartSeconds,
    restartSeconds,
    e2eEventsPerSecond: flood.perSecond,
    e2eLatenessP99Ms: percentile(lateness, 99) ?? null,
    e2eLatenessMaxMs: lateness.length === 0 ? null : Math.max(...lateness),
    tenantUtilisation: Math.round((tenantPerSecond / TEAMS_TENANT_CAP) * 1000) / 1000,
    rssBytesPerAgent: Math.round((rssSteady - rssBase) / agents.length),
    tableTransactionsPerAgentHour:
      Math.round((steadyTransactions / agents.length / ((steadyEndAt - steadyStartAt) / 3_600_000)) * 10) /
      10,
    genesysRequestsPerMinuteMax: rest.maxPerMinute(),
    correctness: {
      nudges: all.nudges,
      supervisorAlerts: all.alerts,
      episodesNudgedTwice: all.episodesNudgedTwice,
      episodesAlertedTwice: all.episodesAlertedTwice,
      nudgesBeforeThreshold: all.nudgesBeforeThreshold,
      alertsBeforeThreshold: all.alertsBeforeThreshold,
      teamsRequestsMaxInAnySecond: maxPerSecond,
    },
    detail: {
      e2eEvents: flood.events,
      e2eEventsWritten: flood.written,
      e2eEventsHeldByDampening: flood.held,
      e2eFrameToRowP50Ms: flood.latencyP50Ms,
      e2eFrameToRowP99Ms: flood.latencyP99Ms,
      steadySeconds: seconds(steadyEndAt - steadyStartAt),
      steadyDrivenCrossings: expected.length,
      steadyDrivenPercentOfAgentsPerMinute:
        Math.round(((100 * expected.length) / agents.length / ((STEADY_MS - SUPERVISOR_MS) / 60_000)) * 100) /
        100,
      steadyNudgesArrived: steadyNudges.latenessMs.length,
      steadyLatenessP50Ms: percentile(lateness, 50) ?? null,
      steadyAlertsArrived: steady.latenessMs.length,
      steadyExpectedNudgesMissing: missing.length,
      tableRequestsByTableInSteady: difference(
        steadyCountsAfter.byTableAndMethod,
        steadyCountsBefore.byTableAndMethod,
      ),
      rssBaseBytes: rssBase,
      rssSteadyBytes: rssSteady,
      rssMaxBytes: rssMax,
      storedStatesAtKill: stored.states,
      midEpisodeAtKill: stored.midEpisode,
      firstNudgesOverdueAtKill: stored.overdue.length,
      nudgesDueAtRestart: dueAtRestart.length,
      restartTableRequests: restartTransactions,
      burstNudges: burstAgents.length,
      burstNudgesSent: sent.length,
      burstSeconds: seconds(burstSpanMs),
      burstNudgesPerSecond: Math.round(achievedPerSecond * 10) / 10,
      burstTeamsRequestsInSpan: tenantRequestsInSpan,
      burstTeamsRequestsMaxInAnySecond: maxInAnyWindow(teamsRequestsInBurst, 1000),
      simulatorRateLimited: simCounters.rateLimited,
      simulatorRequests: simCounters.requests,
      massChangeHolds: logCounts['mass change: holding unit observations'],
      cpuSeconds,
      loadAverageAtEnd: os.loadavg().map((load) => Math.round(load * 10) / 10),
      // CPU cost per unit of work, which the other processes on the machine do not change (they change the waits).
      serviceCpuMsPerFloodEvent: perUnit(cpuSeconds.flood?.service, flood.written),
      azuriteCpuMsPerTableRequest: perUnit(
        (cpuSeconds.steady?.azurite ?? 0) + (cpuSeconds.restart?.azurite ?? 0),
        steadyTransactions + restartTransactions,
      ),
      serviceCpuMsPerAgentRestored: perUnit(cpuSeconds.restart?.service, agents.length),
      teamsMessagesNotSent: logCounts['teams message not sent'],
    },
  };
}

/** Milliseconds of CPU per unit of work, or null without work. */
function perUnit(cpuSeconds: number | undefined, units: number): number | null {
  return cpuSeconds === undefined || units === 0 ? null : Math.round((cpuSeconds * 1000 * 100) / units) / 100;
}

function unique<T>(value: T, index: number, all: readonly T[]): boolean {
  return all.indexOf(value) === index;
}

function mb(bytes: number): string {
  return `${(bytes / 1_048_576).toFixed(0)} MB`;
}

function topOf(profile: CpuProfile): string[] {
  return summariseProfile(profile)
    .slice(0, 40)
    .map(
      (entry) =>
        `${entry.selfPercent.toFixed(1)}% self ${entry.totalPercent.toFixed(1)}% total  ${entry.name}`,
    );
}

function difference(after: Readonly<Record<string, number>>, before: Readonly<Record<string, number>>) {
  return Object.fromEntries(
    Object.entries(after)
      .map(([key, value]) => [key, value - (before[key] ?? 0)] as const)
      .filter(([, value]) => value > 0)
      .sort((a, b) => b[1] - a[1]),
  );
}

/** Resolves with `work`'s value, or undefined (logged) when it takes longer than the phase cap. */
async function withCap<T>(work: Promise<T>, phase: string): Promise<T | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const capped = new Promise<undefined>((resolve) => {
    timer = setTimeout(() => {
      log(`${phase} did not finish within ${PHASE_CAP_MS / 1000} s; going on`);
      resolve(undefined);
    }, PHASE_CAP_MS);
  });
  try {
    return await Promise.race([work, capped]);
  } finally {
    clearTimeout(timer);
  }
}

interface FloodResult {
  readonly events: number;
  readonly written: number;
  /** Written events whose unit was held by mass-change dampening between frame and row (left out of the rate). */
  readonly held: number;
  readonly elapsedMs: number;
  readonly perSecond: number | null;
  readonly latencyP50Ms: number | null;
  readonly latencyP99Ms: number | null;
}

/**
 * Waits until the wall clock is at least `afterMs` (default 3 minutes: the changes' nudges come 30 s on, their alerts 60 s
 * on) past a quarter hour and `spanMs` plus 30 s before the next, so that a phase
 * of that length sees none of the shift's quarter-hour changes: with dampening off (see the service's settings) they
 * nudge thousands of agents at once, a load the phase does not measure (in production the unit's dampening holds them).
 */
async function clearOfQuarterHour(spanMs: number, phase: string, afterMs = 180_000): Promise<void> {
  const intoQuarter = Date.now() % QUARTER_HOUR_MS;
  const lastStart = QUARTER_HOUR_MS - 30_000 - spanMs;
  const waitMs =
    intoQuarter < afterMs
      ? afterMs - intoQuarter
      : intoQuarter > lastStart
        ? QUARTER_HOUR_MS - intoQuarter + afterMs
        : 0;
  if (waitMs === 0) return;
  log(`${phase}: waiting ${seconds(waitMs)} s for the quarter-hour schedule changes to pass`);
  await sleep(waitMs);
}

/**
 * Publishes `count` routing changes of agents on queue as fast as the simulator sends them, and times each from its
 * frame to its DriftState row; the rate counts the events not held by dampening (`wasHeld(agentId, from, to)`).
 */
async function floodEvents(
  control: RunningSimulator['control'],
  counter: BenchChild,
  count: number,
  wasHeld: (agentId: string, from: number, to: number) => boolean,
): Promise<FloodResult> {
  const onQueue = control.listAgents().filter((a) => a.systemPresence === 'OnQueue');
  const published: FirstWriteQuery[] = [];
  const startedAt = Date.now();
  for (let i = 0; i < count && onQueue.length > 0; i += 1) {
    const agent = onQueue[i % onQueue.length];
    const view = control.getAgent(agent.id)!;
    if (view.systemPresence !== 'OnQueue') continue;
    control.setAgentActivity(agent.id, {
      routingStatus: view.routingStatus === 'INTERACTING' ? 'IDLE' : 'INTERACTING',
    });
    published.push([agent.id, Date.now()]);
    if (i % 500 === 499) await yieldToEventLoop();
  }
  log(`flood: ${published.length} events published in ${seconds(Date.now() - startedAt)} s`);
  const writtenAt = new Array<number | null>(published.length).fill(null);
  let open = published.map((_, index) => index);
  const giveUpAt = startedAt + PHASE_CAP_MS;
  // An event can be overtaken (a mass-change hold applies only the newest per agent): stop once nothing moves for 60 s.
  let lastProgressAt = Date.now();
  while (open.length > 0 && Date.now() < giveUpAt && Date.now() - lastProgressAt < 60_000) {
    await sleep(2_000);
    const before = open.length;
    const times = await counter.request<(number | null)[]>(
      'firstWrites',
      open.map((index) => published[index]),
    );
    open = open.filter((index, i) => {
      writtenAt[index] = times[i]!;
      return times[i] === null;
    });
    if (open.length < before) lastProgressAt = Date.now();
    log(`flood: ${published.length - open.length}/${published.length} rows written`);
  }
  const latencies: number[] = [];
  let written = 0;
  let held = 0;
  let lastWriteAt = startedAt;
  for (const [index, at] of writtenAt.entries()) {
    if (at === null) continue;
    written += 1;
    const [agentId, publishedAt] = published[index];
    if (wasHeld(agentId, publishedAt, at)) {
      held += 1;
      continue;
    }
    latencies.push(at - publishedAt);
    lastWriteAt = Math.max(lastWriteAt, at);
  }
  const elapsedMs = lastWriteAt - startedAt;
  return {
    events: published.length,
    written,
    held,
    elapsedMs,
    perSecond: latencies.length === 0 ? null : Math.round((latencies.length * 1000) / Math.max(1, elapsedMs)),
    latencyP50Ms: percentile(latencies, 50) ?? null,
    latencyP99Ms: percentile(latencies, 99) ?? null,
  };
}

/** Agents of short-threshold units: the candidates for crossings and bursts, in a fixed order. */
function shortUnitAgents(control: RunningSimulator['control'], longUnitIds: ReadonlySet<string>): string[] {
  return control
    .listAgents()
    .filter((agent) => !longUnitIds.has(agent.managementUnitId))
    .map((agent) => agent.id);
}

/** Candidates on queue work, in adherence since at least `since`, not used yet (marked used now). */
function pickEligible(
  control: RunningSimulator['control'],
  candidates: readonly string[],
  used: Set<string>,
  count: number,
  since: number,
): AgentView[] {
  const picked: AgentView[] = [];
  for (const agentId of candidates) {
    if (picked.length >= count) break;
    if (used.has(agentId)) continue;
    const agent = control.getAgent(agentId);
    if (
      agent === undefined ||
      agent.systemPresence !== 'OnQueue' ||
      agent.adherenceState !== 'InAdherence' ||
      agent.scheduledActivityCategory !== 'OnQueueWork' ||
      Date.parse(agent.adherenceChangeTime) > since
    )
      continue;
    used.add(agentId);
    picked.push(agent);
  }
  if (picked.length < count) log(`only ${picked.length} of ${count} agents were eligible`);
  return picked;
}

/** Sets the agents away from `since` on (a change Genesys reports late); returns when each nudge is due. */
function driveBackdated(
  control: RunningSimulator['control'],
  agents: readonly AgentView[],
  since: number,
): ExpectedNudge[] {
  return agents.map((agent) => {
    control.setAgentActivity(agent.id, { systemPresence: 'Away', since });
    return { agentId: agent.id, dueAt: since + NUDGE_MS };
  });
}

/**
 * Drives 1 % of agents a minute out of adherence (until a minute before the end of the steady stretch, so that both
 * their thresholds fall due inside it) and brings each back 70 s later, after the supervisor alert.
 */
async function driveCrossings(
  control: RunningSimulator['control'],
  candidates: readonly string[],
  used: Set<string>,
  startAt: number,
): Promise<ExpectedNudge[]> {
  const expected: ExpectedNudge[] = [];
  const back: Array<{ agentId: string; at: number }> = [];
  // Until the last ones' supervisor alerts still fall due inside the stretch.
  const driveUntil = startAt + STEADY_MS - SUPERVISOR_MS;
  const perMs = (AGENTS * CROSSINGS_PER_MINUTE) / 60_000;
  while (Date.now() < startAt + STEADY_MS) {
    const now = Date.now();
    const due = Math.floor((Math.min(now, driveUntil) - startAt) * perMs) - expected.length;
    if (due > 0) {
      for (const agent of pickEligible(control, candidates, used, due, now)) {
        const view = control.setAgentActivity(agent.id, { systemPresence: 'Away' });
        expected.push({ agentId: agent.id, dueAt: Date.parse(view.adherenceChangeTime) + NUDGE_MS });
        back.push({ agentId: agent.id, at: now + 70_000 });
      }
    }
    while (back.length > 0 && back[0].at <= now) {
      const agentId = back.shift()!.agentId;
      if (control.getAgent(agentId)?.systemPresence === 'Away')
        control.setAgentActivity(agentId, { systemPresence: 'OnQueue' });
    }
    await sleep(250);
  }
  return expected;
}

/** Resolves (epoch ms of the last) once every expected nudge arrived after arrival index `from`. */
async function waitForNudges(
  syncArrivals: () => Promise<Arrival[]>,
  expected: readonly ExpectedNudge[],
  from: number,
): Promise<number> {
  const waiting = new Set(expected.map((nudge) => nudge.agentId));
  let lastAt = 0;
  let seen = from;
  while (waiting.size > 0) {
    await sleep(250);
    const arrivals = await syncArrivals();
    for (; seen < arrivals.length; seen += 1) {
      const arrival = arrivals[seen];
      const episode =
        arrival.kind === 'nudge' && arrival.episodeId ? parseEpisodeId(arrival.episodeId) : undefined;
      if (episode && waiting.delete(episode.agentId)) lastAt = Math.max(lastAt, arrival.at);
    }
  }
  return lastAt;
}

/**
 * Stored agent states, how many have an open episode, and those whose first nudge was due more than 5 s before `at`
 * but never went out (a check that did not run or did not finish), read straight from Azurite (not counted).
 */
async function countStoredStates(
  service: TableService,
  at: number,
): Promise<{ states: number; midEpisode: number; overdue: string[] }> {
  let states = 0;
  let midEpisode = 0;
  const overdue: string[] = [];
  for await (const state of new TableDriftStateStore(service.client('DriftState')).list()) {
    states += 1;
    const episode = state.episode;
    if (episode === undefined || episode.endedAt !== undefined) continue;
    midEpisode += 1;
    if (
      episode.nudgedAt === undefined &&
      episode.suppression === undefined &&
      state.nextDueAt !== undefined &&
      state.nextDueAt < at - 5_000
    )
      overdue.push(`${state.agentId} (${episode.stage}, due ${seconds(at - state.nextDueAt)} s ago)`);
  }
  return { states, midEpisode, overdue };
}

main().catch((error: unknown) => {
  log(`failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  process.exit(1);
});
