/**
 * Builds the Teams app package an admin uploads: reads `manifest/manifest.json`, replaces every `${{NAME}}`
 * placeholder from `env/.env.<env>`, `env/.env.<env>.user` and the process environment (later wins), validates the
 * result offline against the pinned Teams schema, and writes `appPackage/build/appPackage.<env>.zip` holding
 * `manifest.json` and both icons at the zip root (Teams rejects icons in subfolders of the package:
 * learn.microsoft.com/microsoftteams/platform/concepts/build-and-test/apps-package).
 *
 * CLI: `tsx scripts/build-app-package.ts [env]` or `... --env <env>` (the Toolkit's form); env defaults to `dev`.
 */
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { basename, join, relative, resolve } from 'node:path';
import { AppManifestUtils } from '@microsoft/app-manifest';
import type { TeamsManifestV1D24 } from '@microsoft/app-manifest';
import { ZipFile } from 'yazl';
import { ConfigError } from '../src/platform/errors';
import type { ConfigProblem } from '../src/platform/errors';
import { describeError } from '../src/platform/describe-error';

/** Where the build reads from and writes to; every folder defaults to the project layout. */
export interface BuildAppPackageOptions {
  /** Environment name: selects `env/.env.<env>` and `env/.env.<env>.user`, and names the zip. */
  readonly env: string;
  /** Project root; defaults to the folder above scripts/. */
  readonly rootDir?: string;
  readonly manifestDir?: string;
  readonly envDir?: string;
  readonly outDir?: string;
  /** Values that win over both env files (the CLI passes `process.env`). */
  readonly overrides?: Readonly<Record<string, string | undefined>>;
}

/** The manifest version manifest/manifest.json pins in `$schema` and `manifestVersion`. */
export type TeamsManifest = TeamsManifestV1D24.TeamsManifestV1D24;

/** What was built: the zip's path, the substituted manifest and the zip's entry names. */
export interface AppPackage {
  readonly zipPath: string;
  readonly manifest: TeamsManifest;
  readonly entries: readonly string[];
}

const PLACEHOLDER = /\$\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}/g;
const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
// Teams requires a 192x192 colour icon and a 32x32 outline icon (apps-package#app-icons).
const ICON_SIZES = { color: 192, outline: 32 } as const;

/**
 * Builds and writes the app package for one environment; throws ConfigError naming every unresolved placeholder,
 * and Error listing every schema violation or icon problem.
 */
export async function buildAppPackage(options: BuildAppPackageOptions): Promise<AppPackage> {
  const rootDir = options.rootDir ?? resolve(__dirname, '..');
  const manifestDir = options.manifestDir ?? join(rootDir, 'manifest');
  const envDir = options.envDir ?? join(rootDir, 'env');
  const outDir = options.outDir ?? join(rootDir, 'appPackage', 'build');
  if (!/^[A-Za-z0-9_-]+$/.test(options.env))
    throw new ConfigError([
      { setting: 'env', problem: `"${options.env}" is not an environment name (letters, digits, - and _)` },
    ]);

  const envFile = join(envDir, `.env.${options.env}`);
  if (!existsSync(envFile)) throw new ConfigError([{ setting: 'env', problem: `no env file ${envFile}` }]);
  const userFile = `${envFile}.user`;
  const variables: Record<string, string | undefined> = {
    ...parseEnvFile(await readFile(envFile, 'utf8')),
    ...(existsSync(userFile) ? parseEnvFile(await readFile(userFile, 'utf8')) : {}),
    ...Object.fromEntries(Object.entries(options.overrides ?? {}).filter(([, value]) => value !== undefined)),
  };

  const sources = [relative(rootDir, envFile), relative(rootDir, userFile), 'the environment'].join(', ');
  const manifestTemplate = await readFile(join(manifestDir, 'manifest.json'), 'utf8');
  const manifestText = substitutePlaceholders(manifestTemplate, variables, sources);
  const manifest = JSON.parse(manifestText) as TeamsManifest;
  const schemaErrors = await AppManifestUtils.validateAgainstSchema(manifest);
  if (schemaErrors.length > 0) {
    const empty = placeholderNames(manifestTemplate).filter((name) => variables[name] === '');
    const hint =
      empty.length > 0
        ? `\nThese placeholders are set but empty: ${empty.join(', ')} (set them in ${sources}).`
        : '';
    throw new Error(
      `manifest.json for env "${options.env}" fails its schema (${manifest.$schema}):\n${schemaErrors.map((e) => `  - ${e}`).join('\n')}${hint}`,
    );
  }

  const icons = await readIcons(manifest, manifestDir);
  const files = [
    { name: 'manifest.json', data: Buffer.from(`${JSON.stringify(manifest, null, 2)}\n`, 'utf8') },
    ...icons,
  ];
  await mkdir(outDir, { recursive: true });
  const zipPath = join(outDir, `appPackage.${options.env}.zip`);
  await writeFile(zipPath, await createZip(files));
  return { zipPath, manifest, entries: files.map((f) => f.name) };
}

/**
 * Replaces each `${{NAME}}` with its JSON-escaped value (pure); throws ConfigError naming every placeholder that
 * has no value, and where it looked (`sources`). A variable set to an empty value resolves to the empty string
 * (dotenv semantics: `APP_NAME_SUFFIX=` is a deliberate empty suffix).
 */
export function substitutePlaceholders(
  text: string,
  variables: Readonly<Record<string, string | undefined>>,
  sources = 'the env files',
): string {
  const missing = new Set<string>();
  const result = text.replace(PLACEHOLDER, (placeholder, name: string) => {
    const value = variables[name];
    if (value === undefined) {
      missing.add(name);
      return placeholder;
    }
    // Placeholders sit inside JSON strings, so the value is escaped as string content.
    return JSON.stringify(value).slice(1, -1);
  });
  if (missing.size > 0) {
    const problems: ConfigProblem[] = [...missing].map((name) => ({
      setting: name,
      problem: `manifest placeholder \${{${name}}} has no value (looked in ${sources})`,
    }));
    throw new ConfigError(problems);
  }
  return result;
}

function placeholderNames(text: string): string[] {
  return [...new Set([...text.matchAll(PLACEHOLDER)].map((match) => match[1]))];
}

/** Parses a dotenv-style file: `NAME=value` lines, `#` comments, optional `export ` and surrounding quotes (pure). */
export function parseEnvFile(text: string): Record<string, string> {
  const values: Record<string, string> = {};
  for (const rawLine of text.split(/\r?\n/)) {
    const line = rawLine.trim();
    if (line === '' || line.startsWith('#')) continue;
    const match = /^(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*)$/.exec(line);
    if (match === null) continue;
    const [, name, rawValue] = match;
    const quoted = /^(["'])(.*)\1$/.exec(rawValue);
    values[name] = quoted === null ? rawValue.replace(/\s+#.*$/, '').trim() : quoted[2];
  }
  return values;
}

async function readIcons(
  manifest: TeamsManifest,
  manifestDir: string,
): Promise<{ name: string; data: Buffer }[]> {
  const problems: string[] = [];
  const icons: { name: string; data: Buffer }[] = [];
  for (const kind of ['color', 'outline'] as const) {
    const name = manifest.icons[kind];
    if (basename(name) !== name) {
      problems.push(`icons.${kind} "${name}" must be a file name at the package root`);
      continue;
    }
    const path = join(manifestDir, name);
    if (!existsSync(path)) {
      problems.push(`icons.${kind}: ${path} does not exist`);
      continue;
    }
    const data = await readFile(path);
    const size = readPngSize(data);
    const expected = ICON_SIZES[kind];
    if (size === undefined) problems.push(`icons.${kind}: ${name} is not a PNG`);
    else if (size.width !== expected || size.height !== expected)
      problems.push(
        `icons.${kind}: ${name} is ${size.width}x${size.height}, Teams needs ${expected}x${expected}`,
      );
    else icons.push({ name, data });
  }
  if (problems.length > 0)
    throw new Error(`App package icons are wrong:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  return icons;
}

function readPngSize(data: Buffer): { width: number; height: number } | undefined {
  // IHDR is always the first chunk: width and height at byte 16 and 20 (PNG spec, section 11.2.2).
  if (
    data.length < 24 ||
    !data.subarray(0, 8).equals(PNG_SIGNATURE) ||
    data.toString('ascii', 12, 16) !== 'IHDR'
  )
    return undefined;
  return { width: data.readUInt32BE(16), height: data.readUInt32BE(20) };
}

// Every entry gets the same timestamp (1980-01-01 00:00 local, the DOS epoch), so the same inputs give the same bytes.
const FIXED_MTIME = new Date(1980, 0, 1, 0, 0, 0);

/** Zips the files at the archive root with yazl (deflate, DOS timestamps only). */
function createZip(files: readonly { name: string; data: Buffer }[]): Promise<Buffer> {
  const zip = new ZipFile();
  for (const file of files)
    zip.addBuffer(file.data, file.name, { mtime: FIXED_MTIME, mode: 0o100644, forceDosTimestamp: true });
  zip.end();
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    zip.outputStream.on('data', (chunk: Buffer) => chunks.push(chunk));
    zip.outputStream.on('error', reject);
    zip.outputStream.on('end', () => resolve(Buffer.concat(chunks)));
  });
}

/**
 * The environment name from the command line: `dev`, or the Microsoft 365 Agents Toolkit's flag form `--env dev` /
 * `--env=dev` (pure). No argument means `dev`.
 */
export function parseEnvArgument(argv: readonly string[]): string {
  const flagAt = argv.findIndex((arg) => arg === '--env' || arg === '-e');
  if (flagAt >= 0) {
    const value = argv[flagAt + 1];
    if (value === undefined || value.startsWith('-'))
      throw new ConfigError([{ setting: 'env', problem: '--env needs an environment name, e.g. --env dev' }]);
    return value;
  }
  const inline = argv.find((arg) => arg.startsWith('--env='));
  if (inline !== undefined) return inline.slice('--env='.length);
  const unknown = argv.find((arg) => arg.startsWith('-'));
  if (unknown !== undefined)
    throw new ConfigError([
      { setting: 'env', problem: `unknown option ${unknown} (use --env <name> or <name>)` },
    ]);
  return argv[0] ?? 'dev';
}

if (require.main === module) {
  Promise.resolve()
    .then(() => buildAppPackage({ env: parseEnvArgument(process.argv.slice(2)), overrides: process.env }))
    .then(
      (built) => process.stdout.write(`${built.zipPath}\n`),
      (error: unknown) => {
        process.stderr.write(`${describeError(error)}\n`);
        process.exitCode = 1;
      },
    );
}
