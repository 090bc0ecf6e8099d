import { createHash } from 'node:crypto';
import type { Request, Response } from 'restify';
import type { RequestIdentity } from './tab-auth';

/** The query string of a request. */
export function queryOf(req: Request): URLSearchParams {
  return new URL(req.url ?? '/', 'http://localhost').searchParams;
}

/** What authentication reads from a request: the bearer token, the local persona header and the peer address. */
export function identityOf(req: Request): RequestIdentity {
  const header = (name: string): string | undefined => {
    const value = req.headers[name];
    return Array.isArray(value) ? value[0] : value;
  };
  return {
    authorization: header('authorization'),
    localViewer: header('x-local-viewer'),
    remoteAddress: req.socket?.remoteAddress,
  };
}

/** Headers every tab API answer carries: personal data, never cached by intermediaries. */
const API_HEADERS = {
  'content-type': 'application/json; charset=utf-8',
  'cache-control': 'no-store',
  'x-content-type-options': 'nosniff',
} as const;

/** Sends JSON with no-store caching. */
export function sendJson(
  res: Response,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { ...API_HEADERS, 'content-length': String(Buffer.byteLength(text)), ...headers });
  res.end(text);
}

/** Sends `{error, message}` with the status. */
export function sendError(res: Response, status: number, code: string, message: string): void {
  sendJson(res, status, { error: code, message }, status === 401 ? { 'www-authenticate': 'Bearer' } : {});
}

/**
 * Sends JSON with an ETag of `versionOf` (the parts that matter to the page); answers 304 when the client already has
 * that version (`If-None-Match`), so a page polling every few seconds mostly gets empty answers.
 */
export function sendJsonWithEtag(req: Request, res: Response, body: unknown, versionOf: unknown): void {
  const etag = `"${createHash('sha256').update(JSON.stringify(versionOf)).digest('base64url').slice(0, 22)}"`;
  if (req.headers['if-none-match'] === etag) {
    res.writeHead(304, { etag, 'cache-control': 'no-cache, private' });
    res.end();
    return;
  }
  sendJson(res, 200, body, { etag, 'cache-control': 'no-cache, private' });
}
