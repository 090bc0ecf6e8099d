/**
 * How long a wait for an outcome goes on before the test gives up and names what it waited for. A hang detector only,
 * never a speed bound: well above anything a busy machine needs, and below Mocha's timeout (`.mocharc.json`), so a
 * failure names the outcome instead of "Timeout exceeded".
 */
const GIVE_UP_AFTER_MS = 45_000;

const POLL_EVERY_MS = 10;

/** What to do while waiting. */
export interface EventuallyOptions {
  /** Gives up after this long (default {@link GIVE_UP_AFTER_MS}). */
  readonly giveUpAfterMs?: number;
  /** Adds to the failure message what the test saw (a log tail, recorded requests). */
  readonly explain?: () => string;
}

/**
 * Waits for an outcome the code under test produces on its own time (a socket frame, a child process's log line, a
 * request at a stand-in): checks `condition` now and after every short pause, and resolves with its first value that
 * is neither `undefined`, `null` nor `false`. It asserts nothing about how long that took.
 */
export async function eventually<T>(
  what: string,
  condition: () => T | undefined | null | false | Promise<T | undefined | null | false>,
  options: EventuallyOptions = {},
): Promise<T> {
  const giveUpAt = Date.now() + (options.giveUpAfterMs ?? GIVE_UP_AFTER_MS);
  for (;;) {
    const value = await condition();
    if (value !== undefined && value !== null && value !== false) return value;
    if (Date.now() > giveUpAt) {
      const explanation = options.explain?.();
      throw new Error(`gave up waiting for ${what}${explanation ? `; ${explanation}` : ''}`);
    }
    await new Promise((resolve) => setTimeout(resolve, POLL_EVERY_MS));
  }
}
