import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { startGenesysSimulator, type RunningSimulator } from '../../../src/simulator/genesys-simulator';
import { randomTablePrefix, sharedAzurite } from '../../support/azurite';
import { eventually } from '../../support/eventually';
import { buildRuntimeStage, projectRoot, type RuntimeStage } from '../../support/production-build';

/** The built entry running as a child process, with its JSON log lines and how it ended. */
class EntryProcess {
  readonly lines: Record<string, unknown>[] = [];
  readonly stderr: string[] = [];
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  private readonly child: ChildProcess;

  constructor(entry: string, cwd: string, env: Record<string, string>) {
    this.child = spawn(process.execPath, [entry], {
      cwd,
      env: { PATH: process.env.PATH ?? '', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.exited = new Promise((resolve) =>
      this.child.once('exit', (code, signal) => resolve({ code, signal })),
    );
    createInterface({ input: this.child.stdout! }).on('line', (text) => {
      try {
        this.lines.push(JSON.parse(text) as Record<string, unknown>);
      } catch {
        this.lines.push({ msg: text });
      }
    });
    createInterface({ input: this.child.stderr! }).on('line', (text) => this.stderr.push(text));
  }

  line(msg: string): Record<string, unknown> | undefined {
    return this.lines.find((line) => line.msg === msg);
  }

  /** Waits until `condition` holds (an event the process logs or serves); fails naming `what` if it exits first. */
  async waitFor<T>(condition: () => T | undefined | Promise<T | undefined>, what: string): Promise<T> {
    const stderr = (): string => `stderr: ${this.stderr.slice(-5).join(' | ')}`;
    return eventually(
      what,
      () => {
        if (this.child.exitCode !== null) throw new Error(`no ${what}: the process exited; ${stderr()}`);
        return condition();
      },
      { explain: stderr },
    );
  }

  kill(signal: NodeJS.Signals): void {
    if (this.child.exitCode === null) this.child.kill(signal);
  }
}

const BOT_ID = '2d6b4c1e-7f3a-4e8b-9c0d-1a2b3c4d5e6f';
const TENANT_ID = '8e1f2a3b-4c5d-4e6f-8a9b-0c1d2e3f4a5b';

describe('The production build (npm run build, then dist/bot/main.js with production dependencies only)', function () {
  this.timeout(180_000);
  let stage: RuntimeStage;
  let sim: RunningSimulator;
  let env: Record<string, string>;
  const running: EntryProcess[] = [];

  before(async () => {
    stage = await buildRuntimeStage();
    sim = await startGenesysSimulator({
      port: 0,
      scenario: 'idle',
      timeScale: 1,
      units: 1,
      agentsPerUnit: 3,
      seed: 14,
    });
    const azurite = await sharedAzurite();
    // Explicit URLs and a connection string: production refuses the embedded simulator and Azurite, but accepts
    // plain http to a loopback host (settings.ts), which is where the test's simulator and Azurite listen.
    env = {
      NODE_ENV: 'production',
      BOT_ID,
      BOT_TENANT_ID: TENANT_ID,
      BOT_TYPE: 'SingleTenant',
      BOT_PASSWORD: 'not-a-real-secret',
      GENESYS_API_URL: sim.apiUrl,
      GENESYS_LOGIN_URL: sim.loginUrl,
      GENESYS_CLIENT_ID: sim.clientId,
      GENESYS_CLIENT_SECRET: sim.clientSecret,
      AZURE_TABLES_CONNECTION_STRING: azurite.connectionString,
      TABLE_PREFIX: randomTablePrefix(),
      PORT: '0',
      METRICS_PORT: '0',
      LOG_LEVEL: 'info',
      INSTANCE_ID: 'production-entry-test',
    };
  });

  after(async () => {
    for (const entry of running) entry.kill('SIGKILL');
    await sim?.stop();
  });

  const start = (overrides: Record<string, string | undefined> = {}): EntryProcess => {
    const merged = Object.fromEntries(
      Object.entries({ ...env, ...overrides }).filter(
        (pair): pair is [string, string] => pair[1] !== undefined,
      ),
    );
    const entry = new EntryProcess(stage.entry, stage.dir, merged);
    running.push(entry);
    return entry;
  };

  it('is what npm run serve starts', () => {
    const scripts = (
      JSON.parse(readFileSync(path.join(projectRoot, 'package.json'), 'utf8')) as {
        scripts: Record<string, string>;
      }
    ).scripts;
    assert.equal(scripts.serve, 'node dist/bot/main.js');
    assert.equal(path.relative(stage.dir, stage.entry), path.join('dist', 'bot', 'main.js'));
  });

  it('starts in production, is ready, answers 401 to an unauthenticated message, and exits 0 on SIGTERM', async () => {
    const entry = start();
    const botUrl = await entry.waitFor(
      () => entry.line('bot listening')?.url as string | undefined,
      'bot listening line',
    );
    const opsPort = await entry.waitFor(
      () =>
        entry.line('operations server listening (/healthz, /readyz, /metrics)')?.port as number | undefined,
      'operations server line',
    );
    const opsUrl = `http://127.0.0.1:${opsPort}`;
    await entry.waitFor(
      async () => ((await fetch(`${opsUrl}/readyz`)).status === 200 ? true : undefined),
      '/readyz 200',
    );
    assert.equal((await fetch(`${opsUrl}/healthz`)).status, 200);

    const unauthenticated = await fetch(botUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        type: 'message',
        text: 'help',
        channelId: 'msteams',
        serviceUrl: 'https://smba.trafficmanager.net/teams/',
        from: { id: '29:someone' },
        conversation: { id: 'a:1', conversationType: 'personal' },
        recipient: { id: `28:${BOT_ID}` },
      }),
    });
    assert.equal(unauthenticated.status, 401);
    const publicBase = botUrl.replace(/\/api\/messages$/, '');
    assert.equal((await fetch(`${publicBase}/readyz`)).status, 404, 'health stays off the public port');
    const board = await fetch(`${publicBase}/tabs/board`);
    assert.equal(board.status, 200, 'the built entry serves the tab pages copied into dist/');
    assert.match(await board.text(), /<html/i);

    entry.kill('SIGTERM');
    assert.deepEqual(await entry.exited, { code: 0, signal: null });
    assert.ok(entry.line('drained: units released'), 'drained before exiting');
    assert.ok(entry.line('stopped'));
  });

  it('refuses to start in production without BOT_ID, naming the setting', async () => {
    const entry = start({ BOT_ID: undefined, BOT_TENANT_ID: undefined, BOT_PASSWORD: undefined });
    assert.deepEqual(await entry.exited, { code: 1, signal: null });
    assert.match(entry.stderr.join('\n'), /BOT_ID/);
    assert.match(entry.stderr.join('\n'), /NODE_ENV=production/);
  });
});
