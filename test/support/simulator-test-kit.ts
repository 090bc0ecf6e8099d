import WebSocket from 'ws';
import { textOfMessage } from '../../src/platform/websocket-text';
import {
  startGenesysSimulator,
  type RunningSimulator,
  type SimulatorOptions,
} from '../../src/simulator/genesys-simulator';

/** Arbitrary wire JSON as tests read it. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- tests navigate untyped Genesys JSON
export type WireJson = any;

/** 2026-08-20T12:00:00Z: a Thursday noon, so most agents are mid-shift. */
export const START_AT = Date.parse('2026-08-20T12:00:00.000Z');

/** A small simulator with a manual clock, fast heartbeats and the given overrides. */
export function startTestSimulator(overrides: SimulatorOptions = {}): Promise<RunningSimulator> {
  return startGenesysSimulator({
    manualClock: true,
    startAt: START_AT,
    units: 2,
    agentsPerUnit: 4,
    heartbeatIntervalMs: 60_000,
    ...overrides,
  });
}

/** Basic auth header for the simulator's OAuth client. */
function basicAuth(clientId: string, secret: string): string {
  return `Basic ${Buffer.from(`${clientId}:${secret}`).toString('base64')}`;
}

/** Requests a token by client credentials; returns the raw response. */
export function requestToken(
  sim: RunningSimulator,
  clientId = sim.clientId,
  secret = sim.clientSecret,
): Promise<Response> {
  return fetch(`${sim.loginUrl}/oauth/token`, {
    method: 'POST',
    headers: {
      Authorization: basicAuth(clientId, secret),
      'Content-Type': 'application/x-www-form-urlencoded',
    },
    body: 'grant_type=client_credentials',
  });
}

/** A logged-in REST client for tests. */
export class ApiClient {
  constructor(
    readonly sim: RunningSimulator,
    readonly token: string,
  ) {}

  static async login(sim: RunningSimulator): Promise<ApiClient> {
    const res = await requestToken(sim);
    const body = (await res.json()) as { access_token: string };
    return new ApiClient(sim, body.access_token);
  }

  request(
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ): Promise<Response> {
    return fetch(`${this.sim.apiUrl}${path}`, {
      method,
      headers: {
        Authorization: `Bearer ${this.token}`,
        ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
        ...headers,
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  }

  async json<T = WireJson>(
    method: string,
    path: string,
    body?: unknown,
  ): Promise<{ status: number; body: T; headers: Headers }> {
    const res = await this.request(method, path, body);
    const text = await res.text();
    return { status: res.status, body: (text ? JSON.parse(text) : undefined) as T, headers: res.headers };
  }

  async createChannel(topics: string[] = []): Promise<{ id: string; connectUri: string; expires: string }> {
    const channel = (
      await this.json<{ id: string; connectUri: string; expires: string }>(
        'POST',
        '/api/v2/notifications/channels',
      )
    ).body;
    if (topics.length > 0) {
      const res = await this.json(
        'PUT',
        `/api/v2/notifications/channels/${channel.id}/subscriptions`,
        topics.map((id) => ({ id })),
      );
      if (res.status !== 200) throw new Error(`subscribe failed: ${res.status} ${JSON.stringify(res.body)}`);
    }
    return channel;
  }
}

/** A frame received on a socket: the parsed JSON, or the raw text when it is not JSON. */
export interface ReceivedFrame {
  readonly raw: string;
  readonly json?: WireJson;
}

/** A WebSocket client that keeps every frame and lets tests wait for the next one matching a predicate. */
export class FrameCollector {
  readonly frames: ReceivedFrame[] = [];
  closeCode: number | undefined;
  private waiters: Array<{
    predicate: (f: ReceivedFrame) => boolean;
    resolve: (f: ReceivedFrame) => void;
    from: number;
  }> = [];
  private closeWaiters: Array<(code: number) => void> = [];

  private constructor(readonly socket: WebSocket) {
    socket.on('message', (data) => {
      const raw = textOfMessage(data);
      let json: unknown;
      try {
        json = JSON.parse(raw);
      } catch {
        json = undefined;
      }
      const frame = { raw, json };
      this.frames.push(frame);
      this.waiters = this.waiters.filter((w) => {
        if (!w.predicate(frame)) return true;
        w.resolve(frame);
        return false;
      });
    });
    socket.on('close', (code) => {
      this.closeCode = code;
      for (const w of this.closeWaiters) w(code);
      this.closeWaiters = [];
    });
  }

  static connect(uri: string): Promise<FrameCollector> {
    return new Promise((resolve, reject) => {
      const socket = new WebSocket(uri);
      const collector = new FrameCollector(socket);
      socket.once('open', () => resolve(collector));
      socket.once('error', reject);
    });
  }

  /** Resolves with the first frame (already received or future) that matches. */
  next(predicate: (f: ReceivedFrame) => boolean): Promise<ReceivedFrame> {
    const existing = this.frames.find(predicate);
    if (existing) return Promise.resolve(existing);
    return new Promise((resolve) => this.waiters.push({ predicate, resolve, from: this.frames.length }));
  }

  /** Resolves with `count` matching frames. */
  async nextN(predicate: (f: ReceivedFrame) => boolean, count: number): Promise<ReceivedFrame[]> {
    for (;;) {
      const matching = this.frames.filter(predicate);
      if (matching.length >= count) return matching.slice(0, count);
      await new Promise<void>((resolve) =>
        this.waiters.push({ predicate, resolve: () => resolve(), from: this.frames.length }),
      );
    }
  }

  /** Frames on a topic. */
  onTopic(topic: string): ReceivedFrame[] {
    return this.frames.filter((f) => f.json?.topicName === topic);
  }

  /** Resolves with the close code once the socket closes. */
  closed(): Promise<number> {
    if (this.closeCode !== undefined) return Promise.resolve(this.closeCode);
    return new Promise((resolve) => this.closeWaiters.push(resolve));
  }

  close(): void {
    this.socket.terminate();
  }
}

/** A frame predicate for a topic. */
export const topicIs =
  (topic: string) =>
  (f: ReceivedFrame): boolean =>
    f.json?.topicName === topic;

/** The MU adherence topic. */
export const muTopic = (muId: string): string => `v2.workforcemanagement.managementunits.${muId}.adherence`;
