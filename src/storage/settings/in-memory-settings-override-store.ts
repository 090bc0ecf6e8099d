import type { SettingsOverrideStore } from '../../app/ports';

/** Settings overrides in a Map keyed by scope: the in-memory twin of the Table store. */
export class InMemorySettingsOverrideStore implements SettingsOverrideStore {
  private readonly rows = new Map<string, Readonly<Record<string, number>>>();

  async get(scope: string): Promise<Readonly<Record<string, number>> | undefined> {
    return this.rows.get(scope);
  }

  async upsert(scope: string, values: Readonly<Record<string, number>>): Promise<void> {
    this.rows.set(scope, { ...values });
  }

  async *list(): AsyncIterable<{
    readonly scope: string;
    readonly values: Readonly<Record<string, number>>;
  }> {
    for (const [scope, values] of [...this.rows]) yield { scope, values };
  }
}
