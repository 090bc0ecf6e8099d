import http from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request the fake connector received. */
export interface ConnectorRequest {
  readonly method: string;
  readonly path: string;
  readonly body: unknown;
  readonly hasAuthorization: boolean;
  /** Wall clock when the request arrived (epoch ms). */
  readonly receivedAt: number;
  /** What the fake answered (status and parsed body), filled in once it answered, as a Teams client would learn ids. */
  response?: { readonly status: number; readonly body: unknown };
}

/** A scripted failure for the next matching calls. */
export interface ConnectorFault {
  readonly status: number;
  readonly code?: string;
  readonly retryAfterInSeconds?: number;
  /** Only requests whose method and path match (default: any). */
  readonly match?: (method: string, path: string) => boolean;
}

/** A member the fake knows, as Teams REST returns it (object id in `objectId`). */
export interface FakeMember {
  readonly id: string;
  readonly objectId: string;
  readonly name: string;
  readonly email?: string;
  readonly userPrincipalName?: string;
  readonly tenantId?: string;
}

/**
 * A local Bot Connector stand-in on 127.0.0.1, port 0: records POST /v3/conversations[/:id/activities[/:activityId]],
 * PUT /v3/conversations/:id/activities/:activityId, GET members, pagedmembers and team channels, and answers
 * scripted 429 (Retry-After), 5xx, 403 and 404 for the next N matching calls.
 */
export class FakeBotConnector {
  readonly requests: ConnectorRequest[] = [];
  private readonly faults: Array<ConnectorFault & { remaining: number }> = [];
  private server?: http.Server;
  private nextId = 1;
  /** Members by conversation or team id. */
  readonly members = new Map<string, FakeMember[]>();
  /** Channels by team id. */
  readonly channels = new Map<string, { id: string; name?: string }[]>();
  /** Page size the fake uses for pagedmembers (Teams clamps real requests to 50-500). */
  pageSize = 2;
  url = '';

  async start(): Promise<string> {
    this.server = http.createServer((req, res) => {
      let raw = '';
      req.on('data', (chunk) => (raw += chunk));
      req.on('end', () => this.answer(req, res, raw));
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', () => resolve()));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/`;
    return this.url;
  }

  async stop(): Promise<void> {
    if (!this.server) return;
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server!.close(() => resolve()));
  }

  /** Answers the next `times` matching calls with the fault. */
  failNext(times: number, fault: ConnectorFault): void {
    this.faults.push({ ...fault, remaining: times });
  }

  /** Requests by method and a path pattern. */
  find(method: string, pattern: RegExp): ConnectorRequest[] {
    return this.requests.filter((request) => request.method === method && pattern.test(request.path));
  }

  private answer(req: http.IncomingMessage, res: http.ServerResponse, raw: string): void {
    const method = req.method ?? 'GET';
    const url = new URL(req.url ?? '/', 'http://fake');
    const path = decodeURIComponent(url.pathname);
    let body: unknown;
    try {
      body = raw ? JSON.parse(raw) : undefined;
    } catch {
      body = raw;
    }
    const request: ConnectorRequest = {
      method,
      path,
      body,
      hasAuthorization: req.headers.authorization !== undefined,
      receivedAt: Date.now(),
    };
    this.requests.push(request);
    const fault = this.faults.find(
      (candidate) => candidate.remaining > 0 && (candidate.match?.(method, path) ?? true),
    );
    if (fault) {
      fault.remaining -= 1;
      const headers: Record<string, string> = { 'content-type': 'application/json' };
      if (fault.retryAfterInSeconds !== undefined) headers['retry-after'] = String(fault.retryAfterInSeconds);
      const faultBody = { error: { code: fault.code ?? 'Fault', message: 'scripted fault' } };
      request.response = { status: fault.status, body: faultBody };
      res.writeHead(fault.status, headers);
      res.end(JSON.stringify(faultBody));
      return;
    }
    const send = (status: number, value: unknown): void => {
      request.response = { status, body: value };
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(value));
    };
    let match: RegExpExecArray | null;
    if (method === 'POST' && path === '/v3/conversations') {
      const params = (body ?? {}) as {
        isGroup?: boolean;
        channelData?: { channel?: { id?: string } };
        activity?: unknown;
      };
      const channelId = params.channelData?.channel?.id;
      if (params.isGroup && channelId) {
        const rootId = `${1_000 + this.nextId++}`;
        // Teams answers a channel post with the thread id `<channelId>;messageid=<rootId>` and the root activity id.
        return send(201, { id: `${channelId};messageid=${rootId}`, activityId: rootId });
      }
      return send(201, { id: `a:personal-${this.nextId++}` });
    }
    if ((match = /^\/v3\/conversations\/([^/]+)\/activities(?:\/([^/]+))?$/.exec(path))) {
      if (method === 'POST') return send(201, { id: `activity-${this.nextId++}` });
      if (method === 'PUT') return send(200, { id: match[2] });
    }
    if (method === 'GET' && (match = /^\/v3\/conversations\/([^/]+)\/pagedmembers$/.exec(path))) {
      const all = this.members.get(match[1]) ?? [];
      const start = Number(url.searchParams.get('continuationToken') ?? '0');
      const page = all.slice(start, start + this.pageSize);
      const next = start + this.pageSize < all.length ? String(start + this.pageSize) : undefined;
      return send(200, { members: page, ...(next ? { continuationToken: next } : {}) });
    }
    if (method === 'GET' && (match = /^\/v3\/conversations\/([^/]+)\/members\/([^/]+)$/.exec(path))) {
      const member = [...this.members.values()]
        .flat()
        .find((candidate) => candidate.id === match![2] || candidate.objectId === match![2]);
      return member
        ? send(200, member)
        : send(404, { error: { code: 'MemberNotFoundInConversation', message: 'not found' } });
    }
    if (method === 'GET' && (match = /^\/v3\/conversations\/([^/]+)\/members$/.exec(path)))
      return send(200, this.members.get(match[1]) ?? []);
    if (method === 'GET' && (match = /^\/v3\/teams\/([^/]+)\/conversations$/.exec(path)))
      return send(200, { conversations: this.channels.get(match[1]) ?? [] });
    send(404, { error: { code: 'NotFound', message: `fake connector has no route for ${method} ${path}` } });
  }
}
