import { AlertBoardLedger } from '../../src/app/alert-board-ledger';
import { newOutboxAlert } from '../../src/app/outbox-alert';
import { OutboxDispatcher, type DispatchOutcome } from '../../src/app/outbox-dispatcher';
import type { OutboxAlert } from '../../src/app/ports/alert-outbox';
import type { EpisodeChange } from '../../src/domain/drift-commands';
import type { DriftEpisode } from '../../src/domain/drift-episode';
import type { StoreSet } from '../../src/storage/store-set';
import { AlertCardRenderer } from '../../bot/delivery/alert-card-renderer';
import { TeamsAlertNotifier } from '../../bot/delivery/teams-alert-notifier';
import { TeamsSendLimiter } from '../../bot/delivery/teams-send-limiter';
import { exampleDirectory } from './bot-fakes';
import type { FakeTeamsMessenger, MessengerCall } from './fake-teams-messenger';
import type { ManualClock } from './manual-clock';
import { ManualScheduler } from './manual-scheduler';
import { RecordingLogger } from './recording-logger';

/** The supervisor channel of the live drift board tests, and its ConversationStore key. */
export const FLOOR = '19:floor@thread.tacv2';
export const FLOOR_KEY = `channel:${FLOOR}`;
const BOARD_URL = 'https://drift.contoso.com/tabs/board';

/** True for a Teams call that posts or updates a live drift board card. */
export const isBoard = (call: MessengerCall): boolean => /Live drift board/.test(JSON.stringify(call.card));

/** One replica's Teams delivery: the real notifier and outbox dispatcher over shared stores and a Teams fake. */
export class Replica {
  readonly notifier: TeamsAlertNotifier;
  readonly dispatcher: OutboxDispatcher;

  constructor(
    readonly stores: StoreSet,
    readonly messenger: FakeTeamsMessenger,
    readonly clock: ManualClock,
    perHour: number,
  ) {
    const directory = exampleDirectory();
    this.notifier = new TeamsAlertNotifier({
      messenger,
      conversations: stores.conversations,
      routes: stores.routes,
      outbox: stores.outbox,
      driftState: stores.driftState,
      history: stores.history,
      directory,
      renderer: new AlertCardRenderer({ directory, clock }),
      limiter: new TeamsSendLimiter({
        clock,
        tenantRps: 50,
        sleep: (ms) => {
          clock.advanceBy(ms);
          return Promise.resolve();
        },
      }),
      clock,
      logger: new RecordingLogger(),
      boards: {
        ledger: new AlertBoardLedger({
          store: stores.alertBoards,
          perHour,
          sleep: (ms) => {
            clock.advanceBy(ms);
            return Promise.resolve();
          },
        }),
        boardUrl: () => BOARD_URL,
      },
    });
    this.dispatcher = new OutboxDispatcher({
      clock,
      scheduler: new ManualScheduler(clock),
      outbox: stores.outbox,
      notifier: this.notifier,
      logger: new RecordingLogger(),
      random: () => 0.5,
    });
  }

  /** Raises the episode's supervisor alert through the outbox, as the monitor does. */
  alert(episode: DriftEpisode, kind: OutboxAlert['kind'] = 'supervisorAlert'): Promise<DispatchOutcome> {
    return this.dispatcher.enqueueAndDispatch(
      newOutboxAlert(episode, kind, 'supervisorChannel', this.clock.now(), this.clock.now()),
    );
  }

  /** The episode changed: its sent cards and board rows are updated, as the monitor's `updateCards` command does. */
  async change(episode: DriftEpisode, change: EpisodeChange): Promise<void> {
    const rows = (await this.stores.outbox.listByEpisode(episode.id)).filter((row) => row.status === 'sent');
    await this.notifier.updateCards(episode, change, rows);
  }
}

/** The floor channel's stored reference, watching every unit. */
export async function watchedFloor(stores: StoreSet): Promise<void> {
  await stores.conversations.upsert({
    key: FLOOR_KEY,
    kind: 'channel',
    serviceUrl: 'https://smba.example/teams/',
    conversationId: FLOOR,
    channelId: FLOOR,
    reference: {},
    tenantId: 'tenant-1',
    updatedAt: 0,
  });
  await stores.routes.upsert({ scope: 'all', targetId: '*', conversationKey: FLOOR_KEY, createdAt: 0 });
}
