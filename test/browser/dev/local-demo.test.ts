import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import type { BrowserContext, Locator, Page } from 'playwright-core';
import { startApplication } from '../../../bot/application';
import type { RunningApplication } from '../../../bot/application';
import { startAgentsPlayground } from '../../../bot/dev/agents-playground';
import type { AgentsPlayground } from '../../../bot/dev/agents-playground';
import { AgentsPlaygroundClient } from '../../../bot/dev/agents-playground-client';
import {
  LOCAL_DEMO_SETTINGS,
  LOCAL_DEMO_SIMULATOR,
  PLAYGROUND_TENANT_ID,
  runLocalDemo,
} from '../../../bot/dev/local-demo';
import type { LocalDemo } from '../../../bot/dev/local-demo';
import { readSettings } from '../../../src/config/settings';
import { randomTablePrefix, sharedAzurite } from '../../support/azurite';

// Debian's chromium (`apt-get install -y chromium`); CHROMIUM_PATH points elsewhere on other machines.
const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

// Headless Chromium (https://developer.chrome.com/docs/chromium/headless) without the background services a test has
// no use for. --host-resolver-rules (chromium/chromium services/network/public/cpp/network_switches.cc; rule format in
// net/dns/mapped_host_resolver.h): the page asks a CDN for fonts and animations, so every host but loopback resolves
// to nothing (harmless, and nothing leaves the machine).
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE localhost, EXCLUDE 127.0.0.1',
];

// Generous: the nudge is due 3 s and the supervisor card 6 s after the drift starts; these only guard against a hang
// on a busy two-core machine.
const CARD_TIMEOUT_IN_MS = 45_000;

/**
 * `npm start` in a real browser: the product (simulator with the Playground's users, Azurite, bot) and Microsoft 365
 * Agents Playground run as the local demo does, with thresholds of seconds; Chromium drives the Playground's web UI.
 */
describe('local demo in Agents Playground (real browser)', function () {
  this.timeout(120_000);

  let workDir: string;
  let screenshotDir: string;
  let app: RunningApplication | undefined;
  let playground: AgentsPlayground | undefined;
  let context: BrowserContext | undefined;
  let page: Page;
  let demo: LocalDemo;
  let failed = false;

  before(async () => {
    failed = true;
    workDir = await mkdtemp(join(tmpdir(), 'drift-browser-'));
    screenshotDir = process.env.BROWSER_TEST_SCREENSHOTS ?? join(workDir, 'screenshots');
    const azurite = await sharedAzurite();
    const settings = readSettings({
      PORT: '0',
      AZURE_TABLES_CONNECTION_STRING: azurite.connectionString,
      TABLE_PREFIX: randomTablePrefix(),
      DRIFT_NUDGE_AFTER: 'PT3S',
      DRIFT_SUPERVISOR_AFTER: 'PT6S',
      // Far beyond the test, so the open card keeps its buttons until it is clicked.
      DRIFT_EXCEPTION_AFTER: 'PT10M',
      // The second drifting agent is outside the Playground tenant, so its nudge is dead-lettered (logged as an error).
      LOG_LEVEL: 'fatal',
      NODE_ENV: 'test',
      // As npm start: a local run, and the Playground's signed-in user may route alerts.
      ...LOCAL_DEMO_SETTINGS,
    });
    app = await startApplication(settings, {
      simulator: LOCAL_DEMO_SIMULATOR,
      teamsTenantId: PLAYGROUND_TENANT_ID,
    });
    playground = await startAgentsPlayground({
      botEndpoint: `${app.server.url}/api/messages`,
      port: 0,
      logDir: join(workDir, 'playground'),
    });
    context = await chromium.launchPersistentContext(join(workDir, 'chromium-profile'), {
      executablePath: CHROMIUM_PATH,
      args: CHROMIUM_ARGS,
      viewport: { width: 1400, height: 900 },
    });
    page = context.pages()[0] ?? (await context.newPage());
    // The page is open before the demo runs. The bot answers `watch all` in its thread (`team-id;messageid=...`), a post
    // the web UI never saw (the demo sent it through the API): the UI's message saga throws "Invalid conversation id"
    // and restarts on a new socket (Playground 0.2.28 static/js/main.*.js, functions yM and Ihe), and events arriving in
    // that gap are not shown. Live, the gap (about 0.1 s) ends well before the first nudge (3 s); opened after the demo,
    // the page gets that reply replayed on connect, about when the nudge is due, and missed the nudge 1 run in 4.
    const feed = page.waitForEvent('websocket', (socket) => socket.url().includes('/_ws_conversation/'));
    await page.goto(playground.url);
    await feed;
    await page.getByText('General', { exact: true }).waitFor();

    demo = await runLocalDemo(app, new AgentsPlaygroundClient(playground.url), { isLocalGenesys: true });
    assert.equal(
      demo.driftingAgents[0]?.email,
      demo.config.currentUser.email?.toLowerCase(),
      'the signed-in Playground user drifts',
    );
    failed = false;
  });

  afterEach(async function () {
    if (this.currentTest?.state !== 'failed') return;
    failed = true;
    await page
      ?.screenshot({ path: join(screenshotDir, `failed-${this.currentTest.title.replace(/\W+/g, '-')}.png`) })
      .catch(() => undefined);
  });

  after(async () => {
    await context?.close();
    await playground?.stop();
    await app?.stop();
    if (failed)
      process.stderr.write(`local demo browser test: screenshots and Playground log kept in ${workDir}\n`);
    else if (workDir !== undefined) await rm(workDir, { recursive: true, force: true });
  });

  /** The rendered Adaptive Card whose text contains `title`. */
  function card(title: string): Locator {
    return page.locator('.ac-adaptiveCard').filter({ hasText: title });
  }

  async function screenshot(name: string): Promise<void> {
    await page.screenshot({ path: join(screenshotDir, `${name}.png`) });
  }

  it('shows the drifting agent the private nudge card in the personal chat', async () => {
    await page.getByText(demo.config.personalChat.name, { exact: true }).click();

    const nudge = card('Quick check-in');
    await nudge.waitFor({ timeout: CARD_TIMEOUT_IN_MS });
    await screenshot('1-personal-chat-nudge');
    assert.match(await nudge.innerText(), new RegExp(`Hi ${demo.config.currentUser.name.split(' ')[0]}`));
    assert.ok(await nudge.getByRole('button', { name: 'Back on it' }).isVisible());
  });

  it('shows the supervisor card for the drifting agent in the General channel', async () => {
    await page.getByText('General', { exact: true }).click();

    const alert = card(`Adherence drift: ${demo.driftingAgents[0].name}`);
    await alert.waitFor({ timeout: CARD_TIMEOUT_IN_MS });
    await alert.scrollIntoViewIfNeeded();
    await screenshot('2-general-channel-supervisor-card');
    assert.ok(await alert.getByRole('button', { name: 'Acknowledge' }).isVisible());
  });

  it('marks a supervisor card acknowledged by the Playground user when Acknowledge is clicked, and only that card', async () => {
    // The second drifting agent's card: the first one's stays open for the test above, in whatever order they run.
    const agent = demo.driftingAgents[1];
    await page.getByText('General', { exact: true }).click();
    const alert = card(`Adherence drift: ${agent.name}`);
    await alert.getByRole('button', { name: 'Acknowledge' }).click({ timeout: CARD_TIMEOUT_IN_MS });

    await alert
      .getByText(`Acknowledged by ${demo.config.currentUser.name}`)
      .waitFor({ timeout: CARD_TIMEOUT_IN_MS });
    await alert.scrollIntoViewIfNeeded();
    await screenshot('3-supervisor-card-acknowledged');
    assert.equal(
      await alert.getByRole('button', { name: 'Acknowledge' }).count(),
      0,
      'the Acknowledge button is gone',
    );
    assert.ok(
      await alert.getByRole('button', { name: 'Snooze' }).isVisible(),
      'the card stays open for Snooze',
    );
    const stored = await app!.stores.driftState.get({
      managementUnitId: agent.managementUnitId,
      agentId: agent.id,
    });
    assert.equal(
      stored?.episode?.acknowledged?.by.name,
      demo.config.currentUser.name,
      'the drift monitor recorded who acknowledged',
    );
    // The other drifting agent's card is a separate alert: still waiting for someone.
    const other = card(`Adherence drift: ${demo.driftingAgents[0].name}`);
    await other.waitFor({ timeout: CARD_TIMEOUT_IN_MS });
    assert.equal(await other.getByRole('button', { name: 'Acknowledge' }).count(), 1);
  });
});
