import assert from 'node:assert/strict';
import { describeSettings, readSettings } from '../../../src/config/settings';
import { ConfigError } from '../../../src/platform/errors';

const host = { hostname: 'box', pid: 42 };
const TENANT = '11111111-2222-4333-8444-555555555555';
const APP = 'aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee';

/** Reads settings as a local run does (LOCAL_MODE=true, so BOT_ID may be empty) unless `env` says otherwise. */
function read(env: Record<string, string>) {
  return readSettings({ LOCAL_MODE: 'true', ...env }, host);
}

function problemsOf(env: Record<string, string>): Map<string, string> {
  return problemsOfExactly({ LOCAL_MODE: 'true', ...env });
}

/** The problems of exactly `env` (no LOCAL_MODE added). */
function problemsOfExactly(env: Record<string, string>): Map<string, string> {
  try {
    readSettings(env, host);
  } catch (err) {
    assert.ok(err instanceof ConfigError, String(err));
    return new Map(err.problems.map((p) => [p.setting, p.problem]));
  }
  return assert.fail('expected a ConfigError');
}

describe('readSettings', () => {
  it('runs locally with every default when only LOCAL_MODE is set', () => {
    const settings = read({});
    assert.deepEqual(settings.drift.thresholds, {
      nudgeAfterMs: 360_000,
      supervisorAfterMs: 600_000,
      exceptionAfterMs: 900_000,
    });
    assert.deepEqual(settings.drift.dampening, {
      windowMs: 60_000,
      massChangeAgents: 20,
      massChangeWithinMs: 10_000,
    });
    assert.deepEqual(settings.drift.excludedActivities, []);
    assert.equal(settings.drift.allowSelfDeclaredOvertime, false);
    assert.deepEqual(settings.drift.thresholdOverrides, { managementUnits: {}, activityCategories: {} });
    assert.deepEqual(settings.genesys, { mode: 'local', managementUnitIds: [], directoryRefreshMs: 900_000 });
    assert.equal(settings.drift.positiveImpact, 'ignore');
    assert.equal(settings.drift.clockSkewAllowanceMs, 120_000);
    assert.deepEqual(settings.storage, {
      mode: 'azurite',
      tablePrefix: 'adherence',
      historyRetentionDays: 90,
    });
    assert.deepEqual(settings.bot, {
      type: 'SingleTenant',
      port: 3978,
      nodeEnv: 'development',
      isProduction: false,
      isLocal: true,
    });
    assert.deepEqual(settings.routing, { admins: [], allowUnitManagers: false });
    assert.deepEqual(settings.notifications, {
      teamsTenantRps: 50,
      supervisorAlertBudgetPerHour: 6,
      teamsJitterAllowanceMs: 50,
      digestSchedule: { isoWeekday: 1, hour: 8, minute: 0 },
    });
    assert.equal(settings.logLevel, 'info');
    assert.equal(settings.instanceId, 'box-42');
    assert.deepEqual(settings.warnings, [
      'WATCH_ADMINS is empty and WATCH_ALLOW_UNIT_MANAGERS is off: nobody can route supervisor alerts with watch',
    ]);
  });

  it('reads the positive-impact choice, the clock skew allowance and the directory refresh, naming bad values', () => {
    const settings = read({
      DRIFT_POSITIVE_IMPACT: 'Nudge',
      GENESYS_CLOCK_SKEW_ALLOWANCE: '30',
      GENESYS_DIRECTORY_REFRESH: '0',
    });
    assert.equal(settings.drift.positiveImpact, 'nudge');
    assert.equal(settings.drift.clockSkewAllowanceMs, 30_000);
    assert.equal(settings.genesys.directoryRefreshMs, 0);
    const problems = problemsOf({
      DRIFT_POSITIVE_IMPACT: 'alert',
      GENESYS_CLOCK_SKEW_ALLOWANCE: 'PT2H',
      GENESYS_DIRECTORY_REFRESH: 'PT10S',
    });
    assert.deepEqual([...problems.keys()].sort(), [
      'DRIFT_POSITIVE_IMPACT',
      'GENESYS_CLOCK_SKEW_ALLOWANCE',
      'GENESYS_DIRECTORY_REFRESH',
    ]);
    assert.match(problems.get('DRIFT_POSITIVE_IMPACT')!, /ignore or nudge/);
  });

  it('returns deeply frozen settings', () => {
    const settings = read({ DRIFT_EXCLUDED_ACTIVITIES: 'Meeting' });
    assert.ok(Object.isFrozen(settings));
    assert.ok(Object.isFrozen(settings.drift.thresholds));
    assert.ok(Object.isFrozen(settings.drift.excludedActivities));
  });

  it('accepts ISO-8601 durations and plain seconds for the thresholds', () => {
    const settings = read({
      DRIFT_NUDGE_AFTER: '240',
      DRIFT_SUPERVISOR_AFTER: 'PT8M',
      DRIFT_EXCEPTION_AFTER: 'PT0.2H',
      DRIFT_DAMPENING_WINDOW: '0',
    });
    assert.deepEqual(settings.drift.thresholds, {
      nudgeAfterMs: 240_000,
      supervisorAfterMs: 480_000,
      exceptionAfterMs: 720_000,
    });
    assert.equal(settings.drift.dampening.windowMs, 0);
  });

  it('names every bad setting at once', () => {
    const problems = problemsOf({
      DRIFT_NUDGE_AFTER: 'abc',
      DRIFT_MASS_CHANGE_AGENTS: '0',
      LOG_LEVEL: 'verbose',
      PORT: '99999',
      TABLE_PREFIX: '1bad-prefix',
      TEAMS_TENANT_RPS: '80',
      DRIFT_ALLOW_SELF_DECLARED_OVERTIME: 'maybe',
    });
    assert.equal(
      problems.get('DRIFT_NUDGE_AFTER'),
      '"abc" is not a duration (use ISO-8601 like PT6M or seconds like 360)',
    );
    assert.match(problems.get('DRIFT_MASS_CHANGE_AGENTS')!, /whole number from 1/);
    assert.match(problems.get('LOG_LEVEL')!, /fatal, error, warn, info, debug, trace, silent/);
    assert.match(problems.get('PORT')!, /0 to 65535/);
    assert.match(problems.get('TABLE_PREFIX')!, /start with a letter/);
    assert.match(problems.get('TEAMS_TENANT_RPS')!, /at most 50 requests per second/);
    assert.match(problems.get('DRIFT_ALLOW_SELF_DECLARED_OVERTIME')!, /not a boolean/);
    assert.equal(problems.size, 7);
  });

  it('reads the supervisor alert budget and refuses a budget that is not a whole number from 1', () => {
    assert.equal(
      read({ SUPERVISOR_ALERT_BUDGET_PER_HOUR: '12' }).notifications.supervisorAlertBudgetPerHour,
      12,
    );
    for (const bad of ['0', '2.5', 'lots', '-3']) {
      assert.match(
        problemsOf({ SUPERVISOR_ALERT_BUDGET_PER_HOUR: bad }).get('SUPERVISOR_ALERT_BUDGET_PER_HOUR')!,
        /whole number from 1 to 1000/,
      );
    }
  });

  it('records frames only when GENESYS_RECORD_DIR names a folder, locally and against a real org', () => {
    assert.equal(read({}).genesys.recordDir, undefined);
    assert.equal(read({ GENESYS_RECORD_DIR: ' ./recordings ' }).genesys.recordDir, './recordings');
    const cloud = read({
      GENESYS_REGION: 'mypurecloud.ie',
      GENESYS_CLIENT_ID: 'id',
      GENESYS_CLIENT_SECRET: 'secret',
      GENESYS_RECORD_DIR: '/var/lib/drift/frames',
    });
    assert.equal(cloud.genesys.mode, 'cloud');
    assert.equal(cloud.genesys.recordDir, '/var/lib/drift/frames');
    assert.match(
      problemsOf({ GENESYS_RECORD_DIR: 'a\u0001b' }).get('GENESYS_RECORD_DIR')!,
      /control characters/,
    );
  });

  it('puts every problem in the error message', () => {
    assert.throws(
      () => read({ DRIFT_NUDGE_AFTER: 'abc', PORT: 'x' }),
      (err: Error) => /DRIFT_NUDGE_AFTER/.test(err.message) && /PORT/.test(err.message),
    );
  });

  it('requires nudge < supervisor < exception', () => {
    const problems = problemsOf({
      DRIFT_NUDGE_AFTER: 'PT10M',
      DRIFT_SUPERVISOR_AFTER: 'PT10M',
      DRIFT_EXCEPTION_AFTER: 'PT5M',
    });
    assert.match(problems.get('DRIFT_SUPERVISOR_AFTER')!, /must be longer than DRIFT_NUDGE_AFTER \(PT10M\)/);
    assert.match(problems.get('DRIFT_EXCEPTION_AFTER')!, /must be longer than DRIFT_SUPERVISOR_AFTER/);
  });

  it('rejects a zero or negative threshold', () => {
    assert.match(problemsOf({ DRIFT_NUDGE_AFTER: '0' }).get('DRIFT_NUDGE_AFTER')!, /longer than zero/);
    assert.match(problemsOf({ DRIFT_NUDGE_AFTER: '-60' }).get('DRIFT_NUDGE_AFTER')!, /not a duration/);
  });

  it('splits comma lists, trimming blanks and repeats', () => {
    const settings = read({
      DRIFT_EXCLUDED_ACTIVITIES: ' Meeting, Team huddle ,,Meeting',
      DRIFT_OVERTIME_ACTIVITY_CODES: 'OT,Overtime',
      GENESYS_MANAGEMENT_UNIT_IDS: 'mu-1, mu-2',
    });
    assert.deepEqual(settings.drift.excludedActivities, ['Meeting', 'Team huddle']);
    assert.deepEqual(settings.drift.overtimeActivityCodes, ['OT', 'Overtime']);
    assert.deepEqual(settings.genesys.managementUnitIds, ['mu-1', 'mu-2']);
  });

  describe('DRIFT_THRESHOLD_OVERRIDES', () => {
    it('reads overrides per unit and per category as milliseconds', () => {
      const settings = read({
        DRIFT_THRESHOLD_OVERRIDES: JSON.stringify({
          managementUnits: { 'mu-1': { nudgeAfter: 'PT4M', supervisorAfter: 480 } },
          activityCategories: { meal: { supervisorAfter: 'PT12M', exceptionAfter: 'PT20M' } },
        }),
      });
      assert.deepEqual(settings.drift.thresholdOverrides, {
        managementUnits: { 'mu-1': { nudgeAfterMs: 240_000, supervisorAfterMs: 480_000 } },
        activityCategories: { Meal: { supervisorAfterMs: 720_000, exceptionAfterMs: 1_200_000 } },
      });
    });

    it('names what is wrong inside the JSON', () => {
      const problems = read.bind(null, {
        DRIFT_THRESHOLD_OVERRIDES: JSON.stringify({
          managementUnits: {
            'mu-1': { nudgeAfter: 'soon', snoozeFor: 'PT1M' },
            'mu-2': { nudgeAfter: 'PT12M' },
          },
          teams: {},
        }),
      });
      assert.throws(problems, (err: ConfigError) => {
        const texts = err.problems
          .filter((p) => p.setting === 'DRIFT_THRESHOLD_OVERRIDES')
          .map((p) => p.problem);
        assert.ok(texts.some((t) => t.includes('unknown key "teams"')));
        assert.ok(
          texts.some((t) =>
            t.includes('managementUnits["mu-1"].nudgeAfter: "soon" is not a positive duration'),
          ),
        );
        assert.ok(texts.some((t) => t.includes('managementUnits["mu-1"].snoozeFor is not a threshold')));
        assert.ok(
          texts.some((t) => t.includes('managementUnits["mu-2"] gives nudge PT12M, supervisor PT10M')),
        );
        return true;
      });
    });

    it('rejects text that is not JSON', () => {
      assert.match(
        problemsOf({ DRIFT_THRESHOLD_OVERRIDES: '{managementUnits:' }).get('DRIFT_THRESHOLD_OVERRIDES')!,
        /not valid JSON/,
      );
      assert.match(
        problemsOf({ DRIFT_THRESHOLD_OVERRIDES: '[1]' }).get('DRIFT_THRESHOLD_OVERRIDES')!,
        /must be a JSON object/,
      );
    });

    it('warns about a category Genesys does not send', () => {
      const settings = read({
        DRIFT_THRESHOLD_OVERRIDES: '{"activityCategories":{"Lunch":{"nudgeAfter":"PT8M"}}}',
      });
      assert.match(settings.warnings.join('\n'), /"Lunch" is not one Genesys is known to send/);
    });
  });

  describe('Genesys', () => {
    const credentials = { GENESYS_CLIENT_ID: 'client-1', GENESYS_CLIENT_SECRET: 's3cr3t' };

    it('derives the API and login URLs from a region', () => {
      const settings = read({ GENESYS_REGION: 'mypurecloud.ie', ...credentials });
      assert.deepEqual(settings.genesys, {
        mode: 'cloud',
        region: 'mypurecloud.ie',
        apiUrl: 'https://api.mypurecloud.ie',
        loginUrl: 'https://login.mypurecloud.ie',
        clientId: 'client-1',
        clientSecret: 's3cr3t',
        managementUnitIds: [],
        directoryRefreshMs: 900_000,
      });
      assert.equal(settings.notifications.genesysWfmUrl, 'https://apps.mypurecloud.ie/');
    });

    it('lets explicit URLs win over the region', () => {
      const settings = read({
        GENESYS_REGION: 'usw2.pure.cloud',
        GENESYS_API_URL: 'http://127.0.0.1:8123/',
        GENESYS_LOGIN_URL: 'http://127.0.0.1:8124',
        ...credentials,
      });
      assert.equal(settings.genesys.mode, 'cloud');
      if (settings.genesys.mode !== 'cloud') return;
      assert.equal(settings.genesys.apiUrl, 'http://127.0.0.1:8123');
      assert.equal(settings.genesys.loginUrl, 'http://127.0.0.1:8124');
      assert.equal(settings.notifications.genesysWfmUrl, 'https://apps.usw2.pure.cloud/');
    });

    it('names each missing setting when Genesys is only partly configured', () => {
      const problems = problemsOf({ GENESYS_REGION: 'mypurecloud.com' });
      assert.match(problems.get('GENESYS_CLIENT_ID')!, /required because GENESYS_REGION is set/);
      assert.match(problems.get('GENESYS_CLIENT_SECRET')!, /required because GENESYS_REGION is set/);
      const noRegion = problemsOf({ ...credentials });
      assert.match(noRegion.get('GENESYS_REGION')!, /or set GENESYS_API_URL and GENESYS_LOGIN_URL/);
      const apiOnly = problemsOf({ GENESYS_API_URL: 'https://api.mypurecloud.com', ...credentials });
      assert.match(apiOnly.get('GENESYS_LOGIN_URL')!, /required/);
    });

    it('refuses an unknown region and explains a URL given as a region', () => {
      assert.match(
        problemsOf({ GENESYS_REGION: 'example.com', ...credentials }).get('GENESYS_REGION')!,
        /not a Genesys Cloud region/,
      );
      assert.match(
        problemsOf({ GENESYS_REGION: 'https://api.mypurecloud.de', ...credentials }).get('GENESYS_REGION')!,
        /bare region host: mypurecloud.de/,
      );
    });

    it('accepts a new region of the known shape with a warning', () => {
      const settings = read({ GENESYS_REGION: 'afs1.pure.cloud', ...credentials });
      assert.equal(
        settings.genesys.mode === 'cloud' && settings.genesys.apiUrl,
        'https://api.afs1.pure.cloud',
      );
      assert.match(settings.warnings.join('\n'), /afs1.pure.cloud/);
    });

    it('refuses plain http to a remote host', () => {
      assert.match(
        problemsOf({
          GENESYS_API_URL: 'http://api.mypurecloud.com',
          GENESYS_LOGIN_URL: 'https://login.mypurecloud.com',
          ...credentials,
        }).get('GENESYS_API_URL')!,
        /https/,
      );
    });

    it('never echoes the client secret in an error', () => {
      assert.throws(
        () => read({ GENESYS_CLIENT_SECRET: 'topsecret-value' }),
        (err: Error) => !err.message.includes('topsecret-value'),
      );
    });
  });

  describe('storage', () => {
    it('uses a connection string, or an endpoint, or Azurite', () => {
      const connectionString =
        'DefaultEndpointsProtocol=https;AccountName=acct;AccountKey=a2V5;EndpointSuffix=core.windows.net';
      assert.equal(
        read({ AZURE_TABLES_CONNECTION_STRING: connectionString }).storage.mode,
        'connectionString',
      );
      const endpoint = read({ AZURE_TABLES_ENDPOINT: 'https://acct.table.core.windows.net/' }).storage;
      assert.deepEqual(endpoint, {
        mode: 'endpoint',
        endpoint: 'https://acct.table.core.windows.net',
        tablePrefix: 'adherence',
        historyRetentionDays: 90,
      });
      assert.equal(read({}).storage.mode, 'azurite');
    });

    it('refuses both at once, a malformed connection string without echoing it, and a long prefix', () => {
      const problems = problemsOf({
        AZURE_TABLES_CONNECTION_STRING: 'AccountKey-secretish',
        AZURE_TABLES_ENDPOINT: 'https://acct.table.core.windows.net',
        TABLE_PREFIX: 'a'.repeat(41),
      });
      assert.match(problems.get('AZURE_TABLES_ENDPOINT')!, /not both/);
      assert.match(problems.get('AZURE_TABLES_CONNECTION_STRING')!, /not a storage connection string/);
      assert.ok(!problems.get('AZURE_TABLES_CONNECTION_STRING')!.includes('secretish'));
      assert.match(problems.get('TABLE_PREFIX')!, /at most 40/);
    });

    it("names at start a connection string whose table endpoint storage would refuse, by storage's own rule", () => {
      const connectionString =
        'DefaultEndpointsProtocol=http;AccountName=a;AccountKey=aGVsbG8=;TableEndpoint=http://10.0.0.5:10002/a;';
      const problems = problemsOf({ AZURE_TABLES_CONNECTION_STRING: connectionString });
      assert.match(
        problems.get('AZURE_TABLES_CONNECTION_STRING')!,
        /plain http is only allowed to a loopback host/,
      );
      assert.ok(!problems.get('AZURE_TABLES_CONNECTION_STRING')!.includes('aGVsbG8='));
    });
  });

  describe('bot', () => {
    it('reads a single-tenant bot', () => {
      const settings = readSettings(
        {
          BOT_ID: APP,
          BOT_PASSWORD: 'pw',
          BOT_TENANT_ID: TENANT,
          BOT_TYPE: 'singletenant',
          PORT: '0',
          NODE_ENV: 'production',
          GENESYS_REGION: 'mypurecloud.ie',
          GENESYS_CLIENT_ID: 'client',
          GENESYS_CLIENT_SECRET: 'secret',
          AZURE_TABLES_ENDPOINT: 'https://contoso.table.core.windows.net',
        },
        host,
      );
      assert.deepEqual(settings.bot, {
        appId: APP,
        appPassword: 'pw',
        tenantId: TENANT,
        type: 'SingleTenant',
        port: 0,
        nodeEnv: 'production',
        isProduction: true,
        isLocal: false,
      });
    });

    it('moves the health and metrics endpoints to METRICS_PORT, which must differ from PORT', () => {
      assert.equal(read({ PORT: '3978', METRICS_PORT: '9464' }).bot.metricsPort, 9464);
      assert.equal(read({}).bot.metricsPort, undefined);
      assert.equal(read({ PORT: '0', METRICS_PORT: '0' }).bot.metricsPort, 0);
      assert.match(
        problemsOf({ PORT: '8080', METRICS_PORT: '8080' }).get('METRICS_PORT')!,
        /differ from PORT/,
      );
      assert.match(problemsOf({ METRICS_PORT: 'x' }).get('METRICS_PORT')!, /0 to 65535/);
    });

    it('requires BOT_ID unless the run is explicitly local, whatever NODE_ENV says', () => {
      const envs: Record<string, string>[] = [
        {},
        { NODE_ENV: 'development' },
        { NODE_ENV: 'Production' },
        { BOT_ID: '' },
      ];
      for (const env of envs)
        assert.match(problemsOfExactly(env).get('BOT_ID')!, /is required.*LOCAL_MODE=true/);
      assert.equal(read({}).bot.appId, undefined, 'LOCAL_MODE=true allows it');
    });

    it('refuses LOCAL_MODE in production, naming it', () => {
      const problems = problemsOf({ NODE_ENV: 'production' });
      assert.match(problems.get('LOCAL_MODE')!, /refused when NODE_ENV=production/);
      assert.match(problemsOf({ LOCAL_MODE: 'perhaps' }).get('LOCAL_MODE')!, /not a boolean/);
    });

    it('refuses to run the local simulator or Azurite in production, naming the settings to set', () => {
      const problems = problemsOf({
        NODE_ENV: 'production',
        BOT_ID: APP,
        BOT_TENANT_ID: TENANT,
        BOT_PASSWORD: 'pw',
      });
      assert.match(problems.get('GENESYS_REGION')!, /required when NODE_ENV=production/);
      assert.match(problems.get('AZURE_TABLES_CONNECTION_STRING')!, /required when NODE_ENV=production/);
    });

    it('refuses MultiTenant and says why', () => {
      assert.match(
        problemsOf({ BOT_TYPE: 'MultiTenant' }).get('BOT_TYPE')!,
        /Azure no longer creates multi-tenant bots/,
      );
    });

    it('needs a tenant and a password for a SingleTenant bot', () => {
      const problems = problemsOf({ BOT_ID: APP });
      assert.match(problems.get('BOT_TENANT_ID')!, /required with BOT_ID/);
      assert.match(problems.get('BOT_PASSWORD')!, /SingleTenant/);
    });

    it('needs no password for a managed identity', () => {
      const settings = read({ BOT_ID: APP, BOT_TENANT_ID: TENANT, BOT_TYPE: 'UserAssignedMSI' });
      assert.equal(settings.bot.type, 'UserAssignedMSI');
    });

    it('checks ids are GUIDs and webhook URLs are https', () => {
      const problems = problemsOf({
        BOT_ID: 'my-bot',
        BOT_PASSWORD: 'pw',
        BOT_TENANT_ID: 'contoso',
        SLACK_WEBHOOK_URL: 'http://hooks.slack.com/services/T/B/secret',
      });
      assert.match(problems.get('BOT_ID')!, /not a GUID/);
      assert.match(problems.get('BOT_TENANT_ID')!, /not a GUID/);
      assert.match(problems.get('SLACK_WEBHOOK_URL')!, /https/);
      assert.ok(!problems.get('SLACK_WEBHOOK_URL')!.includes('secret'));
    });
  });

  describe('tabs', () => {
    const bot = { BOT_ID: APP, BOT_TENANT_ID: TENANT, BOT_PASSWORD: 'pw' };

    it('checks Teams SSO tokens against the Entra endpoints of the bot tenant by default', () => {
      const { sso } = read({ ...bot, TAB_DOMAIN: 'Drift.Contoso.com' }).tabs;
      assert.deepEqual(sso, {
        audiences: [`api://drift.contoso.com/${APP}`, APP],
        resource: `api://drift.contoso.com/${APP}`,
        jwksUrl: `https://login.microsoftonline.com/${TENANT}/discovery/v2.0/keys`,
        issuers: [`https://login.microsoftonline.com/${TENANT}/v2.0`, `https://sts.windows.net/${TENANT}/`],
        tenantId: TENANT,
      });
    });

    it('has no sign-in in local mode (no BOT_ID) and warns when SSO settings are given there', () => {
      const settings = read({ TAB_SSO_JWKS_URL: 'http://127.0.0.1:9/keys' });
      assert.equal(settings.tabs.sso, undefined);
      assert.ok(
        settings.warnings.some((warning) => warning.includes('TAB_SSO_JWKS_URL ignored without BOT_ID')),
      );
    });

    it('takes an explicit resource, key set and issuers, and names bad values', () => {
      const { sso } = read({
        ...bot,
        TAB_SSO_RESOURCE: 'api://drift.contoso.com/botid-x',
        TAB_SSO_JWKS_URL: 'http://127.0.0.1:8123/keys',
        TAB_SSO_ISSUERS: 'http://127.0.0.1:8123/v2.0',
        TEAMS_APP_ID: 'D0542305-B877-4035-9D0E-7B0C7DAA2737',
      }).tabs;
      assert.deepEqual(sso?.audiences, ['api://drift.contoso.com/botid-x', APP]);
      assert.deepEqual(sso?.issuers, ['http://127.0.0.1:8123/v2.0']);
      const problems = problemsOf({
        ...bot,
        TAB_DOMAIN: 'https://drift.contoso.com/tabs',
        TAB_SSO_RESOURCE: 'drift',
        TAB_SSO_JWKS_URL: 'http://keys.example.com/keys',
        TAB_SSO_ISSUERS: 'https://ok.example.com, ftp://no',
        TEAMS_APP_ID: 'app',
      });
      assert.match(problems.get('TAB_DOMAIN')!, /host name only, e\.g\. drift\.contoso\.com/);
      assert.match(problems.get('TAB_SSO_RESOURCE')!, /Application ID URI/);
      assert.match(problems.get('TAB_SSO_JWKS_URL')!, /https/);
      assert.match(problems.get('TAB_SSO_ISSUERS')!, /"ftp:\/\/no"/);
      assert.match(problems.get('TEAMS_APP_ID')!, /GUID/);
    });
  });

  describe('routing and Teams limits', () => {
    it('reads WATCH_ADMINS as lower-cased emails, UPNs and object ids, and the unit-manager switch', () => {
      const settings = read({
        WATCH_ADMINS: 'Sam@Contoso.com, 11111111-2222-4333-8444-555555555555 ,sam@contoso.com',
        WATCH_ALLOW_UNIT_MANAGERS: 'true',
      });
      assert.deepEqual(settings.routing, {
        admins: ['sam@contoso.com', '11111111-2222-4333-8444-555555555555'],
        allowUnitManagers: true,
      });
      assert.deepEqual(settings.warnings, []);
    });

    it('names WATCH_ADMINS entries that are neither an email, a UPN nor a GUID', () => {
      assert.match(
        problemsOf({ WATCH_ADMINS: 'sam@contoso.com, Sam Supervisor, channel:19:x' }).get('WATCH_ADMINS')!,
        /"sam supervisor", "channel:19:x" are not an email, UPN or Entra object id/,
      );
    });

    it('reads the jitter allowance as a duration of at most 5 s', () => {
      assert.equal(read({ TEAMS_JITTER_ALLOWANCE: 'PT0.25S' }).notifications.teamsJitterAllowanceMs, 250);
      assert.equal(read({ TEAMS_JITTER_ALLOWANCE: '0' }).notifications.teamsJitterAllowanceMs, 0);
      assert.match(
        problemsOf({ TEAMS_JITTER_ALLOWANCE: 'PT10S' }).get('TEAMS_JITTER_ALLOWANCE')!,
        /at most PT5S/,
      );
    });
  });

  it('takes INSTANCE_ID and GENESYS_WFM_URL when given', () => {
    const settings = read({
      INSTANCE_ID: 'web-1',
      GENESYS_WFM_URL: 'https://apps.mypurecloud.com/directory/',
    });
    assert.equal(settings.instanceId, 'web-1');
    assert.equal(settings.notifications.genesysWfmUrl, 'https://apps.mypurecloud.com/directory');
    assert.match(problemsOf({ INSTANCE_ID: 'a/b' }).get('INSTANCE_ID')!, /without/);
  });
});

describe('describeSettings', () => {
  it('describes every setting readSettings reads, and nothing else', () => {
    const read = new Set<string>();
    const env = new Proxy<Record<string, string>>(
      {},
      {
        get: (_target, name) => {
          if (typeof name === 'string') read.add(name);
          return undefined;
        },
      },
    );
    try {
      readSettings(env, host);
    } catch (error) {
      assert.ok(error instanceof ConfigError, 'nothing set: only BOT_ID is refused');
    }
    // A second pass with Genesys configured reaches the settings only read in cloud mode.
    const cloudEnv = new Proxy<Record<string, string>>(
      { GENESYS_REGION: 'mypurecloud.com', GENESYS_CLIENT_ID: 'c', GENESYS_CLIENT_SECRET: 's' },
      {
        get: (target, name) => {
          if (typeof name === 'string') read.add(name);
          return typeof name === 'string' ? target[name] : undefined;
        },
      },
    );
    try {
      readSettings(cloudEnv, host);
    } catch (error) {
      assert.ok(error instanceof ConfigError);
    }
    const described = describeSettings().map((d) => d.name);
    assert.deepEqual([...read].sort(), [...described].sort());
    assert.equal(new Set(described).size, described.length);
  });

  it('states defaults that readSettings really applies', () => {
    const byName = new Map(describeSettings().map((d) => [d.name, d.default]));
    const defaults = read({});
    const explicit = read(
      Object.fromEntries(
        [
          'DRIFT_NUDGE_AFTER',
          'DRIFT_SUPERVISOR_AFTER',
          'DRIFT_EXCEPTION_AFTER',
          'DRIFT_DAMPENING_WINDOW',
          'DRIFT_MASS_CHANGE_AGENTS',
          'DRIFT_MASS_CHANGE_WITHIN',
          'DRIFT_ALLOW_SELF_DECLARED_OVERTIME',
          'LOG_LEVEL',
          'TABLE_PREFIX',
          'HISTORY_RETENTION_DAYS',
          'BOT_TYPE',
          'PORT',
          'NODE_ENV',
          'TEAMS_TENANT_RPS',
          'SUPERVISOR_ALERT_BUDGET_PER_HOUR',
          'TEAMS_JITTER_ALLOWANCE',
          'WATCH_ALLOW_UNIT_MANAGERS',
        ].map((name) => [name, byName.get(name)!]),
      ),
    );
    assert.deepEqual(explicit, defaults);
  });
});
