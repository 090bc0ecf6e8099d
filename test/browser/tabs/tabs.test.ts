import assert from 'node:assert/strict';
import { copyFile, mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import type { Browser, Page } from 'playwright-core';
import { startApplication } from '../../../bot/application';
import type { RunningApplication } from '../../../bot/application';
import { LOCAL_DEMO_SIMULATOR } from '../../../bot/dev/local-demo';
import { readSettings } from '../../../src/config/settings';
import type { AgentView } from '../../../src/simulator/simulator-control';
import { randomTablePrefix, sharedAzurite } from '../../support/azurite';
import { eventually } from '../../support/eventually';
import { historyFor, storeHistory, watchFrom } from '../../support/tab-fixtures';

// Debian's chromium; CHROMIUM_PATH points elsewhere on other machines. Flags as in the Playground browser test.
const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
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
// Generous: only guards against a hang on a busy two-core machine (pages poll every 500 ms here).
const LIVE_TIMEOUT_IN_MS = 30_000;
const ROOT = join(__dirname, '..', '..', '..');

/**
 * Both tabs in headless Chromium against the product in local mode (simulator, Azurite, the bot): pages render with
 * data and charts, live changes appear, no console errors; screenshots in light and dark are kept in
 * BROWSER_TEST_SCREENSHOTS (default .data/screenshots/tabs); UPDATE_DOCS_SCREENSHOTS=1 also refreshes docs/screenshots.
 */
describe('Teams tabs in a real browser (supervisor board, my drift window)', function () {
  this.timeout(120_000);

  let workDir: string;
  let screenshotDir: string;
  let app: RunningApplication;
  let browser: Browser;
  let page: Page;
  let consoleErrors: string[];
  let alex: AgentView;
  let others: AgentView[];
  let supervisorId: string;

  before(async () => {
    workDir = await mkdtemp(join(tmpdir(), 'drift-tabs-'));
    screenshotDir = process.env.BROWSER_TEST_SCREENSHOTS ?? join(ROOT, '.data', 'screenshots', 'tabs');
    await mkdir(screenshotDir, { recursive: true });
    const azurite = await sharedAzurite();
    const settings = readSettings({
      PORT: '0',
      AZURE_TABLES_CONNECTION_STRING: azurite.connectionString,
      TABLE_PREFIX: randomTablePrefix(),
      DRIFT_NUDGE_AFTER: 'PT2S',
      DRIFT_SUPERVISOR_AFTER: 'PT4S',
      DRIFT_EXCEPTION_AFTER: 'PT10M',
      // Nobody installed the app here, so nudges cannot be delivered (logged as errors).
      LOG_LEVEL: 'fatal',
      NODE_ENV: 'test',
      LOCAL_MODE: 'true',
    });
    app = await startApplication(settings, {
      simulator: { ...LOCAL_DEMO_SIMULATOR, scenario: 'idle' },
      host: '127.0.0.1',
      tabsRefreshAfterMs: 500,
    });
    const now = app.clock.now();
    const control = app.simulator!.control;
    await watchFrom(
      app.stores,
      {
        teamId: '19:local-team@thread.tacv2',
        teamName: 'Support Floor',
        channelId: '19:adherence@thread.tacv2',
        channelName: 'Adherence',
        serviceUrl: 'http://127.0.0.1:1/',
      },
      { scope: 'all' },
      now,
    );
    const agents = app.genesys.directory.listAgents();
    await storeHistory(app.stores.history, historyFor(agents.slice(0, 8), now, 42));
    const working = control
      .listAgents()
      .filter(
        (agent) =>
          agent.scheduledActivityCategory === 'OnQueueWork' && agent.adherenceState === 'InAdherence',
      );
    alex = working.find((agent) => agent.name === 'Alex Wilber')!;
    assert.ok(alex, 'the demo seed keeps Alex Wilber on shift');
    others = working.filter((agent) => agent !== alex).slice(0, 2);
    assert.equal(others.length, 2, 'two more agents are on queue');
    supervisorId = control.listSupervisors()[0].id;

    browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
  });

  beforeEach(async () => {
    consoleErrors = [];
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    page.on('console', (message) => {
      if (message.type() === 'error') consoleErrors.push(message.text());
    });
    page.on('pageerror', (error) => consoleErrors.push(error.message));
  });

  afterEach(async function () {
    if (this.currentTest?.state === 'failed')
      await page
        .screenshot({
          path: join(screenshotDir, `failed-${this.currentTest.title.replace(/\W+/g, '-')}.png`),
          fullPage: true,
        })
        .catch(() => undefined);
    await page.close();
  });

  after(async () => {
    await browser?.close();
    await app?.stop();
    await rm(workDir, { recursive: true, force: true });
  });

  async function screenshot(name: string): Promise<void> {
    const path = join(screenshotDir, `${name}.png`);
    await page.screenshot({ path, fullPage: true });
    if (process.env.UPDATE_DOCS_SCREENSHOTS === '1') {
      await mkdir(join(ROOT, 'docs', 'screenshots'), { recursive: true });
      await copyFile(path, join(ROOT, 'docs', 'screenshots', `${name}.png`));
    }
  }

  /**
   * Each test puts the agents it shows where it needs them (drifting, or back on schedule) and waits until the product
   * has stored that, so the tests pass in any order and alone.
   */
  async function driftNow(agent: AgentView, activity: 'Away' | 'Break' = 'Away'): Promise<void> {
    const control = app.simulator!.control;
    if (control.getAgent(agent.id)?.adherenceState !== 'OutOfAdherence')
      control.setAgentActivity(agent.id, { systemPresence: activity, routingStatus: 'OFF_QUEUE' });
    await eventually(`the drift of ${agent.name} stored`, async () => (await storedState(agent))?.episode);
  }

  async function backOnSchedule(agent: AgentView): Promise<void> {
    const control = app.simulator!.control;
    if (control.getAgent(agent.id)?.adherenceState !== 'InAdherence')
      control.setAgentActivity(agent.id, { followSchedule: true });
    await eventually(
      `${agent.name} back on schedule, stored`,
      async () => (await storedState(agent))?.episode === undefined,
    );
  }

  function storedState(agent: AgentView) {
    return app.stores.driftState.get({ managementUnitId: agent.managementUnitId, agentId: agent.id });
  }

  function row(agentId: string) {
    return page.locator(`#now-table tbody tr[data-agent-id="${agentId}"]`);
  }

  it('shows the supervisor who is drifting now and the week charts, then a new drift and an acknowledgement live', async () => {
    await driftNow(alex);
    await driftNow(others[0], 'Break');
    await backOnSchedule(others[1]);
    await page.goto(`${app.server.url}/tabs/board?as=supervisor:${supervisorId}`);
    await page.locator('body[data-ready="true"]').waitFor({ timeout: LIVE_TIMEOUT_IN_MS });
    await row(alex.id).waitFor({ timeout: LIVE_TIMEOUT_IN_MS });
    await row(others[0].id).waitFor({ timeout: LIVE_TIMEOUT_IN_MS });
    assert.match(await row(alex.id).innerText(), /Alex Wilber/);
    assert.match(await row(alex.id).innerText(), /On queue\)? → Unavailable/);
    for (const chart of ['hours', 'activity', 'resolution', 'exceptions'])
      assert.ok(
        Number(await page.locator(`#chart-${chart}`).getAttribute('data-points')) > 0,
        `${chart} chart drawn`,
      );
    assert.equal(
      await page.locator('#chart-exceptions').getAttribute('data-points'),
      '6',
      'six weeks compared',
    );
    assert.match(await page.locator('#figures').innerText(), /Formal exceptions/);

    // A third agent leaves their schedule: the page shows them without a reload.
    app.simulator!.control.setAgentActivity(others[1].id, {
      systemPresence: 'Away',
      routingStatus: 'OFF_QUEUE',
    });
    await row(others[1].id).waitFor({ timeout: LIVE_TIMEOUT_IN_MS });

    // A supervisor acknowledges Alex's alert (as the card button would): the row says who.
    await row(alex.id).locator('[data-stage="supervisorAlerted"], td').first().waitFor();
    await waitForStage(alex.id, 'supervisorAlerted');
    const state = await storedState(alex);
    const { result } = await app.monitor.act(alex.managementUnitId, alex.id, {
      type: 'acknowledge',
      episodeId: state!.episode!.id,
      by: { id: 'aad-sam', name: 'Sam Supervisor' },
      at: app.clock.now(),
    });
    assert.equal(result, 'applied');
    await row(alex.id).getByText('Acknowledged by Sam Supervisor').waitFor({ timeout: LIVE_TIMEOUT_IN_MS });
    await screenshot('supervisor-board-light');
    assert.deepEqual(consoleErrors, []);
  });

  it('follows the dark theme on the board', async () => {
    await driftNow(alex);
    await page.goto(`${app.server.url}/tabs/board?as=supervisor:${supervisorId}&theme=dark`);
    await page.locator('body[data-ready="true"]').waitFor({ timeout: LIVE_TIMEOUT_IN_MS });
    await row(alex.id).waitFor({ timeout: LIVE_TIMEOUT_IN_MS });
    assert.equal(await page.locator('html').getAttribute('data-theme'), 'dark');
    const background = await page.evaluate('getComputedStyle(document.documentElement).backgroundColor');
    assert.notEqual(background, 'rgb(240, 240, 240)', 'not the light background');
    await screenshot('supervisor-board-dark');
    assert.deepEqual(consoleErrors, []);
  });

  it('shows the agent only their own day, and the change when they are back on schedule', async () => {
    await driftNow(alex);
    await driftNow(others[0], 'Break');
    await page.goto(`${app.server.url}/tabs/me?as=agent:${alex.id}`);
    await page.locator('body[data-ready="true"]').waitFor({ timeout: LIVE_TIMEOUT_IN_MS });
    assert.match(await page.locator('#title').innerText(), /Alex/);
    assert.match(await page.locator('#current-text').innerText(), /Your schedule shows On queue/);
    assert.ok((await page.locator('#today-table tbody tr').count()) >= 1, "today's episodes listed");
    const text = await page.locator('main').innerText();
    for (const other of others) assert.ok(!text.includes(other.name), `nothing about ${other.name}`);
    await screenshot('my-drift-window-light');

    app.simulator!.control.setAgentActivity(alex.id, { followSchedule: true });
    await page.getByText("You're on schedule").waitFor({ timeout: LIVE_TIMEOUT_IN_MS });
    assert.deepEqual(consoleErrors, []);
  });

  it('follows the dark theme in my drift window', async () => {
    await driftNow(others[0], 'Break');
    await page.goto(`${app.server.url}/tabs/me?as=agent:${others[0].id}&theme=dark`);
    await page.locator('body[data-ready="true"]').waitFor({ timeout: LIVE_TIMEOUT_IN_MS });
    assert.match(await page.locator('#current-text').innerText(), /Your schedule shows/);
    await screenshot('my-drift-window-dark');
    assert.deepEqual(consoleErrors, []);
  });

  it('tells an agent who opens the board why it is not for them', async () => {
    await page.goto(`${app.server.url}/tabs/board?as=agent:${others[0].id}`);
    await page.locator('body[data-ready="error"]').waitFor({ timeout: LIVE_TIMEOUT_IN_MS });
    assert.match(await page.locator('#notice').innerText(), /channel of your team watches/);
    assert.ok(await page.locator('#now').isHidden());
  });

  async function waitForStage(agentId: string, stage: string): Promise<void> {
    await page
      .locator(`#now-table tbody tr[data-agent-id="${agentId}"][data-stage="${stage}"]`)
      .waitFor({ timeout: LIVE_TIMEOUT_IN_MS });
  }
});
