/** Counters to expose: a flat or one-level-nested object of numbers per metric prefix (e.g. GenesysMetrics). */
export type MetricSources = Readonly<Record<string, object>>;

/**
 * Renders counters as Prometheus text exposition (version 0.0.4): `<prefix>_<snake_name> <value>`, and a nested
 * record as one series per key with a `key` label (e.g. `genesys_ignored{key="stale"} 2`). Non-numbers are skipped.
 */
export function renderPrometheus(sources: MetricSources): string {
  const lines: string[] = [];
  for (const [prefix, metrics] of Object.entries(sources)) {
    for (const [name, value] of Object.entries(metrics as Record<string, unknown>)) {
      const metric = `${snake(prefix)}_${snake(name)}`;
      if (typeof value === 'number' && Number.isFinite(value)) {
        lines.push(`# TYPE ${metric} ${name.startsWith('last') ? 'gauge' : 'counter'}`, `${metric} ${value}`);
      } else if (value !== null && typeof value === 'object') {
        const series = Object.entries(value as Record<string, unknown>).filter(
          ([, count]) => typeof count === 'number' && Number.isFinite(count),
        );
        if (series.length === 0) continue;
        lines.push(`# TYPE ${metric} counter`);
        for (const [key, count] of series)
          lines.push(`${metric}{key="${key.replace(/["\\\n]/g, '_')}"} ${count as number}`);
      }
    }
  }
  return `${lines.join('\n')}\n`;
}

function snake(name: string): string {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .replace(/[^a-zA-Z0-9_]/g, '_')
    .toLowerCase();
}
