import type { Logger } from '../../src/platform/logger';

/** One log call with the bindings of its logger. */
export interface LogEntry {
  readonly level: 'debug' | 'info' | 'warn' | 'error';
  readonly bindings: Record<string, unknown>;
  readonly fields: object | string;
  readonly msg?: string;
}

/** A Logger fake that keeps every entry (shared by its children) for assertions. */
export class RecordingLogger implements Logger {
  constructor(
    readonly entries: LogEntry[] = [],
    private readonly bindings: Record<string, unknown> = {},
  ) {}

  debug(fields: object | string, msg?: string): void {
    this.entries.push({ level: 'debug', bindings: this.bindings, fields, msg });
  }

  info(fields: object | string, msg?: string): void {
    this.entries.push({ level: 'info', bindings: this.bindings, fields, msg });
  }

  warn(fields: object | string, msg?: string): void {
    this.entries.push({ level: 'warn', bindings: this.bindings, fields, msg });
  }

  error(fields: object | string, msg?: string): void {
    this.entries.push({ level: 'error', bindings: this.bindings, fields, msg });
  }

  child(bindings: Record<string, unknown>): Logger {
    return new RecordingLogger(this.entries, { ...this.bindings, ...bindings });
  }

  /** Entries with this message (`msg`, or the text of a string-only call). */
  withMessage(msg: string): LogEntry[] {
    return this.entries.filter((entry) => (entry.msg ?? entry.fields) === msg);
  }

  /** Entries of this level. */
  atLevel(level: LogEntry['level']): LogEntry[] {
    return this.entries.filter((entry) => entry.level === level);
  }
}
