/** Kind of a stored Teams conversation. */
export type ConversationKind = 'personal' | 'channel';

/**
 * A Teams conversation the bot can write to proactively. `key` is the Entra object id for a personal chat,
 * and `channel:<teamsChannelId>` for a channel. `reference` is the opaque Bot Framework conversation reference.
 */
export interface ConversationRecord {
  readonly key: string;
  readonly kind: ConversationKind;
  readonly tenantId?: string;
  readonly serviceUrl: string;
  readonly conversationId: string;
  readonly reference: Readonly<Record<string, unknown>>;
  readonly aadObjectId?: string;
  readonly email?: string;
  readonly userPrincipalName?: string;
  readonly displayName?: string;
  /** The Genesys agent this Teams user is linked to (matched by email or UPN). */
  readonly agentId?: string;
  readonly teamId?: string;
  readonly teamName?: string;
  readonly channelId?: string;
  readonly channelName?: string;
  /** Set when Teams answered 403/404: the reference can no longer be used. */
  readonly deadReason?: string;
  readonly updatedAt: number;
}

/** Stored conversation references (personal chats and channels). */
export interface ConversationStore {
  get(key: string): Promise<ConversationRecord | undefined>;
  upsert(record: ConversationRecord): Promise<void>;
  delete(key: string): Promise<void>;
  findByAgentId(agentId: string): Promise<ConversationRecord | undefined>;
  /** Matches email or UPN, case-insensitively. */
  findByEmail(email: string): Promise<ConversationRecord | undefined>;
  list(kind?: ConversationKind): AsyncIterable<ConversationRecord>;
  /** Deletes every record of a Teams team (channels of an uninstalled team). */
  deleteByTeam(teamId: string): Promise<number>;
}
