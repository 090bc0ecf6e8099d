import assert from 'node:assert/strict';
import { MeasuredAlertNotifier } from '../../../../bot/delivery/measured-alert-notifier';
import { OpsMetrics } from '../../../../bot/server/ops-metrics';
import { newOutboxAlert } from '../../../../src/app/outbox-alert';
import type { AlertKind, AlertRecipient, OutboxAlert } from '../../../../src/app/ports/alert-outbox';
import { T0 } from '../../../support/drift-fixtures';
import { ManualClock } from '../../../support/manual-clock';
import { RecordingNotifier } from '../../../support/recording-notifier';

function alertRow(kind: AlertKind, recipient: AlertRecipient, dueAt: number | undefined): OutboxAlert {
  const episode = {
    id: `a1:${T0}`,
    agentId: 'a1',
    managementUnitId: 'mu1',
    driftStartedAt: T0,
    stage: 'nudged' as const,
  };
  return newOutboxAlert(episode, kind, recipient, T0, dueAt);
}

/** The value of one sample line, e.g. `series('x_count{kind="nudge"}')`. */
function sample(text: string, series: string): number | undefined {
  const line = text.split('\n').find((candidate) => candidate.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

describe('OpsMetrics', () => {
  it('renders counters and keyed counters in snake case with their prefix and the _total suffix', async () => {
    const metrics = new OpsMetrics();
    metrics.addSources(() => ({
      genesys: {
        framesReceived: 3,
        eventsIgnoredTotal: { stale: 2 },
        lastRestoreDurationMs: 40,
        totalRestoreDurationMs: 90,
      },
      delivery: { tenantPauses: 1, deliveries: { sent: 4 } },
    }));
    const text = await metrics.render();
    assert.match(text, /^# TYPE genesys_frames_received_total counter\ngenesys_frames_received_total 3$/m);
    assert.match(text, /^genesys_events_ignored_total\{key="stale"\} 2$/m);
    assert.match(
      text,
      /^# TYPE genesys_last_restore_duration_ms gauge\ngenesys_last_restore_duration_ms 40$/m,
    );
    assert.match(text, /^genesys_restore_duration_ms_total 90$/m);
    assert.match(text, /^delivery_tenant_pauses_total 1$/m);
    assert.match(text, /^delivery_deliveries_total\{key="sent"\} 4$/m);
    assert.match(text, /^# HELP genesys_frames_received_total Genesys Cloud client: frames received$/m);
  });

  it('reads the live counters at every scrape, and a key seen later joins its metric', async () => {
    const genesys = { framesReceived: 1, eventsIgnoredTotal: {} as Record<string, number> };
    const metrics = new OpsMetrics();
    metrics.addSources(() => ({ genesys }));
    assert.equal(sample(await metrics.render(), 'genesys_frames_received_total'), 1);
    genesys.framesReceived = 5;
    genesys.eventsIgnoredTotal.duplicate = 2;
    const text = await metrics.render();
    assert.equal(sample(text, 'genesys_frames_received_total'), 5);
    assert.equal(sample(text, 'genesys_events_ignored_total{key="duplicate"}'), 2);
  });

  it('keeps two application instances in one process apart', async () => {
    const first = new OpsMetrics();
    const second = new OpsMetrics();
    first.addSources(() => ({ edge: { rejectedRequests: { tooLarge: 1 } } }));
    second.addSources(() => ({ edge: { rejectedRequests: { tooLarge: 7 } } }));
    first.observeAlertSent(alertRow('nudge', 'agent', T0), T0 + 1_000);
    assert.equal(sample(await first.render(), 'edge_rejected_requests_total{key="tooLarge"}'), 1);
    const text = await second.render();
    assert.equal(sample(text, 'edge_rejected_requests_total{key="tooLarge"}'), 7);
    assert.equal(
      sample(text, 'drift_alert_lateness_seconds_count{kind="nudge",recipient="agent"}'),
      undefined,
    );
  });

  it('measures each send against when it was due, by kind and recipient, as a histogram in seconds', async () => {
    const metrics = new OpsMetrics();
    metrics.observeAlertSent(alertRow('nudge', 'agent', T0), T0 + 1_500);
    metrics.observeAlertSent(alertRow('nudge', 'agent', T0), T0 + 40_000);
    metrics.observeAlertSent(alertRow('supervisorReAlert', 'supervisorChannel', T0), T0 + 3_000);
    // A row written before rows knew their due instant is not measured.
    metrics.observeAlertSent(alertRow('supervisorAlert', 'slack', undefined), T0 + 3_000);
    const text = await metrics.render();
    const nudge = '{kind="nudge",recipient="agent"}';
    assert.equal(sample(text, `drift_alert_lateness_seconds_count${nudge}`), 2);
    assert.equal(sample(text, `drift_alert_lateness_seconds_sum${nudge}`), 41.5);
    assert.equal(
      sample(text, 'drift_alert_lateness_seconds_bucket{le="2",kind="nudge",recipient="agent"}'),
      1,
    );
    assert.equal(
      sample(text, 'drift_alert_lateness_seconds_bucket{le="60",kind="nudge",recipient="agent"}'),
      2,
    );
    assert.equal(
      sample(
        text,
        'drift_alert_lateness_seconds_count{kind="supervisorReAlert",recipient="supervisorChannel"}',
      ),
      1,
    );
    assert.doesNotMatch(text, /recipient="slack"/);
  });

  it('reports the outbox depth it is given at every scrape, as a gauge', async () => {
    const metrics = new OpsMetrics();
    let pending = 3;
    metrics.setOutboxPending(() => pending);
    assert.match(
      await metrics.render(),
      /^# TYPE drift_outbox_pending_alerts gauge\ndrift_outbox_pending_alerts 3$/m,
    );
    pending = 0;
    assert.equal(sample(await metrics.render(), 'drift_outbox_pending_alerts'), 0);
  });

  it('serves the process metrics (CPU, memory, event loop) once, whatever the number of instances', async () => {
    new OpsMetrics();
    const text = await new OpsMetrics().render();
    for (const name of [
      'process_cpu_user_seconds_total',
      'process_resident_memory_bytes',
      'nodejs_eventloop_lag_seconds',
    ])
      assert.equal(
        text
          .split('\n')
          .filter((line) => line === `# TYPE ${name} ${name.endsWith('_total') ? 'counter' : 'gauge'}`)
          .length,
        1,
        name,
      );
  });
});

describe('MeasuredAlertNotifier', () => {
  it('measures the sends that succeeded, at the instant they did, and passes every result on', async () => {
    const clock = new ManualClock(T0 + 2_000);
    const inner = new RecordingNotifier(() => clock.now());
    inner.script('agent', { status: 'throttled', retryAfterMs: 1_000 });
    const metrics = new OpsMetrics();
    const notifier = new MeasuredAlertNotifier(inner, { clock, metrics });
    const row = alertRow('nudge', 'agent', T0);
    assert.equal((await notifier.deliver(row)).status, 'throttled');
    clock.set(T0 + 5_000);
    assert.equal((await notifier.deliver(row)).status, 'sent');
    const text = await metrics.render();
    assert.equal(sample(text, 'drift_alert_lateness_seconds_count{kind="nudge",recipient="agent"}'), 1);
    assert.equal(sample(text, 'drift_alert_lateness_seconds_sum{kind="nudge",recipient="agent"}'), 5);
    assert.equal(inner.deliveries.length, 2);
  });
});
