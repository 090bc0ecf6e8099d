import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SystemClock } from '../platform/system-clock';
import { AdherenceEngine, type AdherenceSnapshot } from './adherence-engine';
import { CentreChanges } from './centre-changes';
import { buildContactCentre } from './contact-centre';
import { createControlRouter } from './control-routes';
import { DownloadStore } from './download-store';
import { FaultInjector } from './fault-injector';
import { writeReply } from './http-router';
import { NotificationHub } from './notification-hub';
import { RateLimiter } from './rate-limiter';
import { createRestRouter } from './rest-routes';
import {
  agentSchedulesChangedEvent,
  applyScheduleChange,
  businessUnitSchedulesEvent,
  type ScheduleChangeRequest,
  type ScheduleChangeResult,
} from './schedule-change';
import { SeededRandom } from './seeded-random';
import { ShiftScenario } from './shift-scenario';
import { SimulatorClock } from './simulator-clock';
import { createSimulatorRequestHandler } from './simulator-http';
import { createSimulatorControl, type SimulatorControl } from './simulator-control';
import { createCounters } from './simulator-counters';
import { resolveSimulatorOptions, type SimulatorOptions } from './simulator-options';
import { TokenIssuer } from './token-issuer';
import { adherenceEventBody, errorBody, toIso } from './wire-format';

export type { SimulatorOptions } from './simulator-options';
export type { SimulatorControl } from './simulator-control';

/** A running simulator: where to reach it, its OAuth client, its control API, and how to stop it. */
export interface RunningSimulator {
  /** `http://127.0.0.1:<port>`: the API host (`https://api.<env>` in Genesys). */
  readonly apiUrl: string;
  /** `http://127.0.0.1:<port>`: the login host (`https://login.<env>` in Genesys); same server as `apiUrl`. */
  readonly loginUrl: string;
  readonly clientId: string;
  readonly clientSecret: string;
  readonly control: SimulatorControl;
  /** Closes sockets, the server and every timer; idempotent. */
  stop(): Promise<void>;
}

const DAY_MS = 86_400_000;

/** Starts a Genesys Cloud simulator on 127.0.0.1 (port 0 by default) and resolves once it listens. */
export async function startGenesysSimulator(input: SimulatorOptions = {}): Promise<RunningSimulator> {
  const wall = new SystemClock();
  const options = resolveSimulatorOptions(input, wall.now());
  const clock = new SimulatorClock({
    startAt: options.startAt,
    timeScale: options.timeScale,
    manual: options.manualClock,
  });
  const centre = buildContactCentre({
    seed: options.seed,
    units: options.units,
    agentsPerUnit: options.agentsPerUnit,
    agents: options.agents,
    startAt: options.startAt,
    agentIdentities: options.agentIdentities,
  });
  // The realistic day begins with every agent's status changed some seconds after their activity began, as the
  // shift scenario's agents do at every later boundary; idle agents follow the schedule to the millisecond.
  const settleRandom = new SeededRandom(`${options.seed}:settled`);
  const engine = new AdherenceEngine(
    centre,
    clock,
    options.scenario === 'idle',
    options.scenario === 'shift' ? () => settleRandom.int(0, 59_999) : undefined,
  );
  const counters = createCounters();
  const faultRandom = new SeededRandom(`${options.seed}:faults`);
  const faults = new FaultInjector(() => faultRandom.next());
  const changes = new CentreChanges(centre, options.seed);
  const idRandom = new SeededRandom(`${options.seed}:ids`);
  const tokens = new TokenIssuer({
    clientId: options.clientId,
    clientSecret: options.clientSecret,
    expiresInSeconds: options.tokenExpiresInSeconds,
    now: () => clock.now(),
  });
  const limiter = new RateLimiter(options.rateLimitPerMinute, () => wall.now());
  let baseUrl = '';
  const downloads = new DownloadStore(() => baseUrl);
  const hub = new NotificationHub({
    clock,
    faults,
    counters,
    permissions: options.permissions,
    heartbeatIntervalMs: options.heartbeatIntervalMs,
    maxChannelsPerClient: options.maxChannelsPerClient,
    maxTopicsPerChannel: options.maxTopicsPerChannel,
    channelLifetimeInMs: DAY_MS,
    organizationId: centre.organizationId,
    socketBaseUrl: () => baseUrl.replace(/^http/, 'ws'),
  });

  const publishAdherence = (snapshot: AdherenceSnapshot, removedFromManagementUnit = false): void => {
    const body = adherenceEventBody(centre, snapshot, removedFromManagementUnit);
    // Fault: a frame dated by a wrong clock (a year-2099 instant, or days ago), as another system may send.
    const misdate = faults.takeMisdate();
    if (misdate)
      body.adherenceChangeTime =
        misdate.adherenceChangeTime ?? toIso(snapshot.adherenceChangedAt + (misdate.offsetMs ?? 0));
    const agent = snapshot.agent;
    hub.publish(`v2.workforcemanagement.managementunits.${agent.managementUnitId}.adherence`, body, true);
    hub.publish(`v2.workforcemanagement.teams.${agent.teamId}.adherence`, body, true);
    hub.publish(`v2.users.${agent.id}.workforcemanagement.adherence`, body, true);
  };
  engine.onChange((snapshot) => publishAdherence(snapshot));

  /** An agent leaves their unit: the last event says `removedFromManagementUnit`, then nothing more is published. */
  const removeAgentFromUnit = (agentId: string): AdherenceSnapshot => {
    const last = engine.removeAgent(agentId);
    changes.removeAgentFromUnit(agentId);
    publishAdherence(last, true);
    return last;
  };

  const publishScheduleChange = (
    managementUnitId: string,
    request: ScheduleChangeRequest,
  ): ScheduleChangeResult => {
    const now = clock.now();
    const change = applyScheduleChange(centre, managementUnitId, request, now);
    const topics = request.publish ?? ['businessUnitSchedules', 'agentSchedulesChanged'];
    if (topics.includes('businessUnitSchedules')) {
      hub.publish(
        `v2.workforcemanagement.businessunits.${change.businessUnitId}.schedules`,
        businessUnitSchedulesEvent(centre, change, now),
        false,
      );
    }
    if (topics.includes('agentSchedulesChanged')) {
      hub.publish(
        `v2.workforcemanagement.managementunits.${change.managementUnitId}.agentschedules.changed`,
        agentSchedulesChangedEvent(change),
        false,
      );
    }
    engine.refreshSchedules(change.agentIds);
    return change;
  };

  const scenario =
    options.scenario === 'shift'
      ? new ShiftScenario({
          centre,
          engine,
          clock,
          seed: options.seed,
          republish: (unitId, agentIds, startAt) =>
            publishScheduleChange(unitId, {
              agentIds,
              startAt,
              durationMinutes: 15,
              activityCodeName: 'Meeting',
            }),
          hire: (managementUnitId) => {
            const agent = changes.addAgent({ managementUnitId, shiftStartsInMinutes: -15 }, clock.now());
            engine.addAgent(agent);
            // Genesys reports the new hire at once: logged out while their shift has begun.
            engine.announce(agent.id);
            return agent;
          },
          explain: (agentId, asExplained) =>
            engine.explain(agentId, { id: idRandom.uuid(), status: 'Approved', asExplained }),
        })
      : undefined;

  const control = createSimulatorControl({
    centre,
    clock,
    engine,
    hub,
    faults,
    tokens,
    counters,
    publishScheduleChange,
    changes,
    removeAgentFromUnit,
    newId: () => idRandom.uuid(),
  });
  const restRouter = createRestRouter({ centre, engine, hub, downloads, options, faults, counters });
  const controlRouter = createControlRouter(control);

  const handle = createSimulatorRequestHandler({
    baseUrl: () => baseUrl,
    controlRouter,
    restRouter,
    downloads,
    tokens,
    limiter,
    faults,
    counters,
  });

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (!res.headersSent)
        writeReply(
          res,
          req.method ?? 'GET',
          {
            status: 500,
            body: errorBody(
              500,
              'internal.server.error',
              error instanceof Error ? error.message : 'Internal error',
            ),
          },
          {},
        );
      else res.destroy();
    });
  });
  server.on('upgrade', (req, socket, head) => hub.handleUpgrade(req, socket, head));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, '127.0.0.1', () => resolve());
  });
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  let stopping: Promise<void> | undefined;
  return {
    apiUrl: baseUrl,
    loginUrl: baseUrl,
    clientId: options.clientId,
    clientSecret: options.clientSecret,
    control,
    stop() {
      stopping ??= new Promise<void>((resolve) => {
        scenario?.stop();
        engine.dispose();
        clock.dispose();
        hub.close();
        server.close(() => resolve());
        server.closeAllConnections();
      });
      return stopping;
    },
  };
}
