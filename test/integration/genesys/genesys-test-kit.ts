import type { Clock, Logger, ObservationSink } from '../../../src/app/ports';
import type { AdherenceObservation } from '../../../src/domain/adherence-observation';
import { applyObservation } from '../../../src/domain/drift-engine';
import type { AgentDriftState } from '../../../src/domain/drift-episode';
import { makePolicy } from '../../support/drift-fixtures';

/** One captured log line. */
export interface LogLine {
  readonly level: string;
  readonly fields: Record<string, unknown>;
  readonly msg?: string;
}

/** A logger that keeps every line (bindings merged) for assertions. */
export function createRecordingLogger(
  lines: LogLine[] = [],
  bindings: Record<string, unknown> = {},
): Logger & { lines: LogLine[] } {
  const write = (level: string) => (obj: object | string, msg?: string) => {
    lines.push(
      typeof obj === 'string'
        ? { level, fields: { ...bindings }, msg: obj }
        : { level, fields: { ...bindings, ...(obj as Record<string, unknown>) }, msg },
    );
  };
  return {
    lines,
    debug: write('debug'),
    info: write('info'),
    warn: write('warn'),
    error: write('error'),
    child: (more) => createRecordingLogger(lines, { ...bindings, ...more }),
  };
}

/**
 * An observation sink that judges each observation as the drift core does (the client judges nothing) and records
 * those the core applies in `observations`, everything in `received`, refusals by reason, and schedule-change signals.
 */
export class RecordingSink implements ObservationSink {
  readonly received: AdherenceObservation[] = [];
  readonly observations: AdherenceObservation[] = [];
  readonly ignored: Record<string, number> = {};
  readonly scheduleChanges: string[] = [];
  private readonly states = new Map<string, AgentDriftState | undefined>();
  private readonly policy = makePolicy();

  async ingest(observation: AdherenceObservation): Promise<void> {
    this.received.push(observation);
    const decision = applyObservation(
      this.states.get(observation.agentId),
      observation,
      this.policy,
      observation.observedAt,
    );
    if (decision.ignored !== undefined) {
      this.ignored[decision.ignored] = (this.ignored[decision.ignored] ?? 0) + 1;
      return;
    }
    this.states.set(observation.agentId, decision.state);
    this.observations.push(observation);
  }

  signalScheduleChange(managementUnitId: string): void {
    this.scheduleChanges.push(managementUnitId);
  }

  /** Observations of one agent in arrival order. */
  ofAgent(agentId: string): AdherenceObservation[] {
    return this.observations.filter((o) => o.agentId === agentId);
  }
}

/** A clock the test sets by hand. */
export class ManualClock implements Clock {
  constructor(private at: number) {}
  now(): number {
    return this.at;
  }
  advance(ms: number): void {
    this.at += ms;
  }
}

/** Polls `condition` every 10 ms until true, failing after `timeoutMs` with `what` (a wait for an outcome, not a timing assertion). */
export async function waitFor(condition: () => boolean, what: string, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
