import type { Logger } from '../../src/platform/logger';
import type { TeamAwareDirectory, WatchTarget } from './watch-target-resolver';
import { listKnownTeams } from './watch-target-resolver';
import { describeError } from '../../src/platform/describe-error';

/** Who typed a routing command, as far as Teams tells us. */
export interface CommandSender {
  readonly aadObjectId?: string;
  readonly email?: string;
  readonly userPrincipalName?: string;
}

/** Options of {@link RoutingEntitlements}. */
export interface RoutingEntitlementsOptions {
  /** WATCH_ADMINS: emails, UPNs or Entra object ids (any case). */
  readonly admins: readonly string[];
  /** WATCH_ALLOW_UNIT_MANAGERS: the Genesys manager of a unit's agents may route that unit and its teams. */
  readonly allowUnitManagers: boolean;
  readonly directory: TeamAwareDirectory;
  /** Email of a Genesys user by id (GET /api/v2/users/{id}); needed only with allowUnitManagers. */
  readonly userEmail?: (userId: string) => Promise<string | undefined>;
  readonly logger: Logger;
}

/** Most distinct managers looked up for one unit (a unit has a handful of supervisors). */
const MAX_MANAGERS_PER_UNIT = 50;

/**
 * Decides who may route supervisor alerts (`watch`, `unwatch`, `move`): adherence data is employee performance data,
 * so only the people the admin named in WATCH_ADMINS may, plus, when the admin turns it on, the Genesys manager
 * (`manager` of the user record) of agents in the unit being routed, matched by Teams email or UPN. `watch all`
 * stays with the admins.
 */
export class RoutingEntitlements {
  private readonly admins: ReadonlySet<string>;
  private readonly managerEmails = new Map<string, Promise<string | undefined>>();

  constructor(private readonly options: RoutingEntitlementsOptions) {
    this.admins = new Set(options.admins.map((entry) => entry.trim().toLowerCase()));
  }

  /** Whether the sender's email or UPN matters (some admin is named by email/UPN, or managers may route). */
  needsProfile(): boolean {
    return this.options.allowUnitManagers || [...this.admins].some((entry) => entry.includes('@'));
  }

  /** Whether the sender is one of WATCH_ADMINS. */
  isAdmin(sender: CommandSender): boolean {
    return identitiesOf(sender).some((identity) => this.admins.has(identity));
  }

  /** Whether the sender may route (or stop routing) this target here. */
  async mayRoute(sender: CommandSender, target: WatchTarget): Promise<boolean> {
    if (this.isAdmin(sender)) return true;
    if (!this.options.allowUnitManagers || target.scope === 'all') return false;
    const identities = new Set(identitiesOf(sender).filter((identity) => identity.includes('@')));
    if (identities.size === 0) return false;
    const unitId =
      target.scope === 'managementUnit'
        ? target.targetId
        : listKnownTeams(this.options.directory).find((team) => team.id === target.targetId)
            ?.managementUnitId;
    if (unitId === undefined) return false;
    for (const managerId of this.managersOf(unitId)) {
      const email = await this.emailOf(managerId);
      if (email !== undefined && identities.has(email)) return true;
    }
    return false;
  }

  /** Who may route alerts, for a refusal: the admins named by email or UPN (at most three), and the managers rule. */
  describeWhoMay(): string {
    const named = [...this.admins].filter((entry) => entry.includes('@'));
    const admins =
      named.length === 0
        ? 'the people your Teams admin named for this app'
        : `${named.slice(0, 3).join(', ')}${named.length > 3 ? ` and ${named.length - 3} more` : ''}`;
    const managers = this.options.allowUnitManagers
      ? ", and for one unit or team, the Genesys supervisors of that unit's agents"
      : '';
    return this.admins.size === 0 && !this.options.allowUnitManagers
      ? 'nobody yet: your Teams admin chooses who (the WATCH_ADMINS setting)'
      : `${admins}${managers}`;
  }

  private managersOf(unitId: string): string[] {
    const ids = new Set<string>();
    for (const agent of this.options.directory.listAgents?.() ?? []) {
      if (agent.managementUnitId === unitId && agent.managerId !== undefined) ids.add(agent.managerId);
      if (ids.size >= MAX_MANAGERS_PER_UNIT) break;
    }
    return [...ids];
  }

  private emailOf(userId: string): Promise<string | undefined> {
    const known = this.options.directory.getAgent(userId)?.email;
    if (known !== undefined) return Promise.resolve(known.toLowerCase());
    let lookup = this.managerEmails.get(userId);
    if (lookup === undefined) {
      lookup = (this.options.userEmail?.(userId) ?? Promise.resolve(undefined)).then(
        (email) => email?.trim().toLowerCase(),
        (error: unknown) => {
          // Not cached: a later command tries again.
          this.managerEmails.delete(userId);
          this.options.logger.warn(
            { err: describeError(error) },
            'could not read a Genesys manager; treated as not entitled',
          );
          return undefined;
        },
      );
      this.managerEmails.set(userId, lookup);
    }
    return lookup;
  }
}

function identitiesOf(sender: CommandSender): string[] {
  return [sender.aadObjectId, sender.email, sender.userPrincipalName]
    .filter((value): value is string => typeof value === 'string' && value.trim() !== '')
    .map((value) => value.trim().toLowerCase());
}
