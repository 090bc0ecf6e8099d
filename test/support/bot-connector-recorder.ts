import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request the stand-in accepted, as it arrived. */
export interface RecordedActivity {
  readonly method: 'POST' | 'PUT';
  readonly conversationId: string;
  /** The id the stand-in gave a new activity, or the one a PUT replaced. */
  readonly activityId: string;
  readonly body: Record<string, unknown>;
  /** Wall clock when the request was accepted (epoch ms). */
  readonly receivedAt: number;
}

/** A request the stand-in keeps unanswered (accepted and recorded, like Teams mid-response) until released. */
export interface HeldRequest {
  /** Resolves when a matching request has arrived (it is recorded by then). */
  readonly arrived: Promise<RecordedActivity>;
  /** Answers the held request. */
  release(): void;
}

/** A running recorder: its base URL (the conversations' serviceUrl) and what it received. */
export interface BotConnectorRecorder {
  readonly serviceUrl: string;
  readonly activities: RecordedActivity[];
  /** Holds the answer to the next request whose body matches, so the sender has a request on the wire. */
  holdNext(matches: (body: Record<string, unknown>) => boolean): HeldRequest;
  stop(): Promise<void>;
}

/**
 * A minimal Bot Connector stand-in on 127.0.0.1 (port 0): accepts `POST /v3/conversations/:id/activities[/:replyToId]`
 * and `PUT /v3/conversations/:id/activities/:activityId`, answers `{ id }` like Teams, and records every request. Like
 * real Teams it never deduplicates: the same message posted twice is recorded twice. The bot engineer's richer
 * `fake-bot-connector.ts` was not in the tree when this was written.
 */
export async function startBotConnectorRecorder(): Promise<BotConnectorRecorder> {
  const activities: RecordedActivity[] = [];
  const holds: {
    matches: (body: Record<string, unknown>) => boolean;
    arrive: (activity: RecordedActivity) => void;
    released: Promise<void>;
  }[] = [];
  let sequence = 0;
  const server: Server = createServer((req, res) => void handle(req, res));
  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const match = /^\/v3\/conversations\/([^/]+)\/activities(?:\/([^/]+))?$/.exec(
      new URL(req.url ?? '/', 'http://x').pathname,
    );
    const method = req.method;
    if (!match || (method !== 'POST' && method !== 'PUT')) {
      // Two statements: restify, loaded in the same mocha process, patches writeHead to return undefined.
      res.writeHead(404);
      res.end();
      return;
    }
    let body: Record<string, unknown>;
    try {
      body = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') as Record<string, unknown>;
    } catch {
      res.writeHead(400);
      res.end();
      return;
    }
    sequence += 1;
    const activityId = method === 'PUT' ? decodeURIComponent(match[2] ?? '') : `1:${sequence}`;
    const activity: RecordedActivity = {
      method,
      conversationId: decodeURIComponent(match[1]),
      activityId,
      body,
      receivedAt: Date.now(),
    };
    activities.push(activity);
    const hold = holds.findIndex((candidate) => candidate.matches(body));
    if (hold >= 0) {
      const [held] = holds.splice(hold, 1);
      held.arrive(activity);
      await held.released;
    }
    res.writeHead(method === 'POST' ? 201 : 200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ id: activityId }));
  };
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    serviceUrl: `http://127.0.0.1:${port}/`,
    activities,
    holdNext: (matches) => {
      let arrive!: (activity: RecordedActivity) => void;
      let release!: () => void;
      const arrived = new Promise<RecordedActivity>((resolve) => (arrive = resolve));
      const released = new Promise<void>((resolve) => (release = resolve));
      holds.push({ matches, arrive, released });
      return { arrived, release };
    },
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
