import type { Clock } from '../../src/platform/clock';
import type { Logger } from '../../src/platform/logger';

/**
 * Logs each kind of problem at most once per interval and counts what it held back (`suppressed` on the next line),
 * so a flood of bad requests or a library failing on every turn cannot flood the log.
 */
export class RateLimitedLog {
  private readonly lastAt = new Map<string, { at: number; suppressed: number }>();

  constructor(
    private readonly logger: Logger,
    private readonly clock: Clock,
    private readonly intervalInMs = 60_000,
  ) {}

  warn(key: string, fields: Record<string, unknown>, message: string): void {
    this.write('warn', key, fields, message);
  }

  error(key: string, fields: Record<string, unknown>, message: string): void {
    this.write('error', key, fields, message);
  }

  private write(
    level: 'warn' | 'error',
    key: string,
    fields: Record<string, unknown>,
    message: string,
  ): void {
    const now = this.clock.now();
    const last = this.lastAt.get(key);
    if (last !== undefined && now - last.at < this.intervalInMs) {
      last.suppressed += 1;
      return;
    }
    // Bounded: keys are a handful of fixed reasons, but never let them grow without limit.
    if (this.lastAt.size > 1_000) this.lastAt.clear();
    this.lastAt.set(key, { at: now, suppressed: 0 });
    this.logger[level]({ ...fields, ...(last?.suppressed ? { suppressed: last.suppressed } : {}) }, message);
  }
}
