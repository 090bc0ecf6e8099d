import type { Clock } from '../platform/clock';
import type { Logger } from '../platform/logger';
import { describeError } from '../platform/describe-error';
import type { AdherenceIntake } from './adherence-intake';
import type { GenesysDirectory } from './genesys-directory';
import type { GenesysMetrics } from './genesys-metrics';
import type { GenesysRestClient } from './genesys-rest-client';
import type { RestoreScope } from './subscription-topics';

/**
 * Most user ids `GET /api/v2/workforcemanagement/adherence` takes per request (MyPureCloud/platform-client-sdk-javascript
 * build/docs/WorkforceManagementApi.md).
 */
const MAX_USERS_PER_ADHERENCE_REQUEST = 100;

/** Collaborators of an {@link AdherenceRestorer}. */
export interface AdherenceRestorerOptions {
  readonly rest: GenesysRestClient;
  /** Where restored rows go (events arriving meanwhile are held back there). */
  readonly intake: Pick<AdherenceIntake, 'beginRestore' | 'endRestore' | 'acceptRows'>;
  readonly directory: Pick<GenesysDirectory, 'listAgentsOfUnit'>;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly metrics: GenesysMetrics;
}

/**
 * The restore after each (re)connect: current adherence snapshots (raw `UserScheduleAdherence` rows) of a stream's
 * units and users, handed to the intake as `restore` observations while events are held back.
 */
export class AdherenceRestorer {
  private isRestored: (managementUnitId: string) => boolean = () => true;

  constructor(private readonly options: AdherenceRestorerOptions) {}

  /**
   * After a (re)connect, restores only the units `isProcessed` says this instance processes (its unit leases): the
   * others' observations would be dropped, and events wait while a restore runs. Default: every subscribed unit.
   */
  restoreOnly(isProcessed: (managementUnitId: string) => boolean): void {
    this.isRestored = isProcessed;
  }

  /** Restores every unit and user of `scope`; a failure is counted and logged, and events carry on alone. */
  async restore(scope: RestoreScope): Promise<void> {
    const { intake, clock, metrics } = this.options;
    // Units nobody here processes would be read only to be dropped (their owner restores them when it adopts them),
    // and every event waits while a restore runs: at start, before any lease is taken, that is every unit.
    const unitIds = scope.unitIds.filter((unitId) => this.isRestored(unitId));
    if (unitIds.length === 0 && scope.userIds.length === 0) return;
    intake.beginRestore();
    const startedAt = clock.now();
    try {
      for (const unitId of unitIds) intake.acceptRows(await this.fetchUnitRows(unitId), clock.now(), unitId);
      if (scope.userIds.length > 0)
        intake.acceptRows(await this.fetchUsers(scope.userIds), clock.now(), undefined);
      metrics.restores++;
    } catch (error) {
      metrics.restoreFailures++;
      this.options.logger.error(
        { err: describeError(error) },
        'Adherence restore failed; continuing with events only',
      );
    } finally {
      const durationMs = clock.now() - startedAt;
      metrics.lastRestoreDurationMs = durationMs;
      metrics.totalRestoreDurationMs += durationMs;
      intake.endRestore();
    }
  }

  /** A unit's rows, or, when the unit endpoint fails, its agents' rows from the per-user endpoint. */
  async fetchUnitRows(unitId: string): Promise<unknown[]> {
    try {
      return await this.fetchUnit(unitId);
    } catch (error) {
      // Fallback: the per-user endpoint in batches of 100.
      this.options.logger.warn(
        { managementUnitId: unitId, err: describeError(error) },
        'Unit adherence unavailable; restoring per agent',
      );
      return this.fetchUsers(this.options.directory.listAgentsOfUnit(unitId).map((agent) => agent.id));
    }
  }

  /** Current adherence of every agent of a unit, following `downloadUrl` when the answer comes that way. */
  async fetchUnit(managementUnitId: string): Promise<unknown[]> {
    const { rest } = this.options;
    const data = await rest.get<{ entities?: unknown; downloadUrl?: unknown }>(
      `/api/v2/workforcemanagement/managementunits/${encodeURIComponent(managementUnitId)}/adherence`,
    );
    const entities: unknown[] = Array.isArray(data?.entities) ? (data.entities as unknown[]) : [];
    if (entities.length > 0) return entities;
    if (typeof data?.downloadUrl === 'string') {
      // Too-big results carry only a downloadUrl (`UserScheduleAdherenceListing`, MyPureCloud/platform-client-sdk-
      // javascript build/index.d.ts); the document's shape there is UNCONFIRMED, so take a listing or a bare array.
      const document = await rest.get<unknown>(data.downloadUrl);
      return rowsOf(document);
    }
    return entities;
  }

  /** Current adherence of the given agents, in batches of at most 100 ids (the per-user fallback). */
  async fetchUsers(userIds: readonly string[]): Promise<unknown[]> {
    const rows: unknown[] = [];
    for (let i = 0; i < userIds.length; i += MAX_USERS_PER_ADHERENCE_REQUEST) {
      const batch = userIds.slice(i, i + MAX_USERS_PER_ADHERENCE_REQUEST);
      // Answers a bare JSON array of UserScheduleAdherence (WorkforceManagementApi.md); a listing is tolerated.
      rows.push(
        ...rowsOf(
          await this.options.rest.get<unknown>('/api/v2/workforcemanagement/adherence', { userId: batch }),
        ),
      );
    }
    return rows;
  }
}

function rowsOf(document: unknown): unknown[] {
  if (Array.isArray(document)) return document;
  const entities = (document as { entities?: unknown } | undefined)?.entities;
  return Array.isArray(entities) ? entities : [];
}
