import type { ScheduleCoverage } from '../../domain/drift-episode';

/** Looks up the agent's current schedule before the first nudge (overtime, time off, approved explanation). */
export interface ScheduleCoverageChecker {
  /** `overtimeActivityCodeIds`: the drift policy's (DRIFT_OVERTIME_ACTIVITY_CODES resolved to ids). */
  check(
    agentId: string,
    managementUnitId: string,
    at: number,
    overtimeActivityCodeIds: readonly string[],
  ): Promise<ScheduleCoverage>;
  /**
   * Optional: fetch what a check expected at `at` will need (the agent's drift began), without waiting, so the check
   * that comes when the nudge is due answers at once.
   */
  prepare?(agentId: string, managementUnitId: string, at: number): void;
}
