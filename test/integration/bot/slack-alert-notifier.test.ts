import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { newOutboxAlert } from '../../../src/app/outbox-alert';
import type { OutboxAlert } from '../../../src/app/ports/alert-outbox';
import { CompositeAlertNotifier } from '../../../bot/delivery/composite-alert-notifier';
import { SlackAlertNotifier } from '../../../bot/delivery/slack-alert-notifier';
import { exampleDirectory, openEpisode } from '../../support/bot-fakes';
import { ManualClock } from '../../support/manual-clock';
import { RecordingLogger } from '../../support/recording-logger';

describe('SlackAlertNotifier against a local webhook', () => {
  let server: http.Server;
  let url: string;
  const bodies: unknown[] = [];
  const answers: Array<{ status: number; headers?: Record<string, string> }> = [];

  before(async () => {
    server = http.createServer((req, res) => {
      let raw = '';
      req.on('data', (chunk) => (raw += chunk));
      req.on('end', () => {
        bodies.push(JSON.parse(raw));
        const answer = answers.shift() ?? { status: 200 };
        res.writeHead(answer.status, answer.headers ?? {});
        res.end(answer.status === 200 ? 'ok' : 'error');
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/services/T/B/X`;
  });

  after(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  const episode = openEpisode();
  const slackRow: OutboxAlert = newOutboxAlert(episode, 'supervisorAlert', 'slack', 0);

  function notifier(): SlackAlertNotifier {
    return new SlackAlertNotifier({
      webhookUrl: url,
      directory: exampleDirectory(),
      clock: new ManualClock(Date.UTC(2026, 7, 20, 10, 15, 0)),
      logger: new RecordingLogger(),
      wfmUrl: 'https://wfm',
    });
  }

  it('posts a Block Kit message with a plain-text fallback through the composite', async () => {
    const composite = new CompositeAlertNotifier({
      teams: {
        deliver: async () => assert.fail('Teams must not get Slack rows'),
        updateCards: async () => undefined,
      },
      slack: notifier(),
    });
    const result = await composite.deliver(slackRow);
    assert.equal(result.status, 'sent');
    const body = bodies.at(-1) as { text: string; blocks: unknown[] };
    assert.match(body.text, /Adherence drift: Ana Alvarez/);
    assert.match(JSON.stringify(body.blocks), /Phones \(On queue\)/);
  });

  it('maps 429 with Retry-After, 503 and 404 like Teams', async () => {
    answers.push(
      { status: 429, headers: { 'retry-after': '3' } },
      { status: 503 },
      { status: 404 },
      { status: 400 },
    );
    assert.deepEqual(await notifier().deliver(slackRow), { status: 'throttled', retryAfterMs: 3_000 });
    assert.deepEqual(await notifier().deliver(slackRow), {
      status: 'failed',
      reason: 'Slack answered 503',
      isRetryable: true,
    });
    assert.equal((await notifier().deliver(slackRow)).status, 'recipientGone');
    assert.deepEqual(await notifier().deliver(slackRow), {
      status: 'failed',
      reason: 'Slack refused the message (400)',
      isRetryable: false,
    });
  });

  it('refuses a Slack row when no webhook is configured, without retrying', async () => {
    const composite = new CompositeAlertNotifier({
      teams: { deliver: async () => assert.fail('not for Teams'), updateCards: async () => undefined },
    });
    assert.deepEqual(await composite.deliver(slackRow), {
      status: 'failed',
      reason: 'SLACK_WEBHOOK_URL is not set',
      isRetryable: false,
    });
  });
});
