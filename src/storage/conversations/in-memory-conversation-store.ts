import type {
  ConversationKind,
  ConversationRecord,
  ConversationStore,
} from '../../app/ports/conversation-store';
import { assertConversationKey, newestConversation } from './conversation-key';

/** Conversation references in a Map keyed by `key`: the in-memory twin of the Table store. */
export class InMemoryConversationStore implements ConversationStore {
  private readonly rows = new Map<string, ConversationRecord>();

  async get(key: string): Promise<ConversationRecord | undefined> {
    return this.rows.get(key);
  }

  async upsert(record: ConversationRecord): Promise<void> {
    assertConversationKey(record);
    this.rows.set(record.key, record);
  }

  async delete(key: string): Promise<void> {
    this.rows.delete(key);
  }

  async findByAgentId(agentId: string): Promise<ConversationRecord | undefined> {
    return newestConversation([...this.rows.values()].filter((row) => row.agentId === agentId));
  }

  async findByEmail(email: string): Promise<ConversationRecord | undefined> {
    const wanted = email.trim().toLowerCase();
    return newestConversation(
      [...this.rows.values()].filter(
        (row) => row.email?.toLowerCase() === wanted || row.userPrincipalName?.toLowerCase() === wanted,
      ),
    );
  }

  async *list(kind?: ConversationKind): AsyncIterable<ConversationRecord> {
    for (const row of [...this.rows.values()]) if (kind === undefined || row.kind === kind) yield row;
  }

  async deleteByTeam(teamId: string): Promise<number> {
    let deleted = 0;
    for (const [key, row] of [...this.rows]) {
      if (row.teamId === teamId) {
        this.rows.delete(key);
        deleted += 1;
      }
    }
    return deleted;
  }
}
