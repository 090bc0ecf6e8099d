// The Teams side of `npm run bench:scale`, a child process: a Bot Connector stand-in that the stored conversation
// references point at. It answers what the product sends at scale (proactive posts into chats, new channel threads,
// card updates) as test/support/fake-bot-connector.ts does, and timestamps every request on its own clock, away from
// the simulator's work, when its headers arrive (Teams counts requests as they arrive). It keeps only a compact
// record of each (the cards are dropped).
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { answerBenchRequests } from './bench-child';

/** What arrived: a nudge (post into a personal chat), a supervisor alert (new channel thread), a card update, ... */
export type ArrivalKind = 'nudge' | 'alert' | 'update' | 'channelMessage' | 'chatCreated' | 'other';

/** One request at the stand-in, as the benchmark reads it. */
export interface Arrival {
  /** Epoch ms when the request's headers had arrived. */
  readonly at: number;
  readonly kind: ArrivalKind;
  readonly conversationId?: string;
  /** The episode the card's actions name (`<agentId>:<driftStartedAt>`), when the card has actions. */
  readonly episodeId?: string;
}

const arrivals: Arrival[] = [];
let nextId = 1;

function answer(req: http.IncomingMessage, res: http.ServerResponse, at: number, raw: string): void {
  const method = req.method ?? 'GET';
  const path = decodeURIComponent(new URL(req.url ?? '/', 'http://stand-in').pathname);
  const episodeId = /"episodeId":"([^"]+)"/.exec(raw)?.[1];
  const send = (status: number, body: unknown, arrival: Omit<Arrival, 'at' | 'episodeId'>): void => {
    arrivals.push({ at, episodeId, ...arrival });
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
  };
  if (method === 'POST' && path === '/v3/conversations') {
    const params = JSON.parse(raw || '{}') as {
      isGroup?: boolean;
      channelData?: { channel?: { id?: string } };
    };
    const channelId = params.channelData?.channel?.id;
    if (params.isGroup && channelId) {
      // Teams answers a channel post with the thread id `<channelId>;messageid=<rootId>` and the root activity id.
      const rootId = String(1_000 + nextId++);
      return send(
        201,
        { id: `${channelId};messageid=${rootId}`, activityId: rootId },
        {
          kind: 'alert',
          conversationId: channelId,
        },
      );
    }
    return send(201, { id: `a:stand-in-${nextId++}` }, { kind: 'chatCreated' });
  }
  const activity = /^\/v3\/conversations\/([^/]+)\/activities(?:\/([^/]+))?$/.exec(path);
  if (activity && method === 'POST') {
    const conversationId = activity[1];
    return send(
      201,
      { id: `activity-${nextId++}` },
      {
        kind: conversationId.startsWith('a:') ? 'nudge' : 'channelMessage',
        conversationId,
      },
    );
  }
  if (activity && method === 'PUT')
    return send(200, { id: activity[2] }, { kind: 'update', conversationId: activity[1] });
  send(404, { error: { code: 'NotFound', message: `no route for ${method} ${path}` } }, { kind: 'other' });
}

const server = http.createServer((req, res) => {
  const at = Date.now();
  let raw = '';
  req.setEncoding('utf8');
  req.on('data', (chunk: string) => (raw += chunk));
  req.on('end', () => answer(req, res, at, raw));
});
server.keepAliveTimeout = 60_000;
server.listen(0, '127.0.0.1', () => {
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  answerBenchRequests({ url }, (type, payload) => {
    if (type === 'arrivals') return arrivals.slice(Number(payload ?? 0));
    throw new Error(`unknown request ${type}`);
  });
});
