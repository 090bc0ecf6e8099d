/**
 * A typed client for the Agents Playground's internal HTTP endpoints (undocumented; read from
 * @microsoft/m365agentsplayground 0.2.28 dist/index.js and its web client, so pin that version). It drives the
 * Playground with no browser: for the demo script and the browser-free tests.
 */
import WebSocket from 'ws';
import { textOfMessage } from '../../src/platform/websocket-text';

/** A mock Teams user of the Playground tenant. */
export interface PlaygroundUser {
  readonly id: string;
  readonly name: string;
  /** Spelled this way by the Playground. */
  readonly userPrincipleName?: string;
  readonly aadObjectId: string;
  readonly givenName?: string;
  readonly surname?: string;
  readonly email?: string;
}

/** The Playground's mock tenant: the signed-in user, other users, the personal chat, group chats and teams. */
export interface PlaygroundConfig {
  readonly tenantId: string;
  readonly bot: { readonly id: string; readonly name: string };
  readonly currentUser: PlaygroundUser;
  readonly users: readonly PlaygroundUser[];
  /** The id is new on every start; it is also the personal conversation's id. */
  readonly personalChat: { readonly id: string; readonly name: string };
  readonly groupChats: readonly {
    readonly id: string;
    readonly name: string;
    readonly members: readonly string[];
  }[];
  readonly teams: readonly {
    readonly id: string;
    readonly name: string;
    readonly aadGroupId?: string;
    /** The General channel's id is the team id, as in Teams. */
    readonly channels: readonly {
      readonly id: string;
      readonly name: string;
      readonly channelType?: string;
    }[];
    readonly members: readonly string[];
  }[];
}

/** A message as the Playground shows it in its UI (bot messages only: the user's own are not echoed). */
export interface PlaygroundMessage {
  readonly messageId: string;
  readonly timestamp: number;
  readonly from: { readonly id: string };
  readonly text?: string;
  readonly textFormat?: string;
  readonly attachments: readonly { readonly contentType: string; readonly content: unknown }[];
}

/** One UI update pushed by the Playground: a new message, an in-place update, or typing. */
export interface PlaygroundEvent {
  readonly action: 'createMessage' | 'updateMessage' | 'typing';
  readonly actionConversationId: string;
  readonly message?: PlaygroundMessage;
}

/** The Playground's UI feed: every bot message, update and typing indicator, in order. */
export interface PlaygroundEventStream {
  /** Everything received so far. */
  readonly events: readonly PlaygroundEvent[];
  /** The first event (already received or yet to come) that matches; rejects after `timeoutInMs`. */
  waitFor(predicate: (event: PlaygroundEvent) => boolean, timeoutInMs?: number): Promise<PlaygroundEvent>;
  close(): void;
}

/** What the Playground answers to an invoke: the bot's invoke response body without its `statusCode`. */
export interface PlaygroundInvokeResponse {
  readonly type?: string;
  readonly value?: unknown;
}

/** The user who types in the Playground by default (Alex Wilber). */
const DEFAULT_USER_ID = 'user-id-0';

/** Calls the Playground's internal endpoints at `baseUrl` (e.g. `http://localhost:56150`). */
export class AgentsPlaygroundClient {
  private readonly baseUrl: string;

  constructor(baseUrl: string) {
    this.baseUrl = baseUrl.replace(/\/+$/, '');
  }

  /** `GET /_internal/v1/config`; it answers only after the bot endpoint answers (the Playground waits up to 15 s). */
  async getConfig(): Promise<PlaygroundConfig> {
    const body = (await this.request('GET', '/_internal/v1/config')) as { config: PlaygroundConfig };
    return body.config;
  }

  /** Sends `text` as a user message into a conversation (personal chat id, group chat id or channel id). */
  async sendMessage(
    conversationId: string,
    text: string,
    options: {
      readonly fromUserId?: string;
      readonly textFormat?: 'plain' | 'markdown';
      /** @-mentions the bot, as a channel message must to reach it (the Playground forwards only those, like Teams). */
      readonly mentionBot?: { readonly id: string; readonly name: string };
    } = {},
  ): Promise<{ messageId: string; timestamp: number }> {
    const mention = options.mentionBot;
    const at = mention ? `<at>${mention.name}</at>` : undefined;
    return (await this.request(
      'POST',
      `/_conversation/v1/conversations/${encodeURIComponent(conversationId)}/messages`,
      {
        from: { id: options.fromUserId ?? DEFAULT_USER_ID },
        text: at ? `${at} ${text}` : text,
        textFormat: options.textFormat ?? 'plain',
        ...(mention ? { mentions: [{ mentioned: { id: mention.id, name: mention.name }, text: at }] } : {}),
      },
    )) as { messageId: string; timestamp: number };
  }

  /**
   * Clicks an `Action.Execute` button on the card message `replyToId`: sends `adaptiveCard/action` and returns the
   * bot's answer. The Playground answers 400 `ActivityNotFoundInConversation` when `replyToId` is not a message there.
   */
  async invokeAction(request: {
    readonly conversationId: string;
    readonly replyToId: string;
    readonly verb: string;
    readonly data?: Readonly<Record<string, unknown>>;
    readonly fromUserId?: string;
    readonly trigger?: 'manual' | 'automatic';
  }): Promise<PlaygroundInvokeResponse> {
    return (await this.request('POST', '/_conversation/v1/invoke', {
      name: 'adaptiveCard/action',
      value: {
        action: { type: 'Action.Execute', verb: request.verb, data: request.data ?? {} },
        trigger: request.trigger ?? 'manual',
      },
      from: { id: request.fromUserId ?? DEFAULT_USER_ID },
      conversation: { id: request.conversationId },
      replyToId: request.replyToId,
    })) as PlaygroundInvokeResponse;
  }

  /**
   * Sends any activity to the bot as is (`POST /_internal/v1/customActivities`); the Playground answers before it
   * delivers and fills nothing in, so start from {@link getCustomActivityTemplate}.
   */
  async sendCustomActivity(activity: Readonly<Record<string, unknown>>): Promise<void> {
    await this.request('POST', '/_internal/v1/customActivities', activity);
  }

  /** A complete activity for the conversation (ids, serviceUrl, from, recipient) with a placeholder `type`. */
  async getCustomActivityTemplate(conversationId: string): Promise<Record<string, unknown>> {
    return (await this.request(
      'GET',
      `/_internal/v1/customActivities/template?conversationId=${encodeURIComponent(conversationId)}`,
    )) as Record<string, unknown>;
  }

  /**
   * Installs the app in a conversation as the web UI does when a chat or channel is opened: the bot receives
   * `installationUpdate` (add) and `conversationUpdate` (membersAdded). Works for the personal chat and team channels.
   */
  async installApp(conversationId: string): Promise<void> {
    await this.request('POST', `/_debug/conversation/${encodeURIComponent(conversationId)}/installation`, {});
  }

  /**
   * Subscribes to the UI feed (`/_ws_conversation/v1/conversations/stream`), which is how bot messages can be read
   * back: the Playground has no HTTP endpoint that lists messages. Events sent while no client was connected are
   * replayed to the first one that connects.
   */
  async openEventStream(): Promise<PlaygroundEventStream> {
    const socket = new WebSocket(
      `${this.baseUrl.replace(/^http/, 'ws')}/_ws_conversation/v1/conversations/stream`,
    );
    await new Promise<void>((resolve, reject) => {
      socket.once('open', () => resolve());
      socket.once('error', reject);
    });
    return new EventStream(socket);
  }

  private async request(method: 'GET' | 'POST', path: string, body?: unknown): Promise<unknown> {
    const response = await fetch(`${this.baseUrl}${path}`, {
      method,
      headers: body === undefined ? undefined : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    if (!response.ok)
      throw new Error(
        `Agents Playground ${method} ${path} answered ${response.status}: ${text.slice(0, 300)}`,
      );
    return text === '' ? undefined : JSON.parse(text);
  }
}

class EventStream implements PlaygroundEventStream {
  readonly events: PlaygroundEvent[] = [];
  private readonly waiters = new Set<(event: PlaygroundEvent) => void>();

  constructor(private readonly socket: WebSocket) {
    socket.on('message', (data) => {
      const event = JSON.parse(textOfMessage(data)) as PlaygroundEvent;
      this.events.push(event);
      for (const waiter of [...this.waiters]) waiter(event);
    });
  }

  waitFor(predicate: (event: PlaygroundEvent) => boolean, timeoutInMs = 10_000): Promise<PlaygroundEvent> {
    const seen = this.events.find(predicate);
    if (seen !== undefined) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const waiter = (event: PlaygroundEvent): void => {
        if (!predicate(event)) return;
        this.waiters.delete(waiter);
        clearTimeout(timer);
        resolve(event);
      };
      const timer = setTimeout(() => {
        this.waiters.delete(waiter);
        reject(
          new Error(`no matching Playground event within ${timeoutInMs} ms (received ${this.events.length})`),
        );
      }, timeoutInMs);
      this.waiters.add(waiter);
    });
  }

  close(): void {
    this.socket.close();
  }
}
