/**
 * The drift core: pure transitions of one agent's drift state. Each function takes the current state, an input
 * (an observation, a due check, a card action) and `now` (epoch ms), and returns the next state plus the side
 * effects as data (DriftCommand); it never reads a clock, never does I/O and never runs a command.
 *
 * One module per concern, gathered here: the observation transition (apply-observation.ts), the due check
 * (apply-due.ts), card actions and the pre-check's answer (apply-action.ts), dampening (apply-dampening.ts), the
 * episode lifecycle (episode-lifecycle.ts) and next-due planning (next-due-plan.ts).
 *
 * An episode starts at Genesys's `adherenceChangedAt` (never the receipt time) and escalates, counted from its
 * clock start (`clockStartedAt ?? driftStartedAt`): nudge, supervisor alert, formal exception (see thresholds.ts).
 * `state.nextDueAt` is always the absolute instant of the agent's pending check (`agent:<agentId>`), or undefined.
 *
 * What each observation does (the README carries the same table):
 *
 * | observation                                   | no open episode                      | open episode                                                    |
 * |-----------------------------------------------|--------------------------------------|-----------------------------------------------------------------|
 * | `OutOfAdherence`                               | opens a drifting episode             | continues it; a newer adherenceChangedAt after `OutOfAdherence` or `Explained` means a change was missed or a suppression lapsed: the episode ends and a new one opens; after `Unknown` it resumes with its clock |
 * | `OutOfAdherence` in an excluded category/code  | opens a suppressed episode (`excludedActivity`), kept in history | suppresses it                          |
 * | `OutOfAdherence` in an overtime activity code  | opens a suppressed episode (`overtimeActivity`) | suppresses it                                        |
 * | `OutOfAdherence` with an Approved explanation  | opens a suppressed episode (`approvedExplanation`) | suppresses it                                     |
 * | `Explained`                                    | opens a suppressed episode (`approvedExplanation`) | suppresses it (it stays open until the agent is back) |
 * | `InAdherence`, `Unscheduled`                   | nothing                              | ends it (Genesys counts no adherence outside the schedule)       |
 * | `Ignored`                                      | nothing (no evidence of drift)       | ends it as excluded (`excludedActivity`, outcome `suppressed` unless it already became a formal exception) |
 * | `Unknown` (and any unknown value)              | nothing                              | pauses it: the clock keeps its start, no check is pending, nothing escalates until a known state arrives |
 * | `removedFromUnit`                              | nothing                              | ends it (`removedFromUnit`); the agent's state is deleted        |
 *
 * Outcome of an ended episode: `removedFromUnit`; else `becameFormalException` once recorded; else `suppressed`
 * while suppressed; else by the last stage reached (resolved before nudge / after nudge / after supervisor alert).
 * A suppressed episode (excluded, overtime, approved explanation, approved overtime, time off) never nudges,
 * alerts or records a formal exception; a held one (`snoozed`, `dampened`) resumes when the hold ends and its
 * formal exception is still recorded (snoozed) or counted from the release (dampened).
 */
export { applyAction } from './apply-action';
export { applyDampening } from './apply-dampening';
export { applyDue, needsScheduleCheck } from './apply-due';
export { applyObservation } from './apply-observation';
export { agentCheckKey, type DriftDecision } from './drift-decision';
export { alertDueInstants } from './next-due-plan';
