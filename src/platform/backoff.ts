/**
 * Bounds of an exponential backoff: the first ceiling and the largest delay, in milliseconds, and how the delay is
 * drawn below the ceiling: `full` (default) uniform in [0, ceiling), `equal` half fixed and half random, `none` the
 * ceiling itself.
 */
export interface BackoffOptions {
  readonly baseInMs: number;
  readonly maxInMs: number;
  readonly jitter?: 'full' | 'equal' | 'none';
}

/**
 * Delay before retry number `attempt` (1 = first retry) under the ceiling min(maxInMs, baseInMs x 2^(attempt-1)).
 * Full jitter spreads a herd of clients best and needs no state; equal jitter keeps a floor of half the ceiling (AWS
 * Architecture Blog, "Exponential Backoff And Jitter",
 * https://aws.amazon.com/blogs/architecture/exponential-backoff-and-jitter/). `random` returns [0, 1). Pure given
 * `random`.
 */
export function computeBackoffInMs(
  attempt: number,
  options: BackoffOptions,
  random: () => number = Math.random,
): number {
  const exponent = Math.max(0, Math.floor(attempt) - 1);
  // 2^exponent overflows to Infinity for huge attempts; Math.min then keeps maxInMs.
  const ceiling = Math.max(0, Math.min(options.maxInMs, options.baseInMs * 2 ** exponent));
  const draw = () => Math.max(0, Math.min(1, random()));
  switch (options.jitter ?? 'full') {
    case 'none':
      return Math.round(ceiling);
    case 'equal':
      return Math.round(ceiling / 2 + (ceiling / 2) * draw());
    case 'full':
      return Math.floor(draw() * ceiling);
  }
}
