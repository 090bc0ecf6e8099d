/** One bad setting: the environment variable to fix and what is wrong with it. */
export interface ConfigProblem {
  readonly setting: string;
  readonly problem: string;
}

/**
 * The configuration cannot be used: thrown once at start, carrying every problem found so the operator fixes
 * them all in one go. The message lists each problem on its own line, prefixed by the setting's name.
 */
export class ConfigError extends Error {
  readonly problems: readonly ConfigProblem[];

  constructor(problems: readonly ConfigProblem[]) {
    const count = problems.length;
    super(
      `Invalid configuration (${count} ${count === 1 ? 'problem' : 'problems'}):\n` +
        problems.map((p) => `  - ${p.setting}: ${p.problem}`).join('\n'),
    );
    this.name = 'ConfigError';
    this.problems = Object.freeze([...problems]);
  }
}

/**
 * A failure worth retrying later with jittered backoff (network error, 429, 5xx). `retryAfterMs` is the
 * server's Retry-After in milliseconds when it sent one.
 */
export class TransientError extends Error {
  readonly retryAfterMs?: number;

  constructor(message: string, options: { readonly retryAfterMs?: number; readonly cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'TransientError';
    if (options.retryAfterMs !== undefined) this.retryAfterMs = options.retryAfterMs;
  }
}
