import http from 'node:http';
import type { Readable } from 'node:stream';

/** What a raw request got: the status and body, or the socket error when the server dropped the connection. */
export interface RawResponse {
  readonly status?: number;
  readonly body?: string;
  readonly error?: string;
}

/**
 * POSTs exactly the given bytes and headers (no content-type or encoding added, unlike fetch), for hostile-input
 * tests; a streamed body is sent chunked. Never rejects: a dropped connection is reported in `error`.
 */
export function rawPost(
  url: string,
  headers: Readonly<Record<string, string>>,
  body: Buffer | Readable,
): Promise<RawResponse> {
  return new Promise((resolve) => {
    let isSettled = false;
    const settle = (response: RawResponse): void => {
      if (isSettled) return;
      isSettled = true;
      resolve(response);
    };
    const request = http.request(url, { method: 'POST', headers }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () =>
        settle({ status: response.statusCode, body: Buffer.concat(chunks).toString('utf8') }),
      );
      response.on('error', (error) => settle({ status: response.statusCode, error: error.message }));
    });
    request.on('error', (error) => settle({ error: error.message }));
    if (Buffer.isBuffer(body)) request.end(body);
    else {
      body.on('error', () => request.destroy());
      body.pipe(request);
    }
  });
}
