import type { IncomingMessage, ServerResponse } from 'node:http';

/** What a route handler answers: status, optional JSON body, extra headers. */
export interface HttpReply {
  readonly status: number;
  readonly body?: unknown;
  readonly headers?: Readonly<Record<string, string>>;
}

/** One parsed request as seen by a route handler. */
export interface HttpRequestContext<Auth = unknown> {
  readonly method: string;
  readonly url: URL;
  readonly params: Readonly<Record<string, string>>;
  readonly headers: IncomingMessage['headers'];
  readonly rawBody: string;
  readonly auth: Auth;
}

/** A route handler. */
export type HttpHandler<Auth> = (ctx: HttpRequestContext<Auth>) => HttpReply | Promise<HttpReply>;

interface Route<Auth> {
  readonly method: string;
  readonly pattern: RegExp;
  readonly names: readonly string[];
  readonly handler: HttpHandler<Auth>;
}

/**
 * Result of matching a request: the handler and its path parameters, or whether the path exists under another
 * method.
 */
export type RouteMatch<Auth> =
  | { readonly kind: 'found'; readonly handler: HttpHandler<Auth>; readonly params: Record<string, string> }
  | { readonly kind: 'wrongMethod' }
  | { readonly kind: 'notFound' };

/** A tiny method + path-template router (`/api/v2/users/:userId`). */
export class HttpRouter<Auth> {
  private readonly routes: Route<Auth>[] = [];

  /** Adds a route; `:name` segments become parameters. */
  add(method: string, template: string, handler: HttpHandler<Auth>): this {
    const names: string[] = [];
    const source = template
      .split('/')
      .map((segment) => {
        if (!segment.startsWith(':')) return segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
        names.push(segment.slice(1));
        return '([^/]+)';
      })
      .join('/');
    this.routes.push({ method, pattern: new RegExp(`^${source}/?$`), names, handler });
    return this;
  }

  /** Finds the route for a method and path. */
  match(method: string, pathname: string): RouteMatch<Auth> {
    let pathExists = false;
    for (const route of this.routes) {
      const m = route.pattern.exec(pathname);
      if (!m) continue;
      pathExists = true;
      if (route.method !== method) continue;
      const params: Record<string, string> = {};
      route.names.forEach((name, i) => (params[name] = decodeURIComponent(m[i + 1])));
      return { kind: 'found', handler: route.handler, params };
    }
    return pathExists ? { kind: 'wrongMethod' } : { kind: 'notFound' };
  }
}

/**
 * Reads a request body as text, failing once it passes `maxBytes` (Genesys `request.bytes.max` = 512000,
 * Genesys Cloud limits, developer.genesys.cloud/api/rest/v2/organization/limits).
 */
export function readRequestBody(req: IncomingMessage, maxBytes: number): Promise<string | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = false;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBytes) tooLarge = true;
      else chunks.push(chunk);
    });
    req.on('end', () => resolve(tooLarge ? undefined : Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

/** Writes a reply as JSON (no body for 204 and HEAD). */
export function writeReply(
  res: ServerResponse,
  method: string,
  reply: HttpReply,
  headers: Record<string, string>,
): void {
  const all: Record<string, string> = { ...headers, ...(reply.headers ?? {}) };
  const hasBody = reply.body !== undefined && reply.status !== 204 && method !== 'HEAD';
  const text = hasBody ? JSON.stringify(reply.body) : '';
  if (hasBody) all['Content-Type'] = 'application/json';
  all['Content-Length'] = String(Buffer.byteLength(text));
  res.writeHead(reply.status, all);
  res.end(text);
}
