import { TableAgentProfileSnapshot } from './agent-profiles/table-agent-profile-snapshot';
import { TableAlertBoardStore } from './alert-boards/table-alert-board-store';
import { TableAlertOutbox } from './outbox/table-alert-outbox';
import { TableConversationStore } from './conversations/table-conversation-store';
import { TableDriftHistoryStore } from './history/table-drift-history-store';
import { TableDriftStateStore } from './drift-state/table-drift-state-store';
import { TableLeaseStore } from './leases/table-lease-store';
import { TableRouteStore } from './routes/table-route-store';
import type { StoreSet, StoreSetOptions } from './store-set';
import type { TableService } from './table-service';
import { TableWelcomeLedger } from './welcomes/table-welcome-ledger';
import { TableDigestLedger } from './digests/table-digest-ledger';

/** The Table-backed stores, with the concrete drift state type (its Table-only methods, such as `forgetUnit`). */
export interface TableStoreSet extends StoreSet {
  readonly driftState: TableDriftStateStore;
}

/** Creates missing tables, then builds every Table store on `service`. */
export async function createTableStores(
  service: TableService,
  options: StoreSetOptions = {},
): Promise<TableStoreSet> {
  await service.ensureTables();
  return {
    driftState: new TableDriftStateStore(service.client('DriftState')),
    outbox: new TableAlertOutbox(service.client('AlertOutbox'), service.client('AlertOutboxPending'), {
      clock: options.clock,
    }),
    history: new TableDriftHistoryStore(service.client('DriftHistory')),
    conversations: new TableConversationStore(
      service.client('Conversations'),
      service.client('ConversationsByAgent'),
    ),
    routes: new TableRouteStore(service.client('Routes')),
    leases: new TableLeaseStore(service.client('Leases')),
    welcomes: new TableWelcomeLedger(service.client('Welcomes')),
    digests: new TableDigestLedger(service.client('Digests')),
    agentProfiles: new TableAgentProfileSnapshot(service.client('AgentProfiles')),
    alertBoards: new TableAlertBoardStore(service.client('AlertBoards')),
  };
}
