import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { crc32 } from 'node:zlib';
import { fromBufferPromise } from 'yauzl';
import { AppManifestUtils } from '@microsoft/app-manifest';
import {
  buildAppPackage,
  parseEnvArgument,
  parseEnvFile,
  substitutePlaceholders,
  type TeamsManifest,
} from '../../../scripts/build-app-package';
import { ConfigError } from '../../../src/platform/errors';

const manifestDir = join(__dirname, '..', '..', '..', 'manifest');

const COMPLETE_ENV = [
  'APP_NAME_SUFFIX=-test',
  'APP_VERSION=1.2.3',
  'TEAMS_APP_ID=6f1a4c1e-2b4d-4a6e-9c1f-0a1b2c3d4e5f',
  'BOT_ID=7f1a4c1e-2b4d-4a6e-9c1f-0a1b2c3d4e5f',
  'TAB_DOMAIN=drift.contoso.example.com',
  'DEVELOPER_NAME=Contoso Contact Centre',
  'DEVELOPER_WEBSITE_URL=https://contoso.example.com',
  'DEVELOPER_PRIVACY_URL=https://contoso.example.com/privacy',
  'DEVELOPER_TERMS_URL=https://contoso.example.com/terms',
].join('\n');

/** Unzips the package with yauzl (a maintained reader, as Teams' uploader reads it) and checks every CRC on the way. */
async function readZip(zip: Buffer): Promise<Map<string, Buffer>> {
  const archive = await fromBufferPromise(zip, { validateEntrySizes: true });
  const entries = new Map<string, Buffer>();
  for await (const entry of archive.eachEntry()) {
    const chunks: Buffer[] = [];
    for await (const chunk of await archive.openReadStreamPromise(entry)) chunks.push(chunk as Buffer);
    const data = Buffer.concat(chunks);
    assert.equal(crc32(data), entry.crc32, `CRC of ${entry.fileName}`);
    entries.set(entry.fileName, data);
  }
  return entries;
}

describe('buildAppPackage', () => {
  let dir: string;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'app-package-'));
  });

  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  async function build(envText: string, overrides: Record<string, string> = {}) {
    await writeFile(join(dir, '.env.test'), envText);
    return buildAppPackage({ env: 'test', manifestDir, envDir: dir, outDir: dir, overrides });
  }

  it('substitutes every placeholder into a manifest that validates against the pinned v1.24 schema', async () => {
    const built = await build(COMPLETE_ENV);
    const manifest = JSON.parse(
      (await readZip(await readFile(built.zipPath))).get('manifest.json')!.toString('utf8'),
    ) as TeamsManifest;

    assert.deepEqual(await AppManifestUtils.validateAgainstSchema(manifest), []);
    assert.equal(manifest.staticTabs?.[1]?.contentUrl, 'https://drift.contoso.example.com/tabs/me');
    assert.equal(
      manifest.webApplicationInfo?.resource,
      'api://drift.contoso.example.com/7f1a4c1e-2b4d-4a6e-9c1f-0a1b2c3d4e5f',
    );
    assert.doesNotMatch(JSON.stringify(manifest), /\$\{\{/);
    assert.equal(manifest.id, '6f1a4c1e-2b4d-4a6e-9c1f-0a1b2c3d4e5f');
    assert.equal(manifest.version, '1.2.3');
    assert.equal(manifest.name.short, 'Adherence Drift-test');
    assert.equal(manifest.bots?.[0].botId, '7f1a4c1e-2b4d-4a6e-9c1f-0a1b2c3d4e5f');
    assert.equal(manifest.webApplicationInfo?.id, manifest.bots?.[0].botId);
  });

  it('lets a .user file and the overrides win over the committed env file', async () => {
    await writeFile(join(dir, '.env.test.user'), 'APP_NAME_SUFFIX=-user\n');
    const fromUserFile = await build(COMPLETE_ENV);
    assert.equal(fromUserFile.manifest.name.short, 'Adherence Drift-user');

    const fromOverride = await build(COMPLETE_ENV, { APP_NAME_SUFFIX: '-ci' });
    assert.equal(fromOverride.manifest.name.short, 'Adherence Drift-ci');
  });

  it('names each unresolved placeholder and writes no package', async () => {
    const withoutIds = COMPLETE_ENV.split('\n')
      .filter((line) => !line.startsWith('BOT_ID=') && !line.startsWith('TEAMS_APP_ID='))
      .join('\n');

    await assert.rejects(build(withoutIds), (error: unknown) => {
      assert.ok(error instanceof ConfigError);
      assert.deepEqual(error.problems.map((p) => p.setting).sort(), ['BOT_ID', 'TEAMS_APP_ID']);
      assert.match(error.message, /\$\{\{BOT_ID\}\}/);
      assert.match(error.message, /\$\{\{TEAMS_APP_ID\}\}/);
      return true;
    });
    await assert.rejects(readFile(join(dir, 'appPackage.test.zip')), /ENOENT/);
  });

  it('rejects a substituted manifest that breaks the schema, naming the field and the empty placeholder', async () => {
    await assert.rejects(build(COMPLETE_ENV, { BOT_ID: '' }), (error: unknown) => {
      assert.ok(error instanceof Error);
      assert.match(error.message, /\/bots\/0\/botId/);
      assert.match(error.message, /set but empty: .*BOT_ID/);
      return true;
    });
  });

  it('writes exactly manifest.json and both icons at the zip root, byte for byte', async () => {
    const built = await build(COMPLETE_ENV);
    const entries = await readZip(await readFile(built.zipPath));

    assert.equal(built.zipPath, join(dir, 'appPackage.test.zip'));
    assert.deepEqual([...entries.keys()].sort(), ['color.png', 'manifest.json', 'outline.png']);
    assert.deepEqual(entries.get('color.png'), await readFile(join(manifestDir, 'color.png')));
    assert.deepEqual(entries.get('outline.png'), await readFile(join(manifestDir, 'outline.png')));
  });

  it('builds the same bytes from the same inputs', async () => {
    const first = await readFile((await build(COMPLETE_ENV)).zipPath);
    const second = await readFile((await build(COMPLETE_ENV)).zipPath);
    assert.deepEqual(first, second);
  });
});

describe('parseEnvArgument', () => {
  it("takes the environment as a word or in the Toolkit's --env flag form", () => {
    assert.equal(parseEnvArgument(['dev']), 'dev');
    assert.equal(parseEnvArgument(['--env', 'dev']), 'dev');
    assert.equal(parseEnvArgument(['--env=local']), 'local');
    assert.equal(parseEnvArgument([]), 'dev');
  });

  it('names a flag without a value and an unknown option', () => {
    assert.throws(() => parseEnvArgument(['--env']), /--env needs an environment name/);
    assert.throws(() => parseEnvArgument(['--zip', 'dev']), /unknown option --zip/);
  });
});

describe('substitutePlaceholders', () => {
  it('escapes values as JSON string content', () => {
    const text = substitutePlaceholders('{"name":"${{NAME}}"}', { NAME: 'Say "hi" \\ bye' });
    assert.equal((JSON.parse(text) as { name: string }).name, 'Say "hi" \\ bye');
  });

  it('resolves a variable set to an empty value to the empty string', () => {
    assert.equal(substitutePlaceholders('"Drift${{SUFFIX}}"', { SUFFIX: '' }), '"Drift"');
  });
});

describe('parseEnvFile', () => {
  it('reads names and values, skipping comments and blank lines, unquoting and dropping trailing comments', () => {
    const text =
      '# comment\n\nA=1\nexport B = two words \nC="quoted # not a comment"\nD=\'single\'\nE=value # note\nF=\nnot a line\n';
    assert.deepEqual(parseEnvFile(text), {
      A: '1',
      B: 'two words',
      C: 'quoted # not a comment',
      D: 'single',
      E: 'value',
      F: '',
    });
  });
});
