import type { AgentProfileSnapshot } from '../app/ports/agent-directory';
import type { AlertBoardStore } from '../app/ports/alert-board-store';
import type { AlertOutbox } from '../app/ports/alert-outbox';
import type { ConversationStore } from '../app/ports/conversation-store';
import type { DigestLedger } from '../app/ports/digest-ledger';
import type { DriftHistoryStore } from '../app/ports/drift-history-store';
import type { DriftStateStore } from '../app/ports/drift-state-store';
import type { LeaseStore } from '../app/ports/lease-store';
import type { RouteStore } from '../app/ports/route-store';
import type { WelcomeLedger } from '../app/ports/welcome-ledger';
import type { Clock } from '../platform/clock';

/** Every durable store the app needs, built together by the composition root. */
export interface StoreSet {
  readonly driftState: DriftStateStore;
  readonly outbox: AlertOutbox;
  readonly history: DriftHistoryStore;
  readonly conversations: ConversationStore;
  readonly routes: RouteStore;
  readonly leases: LeaseStore;
  readonly welcomes: WelcomeLedger;
  /** One weekly digest per channel and week. */
  readonly digests: DigestLedger;
  /** The Genesys agent profiles as last read, so a restart need not read them all again. */
  readonly agentProfiles: AgentProfileSnapshot;
  /** Each supervisor channel's alert budget ledger and live drift board. */
  readonly alertBoards: AlertBoardStore;
}

/** Options shared by the store factories. */
export interface StoreSetOptions {
  /** Used by the outbox to drop orphan index rows; optional. */
  readonly clock?: Clock;
}
