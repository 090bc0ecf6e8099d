import type { AgentProfile, AgentProfileSnapshot } from '../../app/ports/agent-directory';

/** The agent profile copy in memory (unit tests, the local demo). */
export class InMemoryAgentProfileSnapshot implements AgentProfileSnapshot {
  private readonly profiles = new Map<string, AgentProfile>();

  async *list(): AsyncIterable<AgentProfile> {
    yield* [...this.profiles.values()];
  }

  save(profiles: readonly AgentProfile[]): Promise<void> {
    for (const profile of profiles) this.profiles.set(profile.id, { ...profile });
    return Promise.resolve();
  }
}
