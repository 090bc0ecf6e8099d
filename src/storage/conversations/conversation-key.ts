import type { ConversationKind, ConversationRecord } from '../../app/ports/conversation-store';

/** The kind a conversation key stands for: `channel:<id>` keys are channels, Entra object ids personal chats. */
export function conversationKindOfKey(key: string): ConversationKind {
  return key.startsWith('channel:') ? 'channel' : 'personal';
}

/** Throws when a record's kind does not match its key (a programming error: the store partitions by kind). */
export function assertConversationKey(record: ConversationRecord): void {
  if (conversationKindOfKey(record.key) !== record.kind) {
    throw new Error(
      `conversation key "${record.key}" does not fit kind "${record.kind}" (channels use "channel:<id>")`,
    );
  }
}

/** Of several matches, the most recently updated one (both store twins pick the same). */
export function newestConversation(records: readonly ConversationRecord[]): ConversationRecord | undefined {
  return records.reduce<ConversationRecord | undefined>(
    (best, record) => (!best || record.updatedAt > best.updatedAt ? record : best),
    undefined,
  );
}
