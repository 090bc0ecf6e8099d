import type { ConversationStore } from '../../src/app/ports/conversation-store';
import type { DriftHistoryStore } from '../../src/app/ports/drift-history-store';
import type { DriftStateStore } from '../../src/app/ports/drift-state-store';
import type { RouteStore } from '../../src/app/ports/route-store';
import type { Clock } from '../../src/platform/clock';
import type { Logger } from '../../src/platform/logger';
import type { TabSettings } from '../../src/config/settings';
import type { DriftThresholds } from '../../src/domain/drift-policy';
import type { TeamAwareDirectory } from '../commands/watch-target-resolver';
import type { TeamsMessenger } from '../delivery/teams-messenger';
import { BoardViews } from './board-views';
import { OwnDayView } from './own-day-view';
import type { LocalPerson, TabAuthenticator } from './tab-auth';
import { LocalAuthenticator, SsoAuthenticator } from './tab-auth';
import { TabAssets } from './tab-assets';
import { TeamsSsoVerifier } from './teams-sso-verifier';
import type { TeamMembership } from './viewer-access';
import { LocalMembership, RosterMembership, ViewerAccessResolver } from './viewer-access';

/** Everything the tab routes and the report API need. */
export interface TabServices {
  readonly authenticator: TabAuthenticator;
  readonly access: ViewerAccessResolver;
  readonly board: BoardViews;
  readonly ownDay: OwnDayView;
  readonly assets: TabAssets;
  /** Local mode: the people the user can choose to be. */
  readonly people: () => readonly LocalPerson[];
  /** How often the pages ask for changes (short polling). */
  readonly refreshAfterMs: number;
  readonly settings: TabSettings;
  readonly clock: Clock;
  readonly logger: Logger;
}

/** What {@link createTabServices} builds on. */
export interface TabServicesDeps {
  readonly settings: TabSettings;
  readonly stores: {
    readonly conversations: ConversationStore;
    readonly routes: RouteStore;
    readonly driftState: DriftStateStore;
    readonly history: DriftHistoryStore;
  };
  readonly directory: TeamAwareDirectory;
  readonly messenger: Pick<TeamsMessenger, 'getPagedTeamMembers'>;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly thresholdsFor?: (managementUnitId: string, scheduledActivityCategory?: string) => DriftThresholds;
  /** Local mode: people to choose from (default: the directory's agents and one local supervisor). */
  readonly localPeople?: () => readonly LocalPerson[];
  /** Replaces the Teams roster check (tests). */
  readonly membership?: TeamMembership;
  /** Default 5 s. */
  readonly refreshAfterMs?: number;
}

/** Polling interval of the pages: live enough for minutes of drift, light on the store. */
const DEFAULT_REFRESH_AFTER_IN_MS = 5_000;

/**
 * Composes the tabs: with SSO settings (BOT_ID set) Teams SSO tokens and the Teams roster decide who sees what;
 * without them (local mode) the pages answer loopback only and the user picks who they are.
 */
export function createTabServices(deps: TabServicesDeps): TabServices {
  const logger = deps.logger.child({ component: 'tabs' });
  const { stores, directory, clock } = deps;
  const sso = deps.settings.sso;
  const people = deps.localPeople ?? (() => defaultLocalPeople(directory));
  const authenticator: TabAuthenticator = sso
    ? new SsoAuthenticator(new TeamsSsoVerifier(sso, clock), logger)
    : new LocalAuthenticator(people);
  const membership =
    deps.membership ??
    (sso ? new RosterMembership({ messenger: deps.messenger, clock, logger }) : new LocalMembership());
  return {
    authenticator,
    access: new ViewerAccessResolver({
      conversations: stores.conversations,
      routes: stores.routes,
      directory,
      membership,
      clock,
    }),
    board: new BoardViews({ driftState: stores.driftState, history: stores.history, directory, clock }),
    ownDay: new OwnDayView({
      driftState: stores.driftState,
      history: stores.history,
      directory,
      clock,
      thresholdsFor: deps.thresholdsFor,
    }),
    assets: new TabAssets(),
    people,
    refreshAfterMs: deps.refreshAfterMs ?? DEFAULT_REFRESH_AFTER_IN_MS,
    settings: deps.settings,
    clock,
    logger,
  };
}

/** The directory's agents, and one supervisor who sees what the watching channels watch. */
export function defaultLocalPeople(directory: TeamAwareDirectory): LocalPerson[] {
  const agents = [...(directory.listAgents?.() ?? [])]
    .sort((a, b) => a.name.localeCompare(b.name))
    .map((agent) => ({
      id: `agent:${agent.id}`,
      name: agent.name,
      email: agent.email,
      role: 'agent' as const,
      agentId: agent.id,
      detail: [directory.getUnit(agent.managementUnitId)?.name, agent.teamName].filter(Boolean).join(' · '),
    }));
  return [
    {
      id: 'supervisor:local',
      name: 'Local supervisor',
      role: 'supervisor',
      detail: 'every watching channel',
    },
    ...agents,
  ];
}
