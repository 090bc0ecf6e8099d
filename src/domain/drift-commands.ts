import type { Actor, AgentReplyReason, DriftEpisode, ScheduleCoverage } from './drift-episode';

/** What changed on an episode, so cards can say it. */
export type EpisodeChange =
  | 'acknowledged'
  | 'snoozed'
  | 'approvedOvertime'
  | 'agentReplied'
  | 'backInAdherence'
  | 'formalException'
  | 'suppressed'
  | 'reAlerted'
  /** A message of the episode was dead-lettered (e.g. the agent's chat is gone); the card says it could not be delivered. */
  | 'deliveryFailed';

/**
 * Side effects the drift core asks for, as data; the monitor runs them.
 * Scheduler keys: `agent:<agentId>` for an agent's next check, `unit:<managementUnitId>` for a dampening release.
 */
export type DriftCommand =
  | { readonly type: 'scheduleCheck'; readonly key: string; readonly dueAt: number }
  | { readonly type: 'cancelCheck'; readonly key: string }
  | { readonly type: 'nudgeAgent'; readonly episode: DriftEpisode }
  | { readonly type: 'alertSupervisor'; readonly episode: DriftEpisode; readonly isReAlert: boolean }
  | { readonly type: 'recordFormalException'; readonly episode: DriftEpisode }
  | { readonly type: 'updateCards'; readonly episode: DriftEpisode; readonly change: EpisodeChange }
  | { readonly type: 'writeHistory'; readonly episode: DriftEpisode };

/** Inputs from people (card actions) and from the schedule pre-check. `episodeId` names the episode acted on. */
export type DriftAction =
  | { readonly type: 'acknowledge'; readonly episodeId: string; readonly by: Actor; readonly at: number }
  | {
      readonly type: 'snooze';
      readonly episodeId: string;
      readonly by: Actor;
      readonly at: number;
      readonly until: number;
    }
  | {
      readonly type: 'approveOvertime';
      readonly episodeId: string;
      readonly by: Actor;
      readonly at: number;
      readonly until: number;
    }
  | {
      readonly type: 'agentReply';
      readonly episodeId: string;
      readonly by: Actor;
      readonly at: number;
      readonly reason: AgentReplyReason;
      readonly text?: string;
    }
  | {
      readonly type: 'scheduleChecked';
      readonly episodeId: string;
      readonly at: number;
      readonly coverage: ScheduleCoverage;
    };

/**
 * Why an observation was not applied: older than what was applied (`stale`), the same again (`duplicate`), or an
 * `adherenceChangeTime` more than 24 h before the frame arrived (`changeTimeTooOld`, not believed).
 */
export type IgnoredReason = 'stale' | 'duplicate' | 'changeTimeTooOld';

/** Why an applied observation's adherenceChangeTime was changed: it lay beyond the clock skew allowance after arrival. */
export type ClampReason = 'changeTimeInFuture';

/** How an action was taken: applied, stale (the episode has ended or is not the current one), or a no-op repeat. */
export type ActionResult = 'applied' | 'stale' | 'unchanged';
