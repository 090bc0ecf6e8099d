import type { Clock, Scheduler } from '../platform/clock';
import type { Logger } from '../platform/logger';
import { describeError } from '../platform/describe-error';

/** The steps of a drain, each owned by one part of the instance (see `startApplication` in bot/application.ts). */
export interface DrainSteps {
  /** Takes no new unit from now on (`UnitOwnership.stopAcquiring`). */
  stopAcquiring(): Promise<void>;
  /** Stops the intake and waits until what it already handed over has been taken in (the Genesys stream). */
  stopIntake(): Promise<void>;
  /**
   * Stops the drift work (`DriftMonitor.stop`): no new sends, sends still waiting handed back unsent, sends on the wire
   * finished and recorded.
   */
  finishWork(): Promise<void>;
  /** Releases every lease held, so another instance takes the units over at once (`UnitOwnership.stop`). */
  releaseLeases(): Promise<void>;
}

/** Ports and limits of {@link drainInstance}. */
export interface DrainOptions {
  readonly clock: Clock;
  readonly scheduler: Scheduler;
  readonly logger: Logger;
  /**
   * Longest wait for sends on the wire before the leases are released anyway; default 5 s. A send still unanswered
   * then is left claimed, so the next owner sends it again and marks it in doubt (at-least-once, never lost).
   */
  readonly finishWithinMs?: number;
}

/** What a drain did: whether the work finished within the limit, and how long the drain took (ms). */
export interface DrainReport {
  readonly isWorkFinished: boolean;
  readonly tookMs: number;
}

const deadlineKey = 'job:drain:deadline';

/**
 * Drains an instance on SIGTERM (what Azure Container Apps, App Service and Kubernetes send before stopping it), in
 * an order that neither loses nor repeats an alert: take no new units, stop the intake, finish or hand back the sends,
 * then release the leases, so another replica owns the units within its watch period rather than after the lease
 * lifetime. Releasing last matters: a lease released while a send is on the wire would let the next owner send the
 * same message again.
 */
export async function drainInstance(steps: DrainSteps, options: DrainOptions): Promise<DrainReport> {
  const { clock, scheduler, logger } = options;
  const startedAt = clock.now();
  const finishWithinMs = options.finishWithinMs ?? 5_000;
  logger.info({ finishWithinMs }, 'draining: taking no new units');
  await steps.stopAcquiring();
  await steps.stopIntake();
  let isWorkFinished = false;
  const finished = steps.finishWork().then(
    () => {
      isWorkFinished = true;
    },
    (error: unknown) => {
      logger.error({ err: describeError(error) }, 'error while finishing the drift work');
    },
  );
  const deadline = new Promise<void>((resolve) =>
    scheduler.schedule(deadlineKey, startedAt + finishWithinMs, resolve),
  );
  await Promise.race([finished, deadline]);
  scheduler.cancel(deadlineKey);
  if (!isWorkFinished)
    logger.warn(
      { finishWithinMs },
      'sends still unanswered at the drain limit: releasing the units anyway (the next owner resends them, marked in doubt)',
    );
  await steps.releaseLeases();
  const report = { isWorkFinished, tookMs: clock.now() - startedAt };
  logger.info(report, 'drained: units released');
  return report;
}
