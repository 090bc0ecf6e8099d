import assert from 'node:assert/strict';
import { once } from 'node:events';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AgentsPlaygroundClient } from '../../../bot/dev/agents-playground-client';
import type { PlaygroundConfig, PlaygroundEventStream } from '../../../bot/dev/agents-playground-client';
import { startAgentsPlayground } from '../../../bot/dev/agents-playground';
import type { AgentsPlayground } from '../../../bot/dev/agents-playground';

interface Activity {
  readonly type: string;
  readonly id: string;
  readonly text?: string;
  readonly serviceUrl: string;
  readonly conversation: { readonly id: string };
  readonly from: { readonly id: string; readonly aadObjectId?: string };
  readonly recipient: { readonly id: string };
  readonly action?: string;
  readonly value?: { readonly action?: { readonly verb?: string } };
}

/**
 * A tiny echo bot on /api/messages: replies `echo: <text>` to messages through the activity's serviceUrl, answers
 * `adaptiveCard/action` invokes with a message naming the verb, and records every activity it receives.
 */
class EchoBot {
  readonly received: Activity[] = [];
  private readonly listeners = new Set<() => void>();
  readonly server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      // The Playground probes the endpoint (HEAD) before it sends anything; any answer will do.
      if (req.method !== 'POST' || req.url !== '/api/messages') {
        // Two statements: restify (loaded by other suites in the same mocha process) makes writeHead return undefined.
        res.writeHead(200);
        res.end();
        return;
      }
      const activity = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Activity;
      this.received.push(activity);
      for (const listener of this.listeners) listener();
      if (activity.type === 'invoke') {
        const body = {
          statusCode: 200,
          type: 'application/vnd.microsoft.activity.message',
          value: `did ${activity.value?.action?.verb}`,
        };
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify(body));
        return;
      }
      res.writeHead(200);
      res.end();
      if (activity.type === 'message') void this.reply(activity);
    });
  });

  async listen(): Promise<string> {
    this.server.listen(0, '127.0.0.1');
    await once(this.server, 'listening');
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/api/messages`;
  }

  async close(): Promise<void> {
    this.server.close();
    this.server.closeAllConnections();
    await once(this.server, 'close');
  }

  /** The first received activity that matches, waiting for it if need be. */
  async waitFor(predicate: (activity: Activity) => boolean): Promise<Activity> {
    for (;;) {
      const found = this.received.find(predicate);
      if (found !== undefined) return found;
      await new Promise<void>((resolve) => {
        const listener = (): void => {
          this.listeners.delete(listener);
          resolve();
        };
        this.listeners.add(listener);
      });
    }
  }

  private async reply(activity: Activity): Promise<void> {
    const url = `${activity.serviceUrl.replace(/\/+$/, '')}/v3/conversations/${encodeURIComponent(activity.conversation.id)}/activities/${encodeURIComponent(activity.id)}`;
    await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        type: 'message',
        text: `echo: ${activity.text}`,
        replyToId: activity.id,
        from: activity.recipient,
        recipient: activity.from,
        conversation: activity.conversation,
      }),
    });
  }
}

describe('Agents Playground launcher and client', function () {
  // Starting the Playground takes about a second here; the suite timeout only guards against a hang.

  let bot: EchoBot;
  let logDir: string;
  let playground: AgentsPlayground;
  let client: AgentsPlaygroundClient;
  let stream: PlaygroundEventStream;
  let config: PlaygroundConfig;

  before(async () => {
    bot = new EchoBot();
    const botEndpoint = await bot.listen();
    logDir = await mkdtemp(join(tmpdir(), 'agents-playground-'));
    playground = await startAgentsPlayground({ botEndpoint, port: 0, logDir });
    client = new AgentsPlaygroundClient(playground.url);
    stream = await client.openEventStream();
    config = await client.getConfig();
  });

  after(async () => {
    stream?.close();
    await playground?.stop();
    await bot?.close();
    if (logDir !== undefined) await rm(logDir, { recursive: true, force: true });
  });

  it('starts on a free port and serves the mock tenant', () => {
    assert.ok(playground.port > 0);
    assert.equal(playground.url, `http://localhost:${playground.port}`);
    assert.equal(config.currentUser.id, 'user-id-0');
    assert.ok(config.personalChat.id.length > 0);
    assert.ok(
      config.teams.some((team) => team.channels.some((channel) => channel.id === team.id)),
      'General channel id is the team id',
    );
  });

  it('delivers a user message to the bot and shows the bot reply sent to the mock connector', async () => {
    await client.sendMessage(config.personalChat.id, 'hello drift');

    const message = await bot.waitFor((a) => a.type === 'message' && a.text === 'hello drift');
    assert.equal(message.serviceUrl, `http://localhost:${playground.port}/_connector`);
    assert.equal(message.from.id, 'user-id-0');

    const shown = await stream.waitFor(
      (e) => e.action === 'createMessage' && e.message?.text === 'echo: hello drift',
    );
    assert.equal(shown.actionConversationId, config.personalChat.id);
    assert.equal(shown.message?.from.id, config.bot.id);
  });

  it('clicks an Action.Execute button on a bot message and returns the bot answer', async () => {
    await client.sendMessage(config.personalChat.id, 'card please');
    const shown = await stream.waitFor((e) => e.message?.text === 'echo: card please');

    const answer = await client.invokeAction({
      conversationId: config.personalChat.id,
      replyToId: shown.message!.messageId,
      verb: 'acknowledge',
    });

    assert.deepEqual(answer, {
      type: 'application/vnd.microsoft.activity.message',
      value: 'did acknowledge',
    });
    const invoke = await bot.waitFor((a) => a.type === 'invoke');
    assert.equal(invoke.value?.action?.verb, 'acknowledge');
  });

  it('installs the app in the personal chat and a team channel as the web UI does', async () => {
    const team = config.teams[0];
    await client.installApp(config.personalChat.id);
    await client.installApp(team.id);

    const personal = await bot.waitFor(
      (a) => a.type === 'installationUpdate' && a.conversation.id === config.personalChat.id,
    );
    assert.equal(personal.action, 'add');
    assert.equal(personal.from.aadObjectId, config.currentUser.aadObjectId);
    await bot.waitFor((a) => a.type === 'installationUpdate' && a.conversation.id === team.id);
  });

  it('sends a custom activity built from the template', async () => {
    const template = await client.getCustomActivityTemplate(config.personalChat.id);
    await client.sendCustomActivity({ ...template, type: 'event', name: 'drift/test' });

    const event = await bot.waitFor((a) => a.type === 'event');
    assert.equal(event.conversation.id, config.personalChat.id);
  });

  it('writes its log to the given folder', async () => {
    const log = await readFile(join(logDir, 'm365agentsplayground.log'), 'utf8');
    assert.match(log, new RegExp(`Listening on ${playground.port}`));
  });

  it('frees its port when stopped', async () => {
    await playground.stop();
    await playground.stop();
    await assert.rejects(fetch(`http://127.0.0.1:${playground.port}/_debug/ping`));
  });
});
