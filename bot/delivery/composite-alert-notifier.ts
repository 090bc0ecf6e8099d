import type { AlertNotifier, DeliveryOptions, DeliveryResult } from '../../src/app/ports/alert-notifier';
import type { OutboxAlert } from '../../src/app/ports/alert-outbox';
import type { EpisodeChange } from '../../src/domain/drift-commands';
import type { DriftEpisode } from '../../src/domain/drift-episode';

/** Routes `slack` rows to the Slack notifier and every other row to Teams; card updates go to both. */
export class CompositeAlertNotifier implements AlertNotifier {
  constructor(private readonly parts: { readonly teams: AlertNotifier; readonly slack?: AlertNotifier }) {}

  deliver(alert: OutboxAlert, options?: DeliveryOptions): Promise<DeliveryResult> {
    if (alert.recipient !== 'slack') return this.parts.teams.deliver(alert, options);
    if (this.parts.slack === undefined)
      return Promise.resolve({
        status: 'failed',
        reason: 'SLACK_WEBHOOK_URL is not set',
        isRetryable: false,
      });
    return this.parts.slack.deliver(alert, options);
  }

  async updateCards(
    episode: DriftEpisode,
    change: EpisodeChange,
    rows: readonly OutboxAlert[],
  ): Promise<void> {
    await this.parts.teams.updateCards(
      episode,
      change,
      rows.filter((row) => row.recipient !== 'slack'),
    );
    await this.parts.slack?.updateCards(
      episode,
      change,
      rows.filter((row) => row.recipient === 'slack'),
    );
  }
}
