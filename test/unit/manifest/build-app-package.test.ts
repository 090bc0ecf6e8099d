import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { crc32, inflateRawSync } from 'node:zlib';
import { AppManifestUtils } from '@microsoft/app-manifest';
import {
  buildAppPackage,
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

/** Reads a ZIP back through its central directory (the same structure Teams' uploader reads). */
function readZip(zip: Buffer): Map<string, Buffer> {
  const endAt = zip.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  assert.ok(endAt >= 0, 'no end of central directory record');
  const count = zip.readUInt16LE(endAt + 10);
  let at = zip.readUInt32LE(endAt + 16);
  const entries = new Map<string, Buffer>();
  for (let i = 0; i < count; i += 1) {
    assert.equal(zip.readUInt32LE(at), 0x02014b50);
    const method = zip.readUInt16LE(at + 10);
    const crc = zip.readUInt32LE(at + 16);
    const compressedSize = zip.readUInt32LE(at + 20);
    const nameLength = zip.readUInt16LE(at + 28);
    const extraLength = zip.readUInt16LE(at + 30);
    const commentLength = zip.readUInt16LE(at + 32);
    const localAt = zip.readUInt32LE(at + 42);
    const name = zip.toString('utf8', at + 46, at + 46 + nameLength);
    assert.equal(zip.readUInt32LE(localAt), 0x04034b50);
    const dataAt = localAt + 30 + zip.readUInt16LE(localAt + 26) + zip.readUInt16LE(localAt + 28);
    const raw = zip.subarray(dataAt, dataAt + compressedSize);
    const data = method === 8 ? inflateRawSync(raw) : Buffer.from(raw);
    assert.equal(crc32(data), crc, `CRC of ${name}`);
    entries.set(name, data);
    at += 46 + nameLength + extraLength + commentLength;
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
      readZip(await readFile(built.zipPath))
        .get('manifest.json')!
        .toString('utf8'),
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
    const entries = readZip(await readFile(built.zipPath));

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

describe('substitutePlaceholders', () => {
  it('escapes values as JSON string content', () => {
    const text = substitutePlaceholders('{"name":"${{NAME}}"}', { NAME: 'Say "hi" \\ bye' });
    assert.equal(JSON.parse(text).name, 'Say "hi" \\ bye');
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
