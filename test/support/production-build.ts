import { execFile } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** The project root (this file is test/support/production-build.ts). */
export const projectRoot = path.join(__dirname, '..', '..');

/** A folder laid out like the runtime image: package.json, package-lock.json, `dist/` and production dependencies. */
export interface RuntimeStage {
  readonly dir: string;
  /** The entry `npm run serve` starts, inside the stage. */
  readonly entry: string;
}

let staged: Promise<RuntimeStage> | undefined;

/**
 * Runs `npm run build` in the project (so a fresh clone needs nothing built beforehand), then lays out a temp folder
 * as the Dockerfile's runtime stage does: package.json, package-lock.json, `dist/`, and `npm ci --omit=dev` (from the
 * npm cache when it can). Built once per test process; removed when the process exits.
 */
export function buildRuntimeStage(): Promise<RuntimeStage> {
  staged ??= (async () => {
    await run('npm', ['run', 'build'], { cwd: projectRoot });
    const dir = mkdtempSync(path.join(os.tmpdir(), 'runtime-stage-'));
    process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
    for (const file of ['package.json', 'package-lock.json'])
      cpSync(path.join(projectRoot, file), path.join(dir, file));
    cpSync(path.join(projectRoot, 'dist'), path.join(dir, 'dist'), { recursive: true });
    await run(
      'npm',
      ['ci', '--omit=dev', '--prefer-offline', '--ignore-scripts', '--no-audit', '--no-fund'],
      {
        cwd: dir,
        maxBuffer: 16 * 1024 * 1024,
      },
    );
    return { dir, entry: path.join(dir, 'dist', 'bot', 'main.js') };
  })();
  return staged;
}
