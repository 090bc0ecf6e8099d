import type { AlertNotifier, DeliveryOptions, DeliveryResult } from '../../src/app/ports/alert-notifier';
import type { OutboxAlert } from '../../src/app/ports/alert-outbox';
import type { Clock } from '../../src/platform/clock';
import type { EpisodeChange } from '../../src/domain/drift-commands';
import type { DriftEpisode } from '../../src/domain/drift-episode';
import type { OpsMetrics } from '../server/ops-metrics';

/** Passes every call on, and measures each successful send against the instant it was due (alert lateness). */
export class MeasuredAlertNotifier implements AlertNotifier {
  constructor(
    private readonly inner: AlertNotifier,
    private readonly options: {
      readonly clock: Clock;
      readonly metrics: Pick<OpsMetrics, 'observeAlertSent'>;
    },
  ) {}

  async deliver(alert: OutboxAlert, options?: DeliveryOptions): Promise<DeliveryResult> {
    const result = await this.inner.deliver(alert, options);
    if (result.status === 'sent') this.options.metrics.observeAlertSent(alert, this.options.clock.now());
    return result;
  }

  updateCards(episode: DriftEpisode, change: EpisodeChange, rows: readonly OutboxAlert[]): Promise<void> {
    return this.inner.updateCards(episode, change, rows);
  }
}
