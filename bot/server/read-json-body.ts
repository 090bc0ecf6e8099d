import type { IncomingMessage } from 'node:http';

/** The largest body /api/messages reads: Teams activities are far smaller (a bot message is capped near 100 KB). */
const MAX_BODY_BYTES = 1024 * 1024;

/** Deepest JSON nesting accepted; Teams activities nest a handful of levels (card data included). */
const MAX_JSON_DEPTH = 32;

/** Why a body was refused; each reason is also a label of the rejection counter. */
export type BodyRejectionReason =
  | 'unsupportedContentType'
  | 'unsupportedCharset'
  | 'unsupportedContentEncoding'
  | 'bodyTooLarge'
  | 'invalidUtf8'
  | 'invalidJson'
  | 'jsonTooDeep'
  | 'notAnObject'
  | 'aborted';

/** A read body: the parsed JSON object, or the HTTP status and reason to refuse it with. */
export type JsonBody =
  | { readonly ok: true; readonly value: Record<string, unknown> }
  | {
      readonly ok: false;
      readonly status: 400 | 413 | 415;
      readonly reason: BodyRejectionReason;
      readonly message: string;
    };

/**
 * Reads a request body as we accept it on /api/messages: `application/json` (charset utf-8 if given), identity
 * content encoding only (no gzip, deflate or br: nothing is ever inflated), at most `maxBytes` bytes actually read
 * (a false or missing Content-Length does not matter), valid UTF-8, a JSON object nested at most
 * {@link MAX_JSON_DEPTH} deep. Replaces restify's bodyParser, which inflates gzip without a cap and hands multipart
 * bodies to formidable (restify issue #1785). When refused before the end of the body, the rest is not read: the
 * caller answers and then destroys the request.
 */
export function readJsonBody(req: IncomingMessage, maxBytes = MAX_BODY_BYTES): Promise<JsonBody> {
  const refused = checkHeaders(req, maxBytes);
  if (refused) return Promise.resolve(refused);
  return new Promise<JsonBody>((resolve) => {
    const chunks: Buffer[] = [];
    let total = 0;
    let isSettled = false;
    const settle = (body: JsonBody): void => {
      if (isSettled) return;
      isSettled = true;
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onAbort);
      req.off('aborted', onAbort);
      if (!body.ok) req.pause();
      resolve(body);
    };
    const onData = (chunk: Buffer): void => {
      total += chunk.length;
      if (total > maxBytes) {
        chunks.length = 0;
        settle(tooLarge(maxBytes));
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = (): void => settle(parse(Buffer.concat(chunks, total)));
    const onAbort = (): void =>
      settle({ ok: false, status: 400, reason: 'aborted', message: 'the request body was cut off' });
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onAbort);
    req.on('aborted', onAbort);
  });
}

function checkHeaders(req: IncomingMessage, maxBytes: number): JsonBody | undefined {
  const [mediaType = '', ...parameters] = (req.headers['content-type'] ?? '').split(';');
  if (mediaType.trim().toLowerCase() !== 'application/json')
    return {
      ok: false,
      status: 415,
      reason: 'unsupportedContentType',
      message: 'only Content-Type application/json is accepted',
    };
  const charset = parameters
    .map((parameter) => parameter.trim().toLowerCase())
    .find((parameter) => parameter.startsWith('charset='))
    ?.slice('charset='.length)
    .replace(/^"(.*)"$/, '$1');
  if (charset !== undefined && charset !== 'utf-8' && charset !== 'utf8')
    return {
      ok: false,
      status: 415,
      reason: 'unsupportedCharset',
      message: 'only charset utf-8 is accepted',
    };
  const encodings = (req.headers['content-encoding'] ?? '')
    .split(',')
    .map((encoding) => encoding.trim().toLowerCase())
    .filter((encoding) => encoding !== '');
  if (encodings.some((encoding) => encoding !== 'identity'))
    return {
      ok: false,
      status: 415,
      reason: 'unsupportedContentEncoding',
      message: 'only identity Content-Encoding is accepted (no gzip, deflate or br)',
    };
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > maxBytes) return tooLarge(maxBytes);
  return undefined;
}

function tooLarge(maxBytes: number): JsonBody {
  return {
    ok: false,
    status: 413,
    reason: 'bodyTooLarge',
    message: `the body is larger than ${maxBytes} bytes`,
  };
}

const UTF8 = new TextDecoder('utf-8', { fatal: true });

function parse(bytes: Buffer): JsonBody {
  let text: string;
  try {
    text = UTF8.decode(bytes);
  } catch {
    return { ok: false, status: 400, reason: 'invalidUtf8', message: 'the body is not valid UTF-8' };
  }
  // Checked on the text before parsing: later steps (schema checks, JSON.stringify of references) recurse.
  if (jsonDepth(text) > MAX_JSON_DEPTH)
    return {
      ok: false,
      status: 400,
      reason: 'jsonTooDeep',
      message: `the JSON is nested deeper than ${MAX_JSON_DEPTH} levels`,
    };
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { ok: false, status: 400, reason: 'invalidJson', message: 'the body is not valid JSON' };
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value))
    return { ok: false, status: 400, reason: 'notAnObject', message: 'the body must be a JSON object' };
  return { ok: true, value: value as Record<string, unknown> };
}

/** The deepest bracket nesting of JSON text, ignoring brackets inside strings; stops counting past the limit. Pure. */
function jsonDepth(text: string): number {
  let depth = 0;
  let deepest = 0;
  let isInString = false;
  for (let i = 0; i < text.length; i += 1) {
    const code = text.charCodeAt(i);
    if (isInString) {
      if (code === 0x5c) i += 1;
      else if (code === 0x22) isInString = false;
    } else if (code === 0x22) isInString = true;
    else if (code === 0x7b || code === 0x5b) {
      depth += 1;
      if (depth > deepest) {
        deepest = depth;
        if (deepest > MAX_JSON_DEPTH) return deepest;
      }
    } else if (code === 0x7d || code === 0x5d) depth -= 1;
  }
  return deepest;
}
