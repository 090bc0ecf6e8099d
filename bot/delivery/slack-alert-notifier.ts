import axios from 'axios';
import type { AlertNotifier, DeliveryResult } from '../../src/app/ports/alert-notifier';
import type { OutboxAlert } from '../../src/app/ports/alert-outbox';
import type { Clock } from '../../src/platform/clock';
import type { Logger } from '../../src/platform/logger';
import type { EpisodeChange } from '../../src/domain/drift-commands';
import type { DriftEpisode } from '../../src/domain/drift-episode';
import { classifyHttpFailure, isSuccessStatus } from '../../src/platform/http-failure';
import { retryAfterFromHeaders } from '../../src/platform/retry-after';
import { describeReplyReason } from '../cards/card-actions';
import { describeEpisode, driftMinutes } from '../cards/episode-view';
import type { TeamAwareDirectory } from '../commands/watch-target-resolver';
import type { DeliveryMetrics } from './delivery-metrics';
import { countInto, createDeliveryMetrics } from './delivery-metrics';

/** Options of a {@link SlackAlertNotifier}. */
export interface SlackAlertNotifierOptions {
  /** SLACK_WEBHOOK_URL (a secret: never logged). */
  readonly webhookUrl: string;
  readonly directory: TeamAwareDirectory;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly wfmUrl?: string;
  readonly timeoutInMs?: number;
  readonly metrics?: DeliveryMetrics;
}

/**
 * Posts supervisor alerts to a Slack incoming webhook (Block Kit with a plain-text fallback). The one HTTP rule of
 * src/platform/http-failure.ts, as for Teams: 429 -> throttled with Retry-After, 412/502/503/504/network -> retryable,
 * 404/410 -> recipientGone (webhook revoked), anything else -> not retryable. Webhook messages cannot be edited, so card updates are not sent to Slack.
 */
export class SlackAlertNotifier implements AlertNotifier {
  readonly metrics: DeliveryMetrics;
  private readonly log: Logger;

  constructor(private readonly options: SlackAlertNotifierOptions) {
    this.metrics = options.metrics ?? createDeliveryMetrics();
    this.log = options.logger.child({ component: 'slack-notifier' });
  }

  async deliver(alert: OutboxAlert): Promise<DeliveryResult> {
    if (alert.recipient !== 'slack')
      return { status: 'failed', reason: 'only Slack rows go to the Slack notifier', isRetryable: false };
    const result = await this.post(
      buildSlackMessage(alert, this.options.directory, this.options.clock.now(), this.options.wfmUrl),
      alert.id,
    );
    countInto(this.metrics.deliveries, `slack_${result.status}`);
    this.log.info(
      { alertId: alert.id, episodeId: alert.episodeId, status: result.status },
      'slack alert attempt',
    );
    return result;
  }

  async updateCards(
    _episode: DriftEpisode,
    _change: EpisodeChange,
    _rows: readonly OutboxAlert[],
  ): Promise<void> {
    // Incoming webhooks cannot edit a posted message; Slack keeps the alert as sent.
  }

  private async post(body: object, alertId: string): Promise<DeliveryResult> {
    try {
      const response = await axios.post(this.options.webhookUrl, body, {
        timeout: this.options.timeoutInMs ?? 10_000,
        validateStatus: () => true,
        headers: { 'content-type': 'application/json' },
      });
      const status = response.status;
      if (isSuccessStatus(status))
        return { status: 'sent', conversationId: 'slack', activityId: `slack:${alertId}` };
      switch (classifyHttpFailure(status)) {
        case 'throttled':
          this.metrics.throttled += 1;
          return {
            status: 'throttled',
            retryAfterMs: retryAfterFromHeaders(response.headers, this.options.clock.now()) ?? 1_000,
          };
        case 'notFound':
          return { status: 'recipientGone', reason: `Slack webhook gone (${status})` };
        case 'transient':
          return { status: 'failed', reason: `Slack answered ${status}`, isRetryable: true };
        default:
          return { status: 'failed', reason: `Slack refused the message (${status})`, isRetryable: false };
      }
    } catch (error) {
      return {
        status: 'failed',
        reason: `Slack network error: ${(error as { code?: string }).code ?? 'unknown'}`,
        isRetryable: true,
      };
    }
  }
}

/** The Slack message for a supervisor alert: a header, the facts as mrkdwn, and a plain-text fallback; pure. */
function buildSlackMessage(
  alert: OutboxAlert,
  directory: TeamAwareDirectory,
  now: number,
  wfmUrl?: string,
): { text: string; blocks: object[] } {
  const view = describeEpisode(alert.episode, directory, now);
  const reply = alert.episode.agentReply;
  const since = new Date(alert.episode.driftStartedAt).toISOString().slice(11, 16);
  const lines = [
    `*Agent:* ${view.agentName}`,
    `*Unit:* ${view.unitName}${view.teamName ? ` · *Team:* ${view.teamName}` : ''}`,
    `*Scheduled:* ${view.scheduledLabel} · *Actual:* ${view.actualLabel}`,
    `*Drifting since:* ${since} UTC (${driftMinutes(view)} min)`,
    ...(reply
      ? [
          `*Agent says:* ${describeReplyReason(reply.reason)}${reply.text ? `: ${escapeSlack(reply.text)}` : ''}`,
        ]
      : []),
    ...(alert.episode.scheduleCoverage === 'unavailable'
      ? ['_The schedule pre-check could not be made._']
      : []),
  ];
  const title = `${alert.kind === 'supervisorReAlert' ? 'Reminder: ' : ''}Adherence drift: ${view.agentName}`;
  const blocks: object[] = [
    { type: 'header', text: { type: 'plain_text', text: title.slice(0, 150) } },
    { type: 'section', text: { type: 'mrkdwn', text: lines.join('\n') } },
  ];
  if (wfmUrl)
    blocks.push({
      type: 'actions',
      elements: [
        { type: 'button', text: { type: 'plain_text', text: 'Open Genesys Cloud WFM' }, url: wfmUrl },
      ],
    });
  return {
    text: `${title}: ${view.scheduledLabel} scheduled, ${view.actualLabel} actual, ${driftMinutes(view)} min`,
    blocks,
  };
}

/**
 * The agent's own words made inert in Slack mrkdwn: `&`, `<` and `>` escaped as Slack asks, so they cannot mention
 * `<!channel>` or forge links (api.slack.com/reference/surfaces/formatting#escaping); formatting characters too.
 */
function escapeSlack(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/[*_~`]/g, (ch) => `\u200b${ch}`);
}
