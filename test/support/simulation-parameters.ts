import {
  centralParameters,
  withParameters,
  type OutcomeParameters,
} from '../../src/simulation/outcome-parameters';

/** Central parameters with every cause of drift turned off, plus `changes`: a test turns on only what it checks. */
export function quietParameters(
  changes: Partial<Record<keyof OutcomeParameters, number>> = {},
): OutcomeParameters {
  return withParameters(centralParameters(), {
    lateBackPerShift: 0,
    lateLoginPerShift: 0,
    earlyLogoutPerShift: 0,
    statusNotChangedPerShift: 0,
    meetingOverrunChance: 0,
    coachingPerShift: 0,
    systemIssuePerShift: 0,
    slipChance: 0,
    briefAuxPerShift: 0,
    occupancy: 0,
    ...changes,
  });
}
