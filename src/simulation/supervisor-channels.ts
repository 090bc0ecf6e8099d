import {
  ALERT_BUDGET_WINDOW_MS,
  decideAlertPresentation,
  pruneAlertHistory,
  type AlertPresentation,
} from '../domain/alert-budget';

/** What the supervisor channels saw during a run. */
export interface ChannelStats {
  readonly alerts: number;
  readonly cards: number;
  readonly boardJoins: number;
  /** Most individual cards one channel received in any rolling hour. */
  readonly peakCardsInAnyHour: number;
  /** Most alerts (cards and board rows) one channel received in any rolling hour. */
  readonly peakAlertsInAnyHour: number;
}

interface Channel {
  cardsSentAt: number[];
  alertsRaisedAt: number[];
  readonly allCards: number[];
  readonly allAlerts: number[];
  readonly board: Set<string>;
}

/**
 * The supervisor channels of the simulated centre: each alert becomes a single card or (with a budget, beyond it) a
 * row on the channel's live drift board, decided by the product's pure alert budget. A card's response is diluted
 * when a channel gets more cards an hour than a supervisor can act on; a board row gets `boardResponse` of a card's.
 */
export class SupervisorChannels {
  private readonly channels = new Map<string, Channel>();

  constructor(
    private readonly channelOfAgent: (agentId: string) => string,
    private readonly options: {
      /** The budget of single cards per channel and rolling hour; undefined = every alert is a card. */
      readonly budgetPerHour?: number;
      readonly capacityPerHour: number;
      readonly boardResponse: number;
    },
  ) {}

  /** An alert for `agentId` at `at`: how it is presented and how much of a full supervisor response it gets. */
  present(agentId: string, at: number): { presentation: AlertPresentation; responseFactor: number } {
    const channel = this.channel(this.channelOfAgent(agentId));
    channel.cardsSentAt = pruneAlertHistory(channel.cardsSentAt, at);
    channel.alertsRaisedAt = pruneAlertHistory(channel.alertsRaisedAt, at);
    const presentation =
      this.options.budgetPerHour === undefined
        ? 'card'
        : decideAlertPresentation(
            {
              cardsSentAt: channel.cardsSentAt,
              alertsRaisedAt: channel.alertsRaisedAt,
              boardRows: channel.board.size,
            },
            at,
            this.options.budgetPerHour,
          ).presentation;
    channel.alertsRaisedAt.push(at);
    channel.allAlerts.push(at);
    if (presentation === 'board') {
      channel.board.add(agentId);
      return { presentation, responseFactor: this.options.boardResponse };
    }
    channel.cardsSentAt.push(at);
    channel.allCards.push(at);
    const cardsInHour = channel.cardsSentAt.length;
    return { presentation, responseFactor: Math.min(1, this.options.capacityPerHour / cardsInHour) };
  }

  /** The agent is back (or the drift was handled): its row leaves the board. */
  leaveBoard(agentId: string): void {
    this.channels.get(this.channelOfAgent(agentId))?.board.delete(agentId);
  }

  stats(): ChannelStats {
    let alerts = 0;
    let cards = 0;
    let peakCards = 0;
    let peakAlerts = 0;
    for (const channel of this.channels.values()) {
      alerts += channel.allAlerts.length;
      cards += channel.allCards.length;
      peakCards = Math.max(peakCards, peakInAnyHour(channel.allCards));
      peakAlerts = Math.max(peakAlerts, peakInAnyHour(channel.allAlerts));
    }
    return {
      alerts,
      cards,
      boardJoins: alerts - cards,
      peakCardsInAnyHour: peakCards,
      peakAlertsInAnyHour: peakAlerts,
    };
  }

  private channel(id: string): Channel {
    let channel = this.channels.get(id);
    if (channel === undefined) {
      channel = { cardsSentAt: [], alertsRaisedAt: [], allCards: [], allAlerts: [], board: new Set() };
      this.channels.set(id, channel);
    }
    return channel;
  }
}

/** Most instants (in time order) inside any window of one hour. */
function peakInAnyHour(instants: readonly number[]): number {
  let peak = 0;
  let start = 0;
  for (let end = 0; end < instants.length; end++) {
    while (instants[end] - instants[start] >= ALERT_BUDGET_WINDOW_MS) start += 1;
    peak = Math.max(peak, end - start + 1);
  }
  return peak;
}
