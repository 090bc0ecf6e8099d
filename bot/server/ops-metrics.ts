import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { OutboxAlert } from '../../src/app/ports/alert-outbox';

/**
 * Counters kept as plain objects where the work happens (GenesysMetrics, DeliveryMetrics, ...), by metric prefix:
 * each field a number, or a record of numbers by key (rendered as one series per key with a `key` label).
 */
export type MetricSources = Readonly<Record<string, object>>;

/** What /metrics serves: Prometheus text and its content type. */
export interface MetricsEndpoint {
  readonly contentType: string;
  render(): Promise<string>;
}

/** Alert lateness buckets in seconds: on time (0), the seconds a check or a rate-limit slot takes, retries, outages. */
const LATENESS_BUCKETS = [0, 0.5, 1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 1800];

/** Words for each source prefix, for the metrics' help text. */
const SOURCE_HELP: Readonly<Record<string, string>> = {
  genesys: 'Genesys Cloud client',
  recording: 'Genesys frame recording (GENESYS_RECORD_DIR)',
  delivery: 'Teams and Slack delivery',
  teams: 'Teams activities answered with a welcome or a refusal',
  edge: 'POST /api/messages',
};

/**
 * The metrics of one application instance, on their own prom-client registry (never the global default one, so
 * several instances in one process keep theirs apart), served as Prometheus text (version 0.0.4) by /metrics:
 * - the counters of {@link MetricSources}, read when scraped: a field `framesReceived` of source `genesys` becomes
 *   the counter `genesys_frames_received_total` (a field already named `...Total` keeps one `_total`; `totalX` becomes
 *   `x_total`), a record becomes one series per key (`genesys_events_ignored_total{key="stale"}`), and a field whose
 *   name starts with `last` is a gauge (`genesys_last_restore_duration_ms`);
 * - `drift_alert_lateness_seconds{kind,recipient}`: how long after it was due each nudge, supervisor alert and
 *   re-alert was sent (sent - due; the due instant is the threshold, or the snooze end for a re-alert);
 * - `drift_outbox_pending_alerts`: outbox rows of this instance's units still to be sent (a count the outbox
 *   dispatcher keeps; no table read per scrape);
 * - the process metrics of prom-client's default set (CPU, memory, event loop lag, handles, GC), once per process.
 */
export class OpsMetrics implements MetricsEndpoint {
  readonly contentType: string;
  private readonly registry = new Registry();
  private readonly sources: (() => MetricSources)[] = [];
  private readonly bridged = new Map<string, Counter<'key'> | Gauge>();
  private readonly alertLateness: Histogram<'kind' | 'recipient'>;
  private readonly outboxDepth: Gauge;
  private outboxPending: () => number = () => 0;

  constructor() {
    this.contentType = this.registry.contentType;
    this.alertLateness = new Histogram({
      name: 'drift_alert_lateness_seconds',
      help: 'Seconds from when a nudge, supervisor alert or re-alert was due to when it was sent, by kind and recipient.',
      labelNames: ['kind', 'recipient'],
      buckets: LATENESS_BUCKETS,
      registers: [this.registry],
    });
    const pending = (): number => this.outboxPending();
    this.outboxDepth = new Gauge({
      name: 'drift_outbox_pending_alerts',
      help: "Outbox rows of this instance's management units still to be sent (waiting, in flight or retrying).",
      registers: [this.registry],
      collect() {
        this.set(pending());
      },
    });
  }

  /** Adds counters to expose; read at every scrape (the objects are the live counters). */
  addSources(read: () => MetricSources): void {
    this.sources.push(read);
  }

  /** Where the outbox depth is read at every scrape (the drift monitor's count). */
  setOutboxPending(read: () => number): void {
    this.outboxPending = read;
  }

  /** A send succeeded at `sentAt` (epoch ms): observes its lateness, when the row knows when it was due. */
  observeAlertSent(alert: Pick<OutboxAlert, 'kind' | 'recipient' | 'dueAt'>, sentAt: number): void {
    if (alert.dueAt === undefined) return;
    this.alertLateness.observe(
      { kind: alert.kind, recipient: alert.recipient },
      (sentAt - alert.dueAt) / 1_000,
    );
  }

  /** Prometheus text: this instance's metrics, then the process's. */
  async render(): Promise<string> {
    this.readSources();
    return Registry.merge([this.registry, processRegistry()]).metrics();
  }

  /** Copies the current value of every source counter into its prom-client metric, creating it when first seen. */
  private readSources(): void {
    const merged: Record<string, object> = {};
    for (const read of this.sources) Object.assign(merged, read());
    for (const [prefix, fields] of Object.entries(merged)) {
      for (const [field, value] of Object.entries(fields as Record<string, unknown>)) {
        if (typeof value === 'number') {
          if (!Number.isFinite(value)) continue;
          if (field.startsWith('last')) {
            this.gauge(`${snake(prefix)}_${snake(field)}`, helpOf(prefix, field)).set(value);
          } else {
            const counter = this.counter(counterName(prefix, field), helpOf(prefix, field), false);
            counter.reset();
            counter.inc(Math.max(0, value));
          }
        } else if (value !== null && typeof value === 'object') {
          const counter = this.counter(counterName(prefix, field), `${helpOf(prefix, field)}, by key`, true);
          counter.reset();
          for (const [key, count] of Object.entries(value as Record<string, unknown>)) {
            if (typeof count === 'number' && Number.isFinite(count)) counter.inc({ key }, Math.max(0, count));
          }
        }
      }
    }
  }

  private counter(name: string, help: string, isKeyed: boolean): Counter<'key'> {
    const existing = this.bridged.get(name);
    if (existing instanceof Counter) return existing;
    const counter = new Counter<'key'>({
      name,
      help,
      labelNames: isKeyed ? ['key'] : [],
      registers: [this.registry],
    });
    this.bridged.set(name, counter);
    return counter;
  }

  private gauge(name: string, help: string): Gauge {
    const existing = this.bridged.get(name);
    if (existing instanceof Gauge) return existing;
    const gauge = new Gauge({ name, help, registers: [this.registry] });
    this.bridged.set(name, gauge);
    return gauge;
  }
}

let sharedProcessRegistry: Registry | undefined;

/**
 * The process metrics (prom-client's default set), on one registry per process: they describe the process, not an
 * application instance, and each collection starts monitors (event loop delay, GC) that are never stopped.
 */
function processRegistry(): Registry {
  if (sharedProcessRegistry === undefined) {
    sharedProcessRegistry = new Registry();
    collectDefaultMetrics({ register: sharedProcessRegistry });
  }
  return sharedProcessRegistry;
}

/** `genesys` + `framesReceived` -> `genesys_frames_received_total`; `eventsIgnoredTotal` and `totalX` keep one. */
function counterName(prefix: string, field: string): string {
  let name = snake(field);
  if (name.startsWith('total_')) name = name.slice('total_'.length);
  if (!name.endsWith('_total')) name = `${name}_total`;
  return `${snake(prefix)}_${name}`;
}

function helpOf(prefix: string, field: string): string {
  const words = snake(field).replace(/_/g, ' ');
  return `${SOURCE_HELP[prefix] ?? prefix}: ${words}`;
}

function snake(name: string): string {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .replace(/[^a-zA-Z0-9_]/g, '_')
    .toLowerCase();
}
