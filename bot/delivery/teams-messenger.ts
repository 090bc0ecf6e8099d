import type { DeliveryResult } from '../../src/app/ports/alert-notifier';
import type { ConversationRecord } from '../../src/app/ports/conversation-store';

/** A failure of a Teams call, mapped from the HTTP status (same vocabulary as a delivery). */
export type TeamsFailure = Exclude<DeliveryResult, { readonly status: 'sent' }>;

/** A Teams call's value or its failure. */
export type TeamsCallResult<T> = { readonly status: 'ok'; readonly value: T } | TeamsFailure;

/** Enough to create a personal chat with a user the app is installed for: the Entra object id goes in `members[].id`. */
export interface PersonalTarget {
  readonly aadObjectId: string;
  readonly tenantId?: string;
  readonly serviceUrl: string;
}

/** Where a conversation lives: its service URL and id, and the stored reference when there is one. */
export interface ConversationLocation {
  readonly serviceUrl: string;
  readonly conversationId: string;
  readonly tenantId?: string;
  readonly reference?: Readonly<Record<string, unknown>>;
}

/** A member of a team or chat as Teams returns it (object id read from `aadObjectId ?? objectId`). */
export interface TeamsMember {
  readonly id: string;
  readonly aadObjectId?: string;
  readonly name?: string;
  readonly email?: string;
  readonly userPrincipalName?: string;
  readonly tenantId?: string;
}

/** A channel of a team; the General channel has no name and its id is the team id. */
export interface TeamsChannelInfo {
  readonly id: string;
  readonly name?: string;
}

/** A newly created personal conversation: its id and a reference to store. */
export interface CreatedConversation {
  readonly conversationId: string;
  readonly reference: Readonly<Record<string, unknown>>;
}

/**
 * What the bot needs from Teams, free of SDK types (implemented by bot/teams/teams-gateway.ts on botbuilder).
 * Every call answers with a value; HTTP failures are mapped (429 throttled, 403/404 recipientGone, 412/5xx retryable).
 */
export interface TeamsMessenger {
  sendToPersonal(target: ConversationRecord | PersonalTarget, card: object): Promise<DeliveryResult>;
  createPersonalConversation(target: PersonalTarget): Promise<TeamsCallResult<CreatedConversation>>;
  /** Sends a card into an existing conversation (a personal chat, or a new post in a channel by its id). */
  sendCard(location: ConversationLocation, card: object): Promise<DeliveryResult>;
  /** Starts a new thread in the channel; `conversationId` of the result is the thread id. */
  postToChannel(channel: ConversationRecord, card: object): Promise<DeliveryResult>;
  updateCard(
    location: ConversationLocation,
    activityId: string,
    card: object,
  ): Promise<TeamsCallResult<void>>;
  getMember(
    location: ConversationLocation,
    userId: string,
  ): Promise<TeamsCallResult<TeamsMember | undefined>>;
  /**
   * Every member of the team, following continuation tokens to the end; `beforeEachPage` (the Teams budget) is awaited
   * before each page, and a false answer stops with the members read so far.
   */
  getPagedTeamMembers(
    location: ConversationLocation,
    teamId: string,
    beforeEachPage?: () => Promise<boolean>,
  ): Promise<TeamsCallResult<TeamsMember[]>>;
  listTeamChannels(
    location: ConversationLocation,
    teamId: string,
  ): Promise<TeamsCallResult<TeamsChannelInfo[]>>;
}
