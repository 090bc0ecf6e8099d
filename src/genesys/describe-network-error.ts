/** A network error reduced to its code and message (axios errors carry the request config, headers included). */
export function describeNetworkError(error: unknown): { code?: string; message: string } {
  const e = error as { code?: unknown; message?: unknown };
  return {
    code: typeof e?.code === 'string' ? e.code : undefined,
    message: typeof e?.message === 'string' ? e.message : String(error),
  };
}
