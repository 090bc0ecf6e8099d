import type { EpisodeChange } from '../../src/domain/drift-commands';
import type { DriftEpisode } from '../../src/domain/drift-episode';
import type { AlertNotifier, DeliveryResult } from '../../src/app/ports/alert-notifier';
import type { OutboxAlert } from '../../src/app/ports/alert-outbox';

/** An AlertNotifier fake: records every delivery and card update; scripted results are used first, then `sent`. */
export class RecordingNotifier implements AlertNotifier {
  readonly deliveries: {
    readonly alert: OutboxAlert;
    readonly at: number;
    readonly result: DeliveryResult;
  }[] = [];
  readonly cardUpdates: {
    readonly episode: DriftEpisode;
    readonly change: EpisodeChange;
    readonly rows: readonly OutboxAlert[];
  }[] = [];
  private readonly scripts = new Map<string, DeliveryResult[]>();

  constructor(private readonly now: () => number = () => 0) {}

  /** Queues results for deliveries to a recipient (`agent`, `supervisorChannel`, `slack`). */
  script(recipient: string, ...results: DeliveryResult[]): void {
    this.scripts.set(recipient, [...(this.scripts.get(recipient) ?? []), ...results]);
  }

  async deliver(alert: OutboxAlert): Promise<DeliveryResult> {
    const result = this.scripts.get(alert.recipient)?.shift() ?? {
      status: 'sent',
      conversationId: `conv-${alert.recipient}`,
      activityId: `act-${this.deliveries.length + 1}`,
    };
    this.deliveries.push({ alert, at: this.now(), result });
    return result;
  }

  async updateCards(
    episode: DriftEpisode,
    change: EpisodeChange,
    rows: readonly OutboxAlert[],
  ): Promise<void> {
    this.cardUpdates.push({ episode, change, rows });
  }

  /** Delivered messages (result `sent`) as `kind|recipient@minutesFrom(origin)`. */
  sent(origin: number): string[] {
    return this.deliveries
      .filter((d) => d.result.status === 'sent')
      .map((d) => `${d.alert.kind}|${d.alert.recipient}@${(d.at - origin) / 60_000}`);
  }
}
