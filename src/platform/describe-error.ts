/** The message of anything thrown: an Error's message, otherwise its string form. Pure. */
export function describeError(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * A network error reduced to its code and message, for a log line: an axios error carries the request config, headers
 * included, so it is never logged whole. Pure.
 */
export function describeNetworkError(error: unknown): { code?: string; message: string } {
  const e = error as { code?: unknown; message?: unknown } | null | undefined;
  return {
    code: typeof e?.code === 'string' ? e.code : undefined,
    message: typeof e?.message === 'string' ? e.message : String(error),
  };
}
