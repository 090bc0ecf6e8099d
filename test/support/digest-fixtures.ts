import type { DriftHistoryRecord } from '../../src/app/ports/drift-history-store';
import type { DriftEpisode, DriftOutcome } from '../../src/domain/drift-episode';

const MINUTE = 60_000;

/** How long an ended episode of each outcome lasted (thresholds 6 / 10 / 15 min). */
const MINUTES_OF: Readonly<Record<string, number>> = {
  resolvedBeforeNudge: 3,
  resolvedAfterNudge: 8,
  resolvedAfterSupervisorAlert: 13,
  becameFormalException: 22,
};

/**
 * One ended drift episode as the monitor records it in history, with the stage instants its outcome implies
 * (nudge at 6 min, supervisor alert at 10, formal exception at 15).
 */
export function endedEpisode(options: {
  readonly agentId: string;
  readonly agentName: string;
  readonly managementUnitId: string;
  readonly teamId?: string;
  readonly startedAt: number;
  readonly outcome: DriftOutcome;
  readonly scheduledActivityCategory?: string;
}): DriftHistoryRecord {
  const { startedAt } = options;
  const minutes = MINUTES_OF[options.outcome] ?? 5;
  const episode: DriftEpisode = {
    id: `${options.agentId}:${startedAt}`,
    agentId: options.agentId,
    managementUnitId: options.managementUnitId,
    ...(options.teamId === undefined ? {} : { teamId: options.teamId }),
    driftStartedAt: startedAt,
    scheduledActivityCategory: options.scheduledActivityCategory ?? 'OnQueueWork',
    actualActivityCategory: 'Unavailable',
    stage:
      minutes >= 15
        ? 'formalException'
        : minutes >= 10
          ? 'supervisorAlerted'
          : minutes >= 6
            ? 'nudged'
            : 'drifting',
    ...(minutes >= 6 ? { nudgedAt: startedAt + 6 * MINUTE } : {}),
    ...(minutes >= 10 ? { supervisorAlertedAt: startedAt + 10 * MINUTE } : {}),
    ...(minutes >= 15 ? { formalExceptionAt: startedAt + 15 * MINUTE } : {}),
    endedAt: startedAt + minutes * MINUTE,
    outcome: options.outcome,
  };
  return { episode, agentName: options.agentName, recordedAt: startedAt + minutes * MINUTE };
}
