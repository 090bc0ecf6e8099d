import { InMemoryAgentProfileSnapshot } from './agent-profiles/in-memory-agent-profile-snapshot';
import { InMemoryAlertBoardStore } from './alert-boards/in-memory-alert-board-store';
import { InMemoryAlertOutbox } from './outbox/in-memory-alert-outbox';
import { InMemoryConversationStore } from './conversations/in-memory-conversation-store';
import { InMemoryDriftHistoryStore } from './history/in-memory-drift-history-store';
import { InMemoryDriftStateStore } from './drift-state/in-memory-drift-state-store';
import { InMemoryLeaseStore } from './leases/in-memory-lease-store';
import { InMemoryRouteStore } from './routes/in-memory-route-store';
import type { StoreSet } from './store-set';
import { InMemoryWelcomeLedger } from './welcomes/in-memory-welcome-ledger';
import { InMemoryDigestLedger } from './digests/in-memory-digest-ledger';

/** Builds every store in memory (unit tests, and runs without persistence). */
export function createInMemoryStores(): StoreSet {
  return {
    driftState: new InMemoryDriftStateStore(),
    outbox: new InMemoryAlertOutbox(),
    history: new InMemoryDriftHistoryStore(),
    conversations: new InMemoryConversationStore(),
    routes: new InMemoryRouteStore(),
    leases: new InMemoryLeaseStore(),
    welcomes: new InMemoryWelcomeLedger(),
    digests: new InMemoryDigestLedger(),
    agentProfiles: new InMemoryAgentProfileSnapshot(),
    alertBoards: new InMemoryAlertBoardStore(),
  };
}
