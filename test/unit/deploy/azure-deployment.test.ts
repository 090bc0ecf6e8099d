import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { parseEnvFile } from '../../../scripts/build-app-package';
import { describeSettings, readSettings } from '../../../src/config/settings';

// What can be checked of the deployment without Azure: the Toolkit lifecycle file, the Bicep templates read as text
// (no Bicep compiler reaches these machines), the parameter files and the env files. README "Deploy to Azure" says
// what was not verified.

const root = path.join(__dirname, '..', '..', '..');
const read = (file: string): string => readFileSync(path.join(root, file), 'utf8');

interface Step {
  readonly uses: string;
  readonly name?: string;
  readonly with?: Record<string, unknown>;
  readonly writeToEnvironmentFile?: Record<string, string>;
}

interface Lifecycle {
  readonly version: string;
  readonly environmentFolderPath: string;
  readonly provision: Step[];
  readonly deploy: Step[];
  readonly publish: Step[];
}

const lifecycle = parseYaml(read('m365agents.yml')) as Lifecycle;
const stages = ['provision', 'deploy', 'publish'] as const;

/** The shell script of a script step (`with.run`), or '' for a step without one. */
function runScriptOf(step: Step): string {
  const run = step.with?.run;
  return typeof run === 'string' ? run : '';
}

/** The ARM templates of an arm/deploy step: [bicep file, parameters file], relative to the root. */
function templatesOf(step: Step): { path: string; parameters: string }[] {
  return (step.with?.templates as { path: string; parameters: string }[]).map((t) => ({
    path: path.normalize(t.path),
    parameters: path.normalize(t.parameters),
  }));
}

const armTemplates = lifecycle.provision.filter((step) => step.uses === 'arm/deploy').flatMap(templatesOf);

/** `param name type [= default]` declarations of a Bicep file. */
function bicepParams(text: string): Map<string, { type: string; default?: string }> {
  const params = new Map<string, { type: string; default?: string }>();
  for (const match of text.matchAll(/^param (\w+) (\w+)(?: = (.+))?$/gm))
    params.set(match[1], { type: match[2], ...(match[3] === undefined ? {} : { default: match[3] }) });
  return params;
}

function bicepOutputs(text: string): string[] {
  return [...text.matchAll(/^output (\w+) /gm)].map((match) => match[1]);
}

function parameterValues(file: string): Record<string, unknown> {
  const json = JSON.parse(read(file)) as { parameters: Record<string, { value: unknown }> };
  return Object.fromEntries(Object.entries(json.parameters).map(([name, entry]) => [name, entry.value]));
}

const placeholders = (text: string): string[] =>
  [...text.matchAll(/\$\{\{\s*(\w+)\s*\}\}/g)].map((m) => m[1]);

/** The container's environment in infra/azure.bicep: name -> the Bicep expression of its value or secretRef. */
function containerEnv(text: string): Map<string, { value?: string; secretRef?: string }> {
  const env = new Map<string, { value?: string; secretRef?: string }>();
  for (const match of text.matchAll(/name: '([A-Z][A-Z0-9_]*)'\n\s*(value|secretRef): ([^\n]+)/g))
    env.set(match[1], { [match[2]]: match[3].trim() });
  return env;
}

describe('Deployment to Azure (checked offline)', () => {
  const mainBicep = read('infra/azure.bicep');

  describe('m365agents.yml', () => {
    it('parses and names the provision, deploy and publish stages, each a list of Toolkit actions', () => {
      assert.match(lifecycle.version, /^v1\.\d+$/);
      assert.ok(existsSync(path.join(root, lifecycle.environmentFolderPath)));
      for (const stage of stages) {
        assert.ok(Array.isArray(lifecycle[stage]) && lifecycle[stage].length > 0, stage);
        for (const step of lifecycle[stage]) assert.match(step.uses, /^[a-zA-Z]+(\/[a-zA-Z]+)?$/, stage);
      }
    });

    it('provisions the registry, builds the image, then deploys the rest, and packages the app the same way everywhere', () => {
      const uses = lifecycle.provision.map((step) => step.uses);
      assert.deepEqual(uses.slice(0, 4), ['teamsApp/create', 'arm/deploy', 'script', 'arm/deploy']);
      assert.deepEqual(
        armTemplates.map((t) => t.path),
        [path.normalize('./infra/registry.bicep'), path.normalize('./infra/azure.bicep')],
      );
      for (const template of armTemplates) {
        assert.ok(existsSync(path.join(root, template.path)), template.path);
        assert.ok(existsSync(path.join(root, template.parameters)), template.parameters);
      }
      for (const stage of ['provision', 'publish'] as const) {
        const npm = lifecycle[stage].find((step) => step.uses === 'cli/runNpmCommand');
        assert.equal(npm?.with?.args, 'run package -- --env ${{TEAMSFX_ENV}}', stage);
        assert.ok(
          lifecycle[stage].some((step) => step.uses === 'teamsApp/validateAppPackage'),
          stage,
        );
      }
      assert.ok(lifecycle.publish.some((step) => step.uses === 'teamsApp/publishAppPackage'));
      const scripts = lifecycle.deploy.map(runScriptOf);
      assert.ok(scripts.some((run) => /az acr build/.test(run)));
      assert.ok(
        scripts.some((run) => /az containerapp update .*--image \$\{\{AZURE_CONTAINER_IMAGE\}\}/s.test(run)),
      );
    });

    it('uses only values the env files hold, a .user secret, or an earlier step wrote', () => {
      const committed = new Set(Object.keys(parseEnvFile(read('env/.env.dev'))));
      // Documented in env/.env.dev and env/README.md: secrets live in env/.env.<env>.user only.
      const secrets = new Set(
        placeholders(read('env/.env.dev')).filter((name) => name.startsWith('SECRET_')),
      );
      for (const match of read('env/.env.dev').matchAll(/^#\s+(SECRET_\w+)=/gm)) secrets.add(match[1]);
      const written = new Set<string>();
      const problems: string[] = [];
      for (const stage of stages) {
        for (const step of lifecycle[stage]) {
          const texts = [JSON.stringify(step.with ?? {})];
          if (step.uses === 'arm/deploy')
            texts.push(...templatesOf(step).map((template) => read(template.parameters)));
          for (const name of texts.flatMap(placeholders))
            if (!committed.has(name) && !secrets.has(name) && !written.has(name))
              problems.push(`${stage} ${step.uses}: \${{${name}}} has no value yet`);
          for (const name of Object.values(step.writeToEnvironmentFile ?? {})) written.add(name);
          for (const match of runScriptOf(step).matchAll(/::set-teamsfx-env (\w+)=/g)) written.add(match[1]);
          if (step.uses === 'arm/deploy')
            for (const template of templatesOf(step))
              for (const name of bicepOutputs(read(template.path))) written.add(name);
        }
      }
      assert.deepEqual(problems, []);
      assert.ok(secrets.has('SECRET_GENESYS_CLIENT_SECRET'));
    });
  });

  describe('infra/', () => {
    it('gives every Bicep parameter a value in its parameters file, and names no other', () => {
      for (const template of armTemplates) {
        const declared = [...bicepParams(read(template.path)).keys()].sort();
        assert.deepEqual(
          Object.keys(parameterValues(template.parameters)).sort(),
          declared,
          template.parameters,
        );
      }
    });

    it('runs at least 2 replicas', () => {
      const minReplicas = bicepParams(mainBicep).get('minReplicas');
      assert.match(mainBicep, /@minValue\(2\)\nparam minReplicas int/);
      assert.ok(Number(minReplicas?.default) >= 2);
      assert.ok(Number(parameterValues('infra/azure.parameters.json').minReplicas) >= 2);
      assert.match(mainBicep, /minReplicas: minReplicas/);
    });

    it('sets every setting the service needs in production, with only described names', () => {
      const env = containerEnv(mainBicep);
      const described = new Set(describeSettings().map((setting) => setting.name));
      // Read by the Azure SDK rather than by readSettings: which user-assigned identity DefaultAzureCredential uses.
      const sdkVariables = new Set(['AZURE_CLIENT_ID']);
      for (const name of env.keys())
        assert.ok(described.has(name) || sdkVariables.has(name), `${name} is not a setting`);

      const vars = new Map([...mainBicep.matchAll(/^var (\w+) = (\d+)$/gm)].map((m) => [m[1], m[2]]));
      // Stand-ins for values Azure fills in at deployment (identity ids, endpoints) and the org's own values.
      const deployed: Record<string, string> = {
        BOT_ID: '2d6b4c1e-7f3a-4e8b-9c0d-1a2b3c4d5e6f',
        BOT_TENANT_ID: '8e1f2a3b-4c5d-4e6f-8a9b-0c1d2e3f4a5b',
        AZURE_CLIENT_ID: '2d6b4c1e-7f3a-4e8b-9c0d-1a2b3c4d5e6f',
        AZURE_TABLES_ENDPOINT: 'https://stexample.table.core.windows.net/',
        GENESYS_REGION: 'mypurecloud.ie',
        GENESYS_CLIENT_ID: 'genesys-client',
        GENESYS_CLIENT_SECRET: 'from-key-vault',
        GENESYS_MANAGEMENT_UNIT_IDS: '',
        LOG_LEVEL: 'info',
      };
      const processEnv: Record<string, string> = {};
      for (const [name, source] of env) {
        const literal = /^'([^']*)'$/.exec(source.value ?? '');
        const fromVar = /^string\((\w+)\)$/.exec(source.value ?? '');
        const value = literal?.[1] ?? (fromVar ? vars.get(fromVar[1]) : undefined) ?? deployed[name];
        assert.ok(value !== undefined, `no stand-in for ${name} = ${JSON.stringify(source)}`);
        processEnv[name] = value;
      }
      assert.equal(processEnv.NODE_ENV, 'production');
      // readSettings itself decides what production needs, so this stays in step with src/config/settings.ts.
      const settings = readSettings(processEnv, { hostname: 'replica', pid: 1 });
      assert.equal(settings.bot.isProduction, true);
      assert.equal(settings.bot.type, 'UserAssignedMSI');
      assert.equal(settings.storage.mode, 'endpoint');
      assert.equal(settings.genesys.mode, 'cloud');
      assert.ok(settings.bot.metricsPort !== undefined);
    });

    it('keeps secrets out of app settings: GENESYS_CLIENT_SECRET is a Key Vault reference', () => {
      const env = containerEnv(mainBicep);
      const secretSettings = describeSettings()
        .filter((setting) => /Secret\.$/.test(setting.meaning))
        .map((setting) => setting.name);
      for (const name of secretSettings)
        assert.equal(env.get(name)?.value, undefined, `${name} as a plain value`);
      assert.equal(env.get('GENESYS_CLIENT_SECRET')?.secretRef, "'genesys-client-secret'");
      assert.match(
        mainBicep,
        /name: 'genesys-client-secret'\n\s*keyVaultUrl: genesysSecret\.properties\.secretUri\n\s*identity: identity\.id/,
      );
      assert.match(mainBicep, /@secure\(\)\n@description\([^)]*\)\nparam genesysClientSecret string/);
    });

    it('reaches Table Storage with the managed identity only: Storage Table Data Contributor, shared keys off', () => {
      assert.match(mainBicep, /var storageTableDataContributor = '0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3'/);
      assert.match(
        mainBicep,
        /name: guid\(storage\.id, identity\.id, storageTableDataContributor\)\n\s*scope: storage\n\s*properties: \{\n\s*principalId: identity\.properties\.principalId/,
      );
      assert.match(mainBicep, /allowSharedKeyAccess: false/);
      assert.doesNotMatch(mainBicep, /AZURE_TABLES_CONNECTION_STRING|listKeys\(\)\.keys/);
    });

    it('exposes only /api/messages publicly and probes liveness /healthz and readiness /readyz on METRICS_PORT', () => {
      const env = containerEnv(mainBicep);
      assert.equal(env.get('PORT')?.value, 'string(botPort)');
      assert.equal(env.get('METRICS_PORT')?.value, 'string(metricsPort)');
      assert.match(mainBicep, /targetPort: botPort/);
      const probes = [
        ...mainBicep.matchAll(/type: '(\w+)'\n\s*httpGet: \{\n\s*path: '([^']+)'\n\s*port: (\w+)/g),
      ].map((m) => `${m[1]} ${m[2]} ${m[3]}`);
      assert.deepEqual(probes, [
        'Startup /healthz metricsPort',
        'Liveness /healthz metricsPort',
        'Readiness /readyz metricsPort',
      ]);
      assert.match(mainBicep, /destination: 'log-analytics'/);
    });

    it('uses GA resource API versions, each cited by its template reference page', () => {
      for (const file of [
        'infra/azure.bicep',
        'infra/registry.bicep',
        'infra/botRegistration/azurebot.bicep',
      ]) {
        const text = read(file);
        for (const match of text.matchAll(/^resource \w+ '([\w.]+)\/([\w/]+)@([\w-]+)'/gm)) {
          const [, provider, type, version] = match;
          assert.doesNotMatch(version, /preview/, `${file}: ${provider}/${type}@${version}`);
          const page = `https://learn.microsoft.com/azure/templates/${provider.toLowerCase()}/${version}/${type.split('/')[0].toLowerCase()}`;
          assert.ok(text.includes(page), `${file} cites ${page}`);
        }
      }
    });
  });
});
