import type {
  AlertBoardStore,
  AlertOutbox,
  DigestLedger,
  Clock,
  ConversationStore,
  DriftHistoryStore,
  DriftStateStore,
  LeaseStore,
  RouteStore,
  WelcomeLedger,
} from '../app/ports';

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
  /** Each supervisor channel's alert budget ledger and live drift board. */
  readonly alertBoards: AlertBoardStore;
}

/** Options shared by the store factories. */
export interface StoreSetOptions {
  /** Used by the outbox to drop orphan index rows; optional. */
  readonly clock?: Clock;
}
