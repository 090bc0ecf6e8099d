import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { projectRoot } from '../../support/production-build';

const run = promisify(execFile);

// Values the committed env/.env.dev leaves empty (they come from provisioning); the process environment wins.
const PROVISIONED = {
  BOT_ID: '7f1a4c1e-2b4d-4a6e-9c1f-0a1b2c3d4e5f',
  DEVELOPER_NAME: 'Contoso Contact Centre',
  DEVELOPER_WEBSITE_URL: 'https://contoso.example.com',
  DEVELOPER_PRIVACY_URL: 'https://contoso.example.com/privacy',
  DEVELOPER_TERMS_URL: 'https://contoso.example.com/terms',
};

describe('npm run package (the Teams app package from the command line)', function () {
  const packageWith = async (...args: string[]): Promise<{ zipPath: string; bytes: Buffer }> => {
    const { stdout } = await run('npm', ['run', '--silent', 'package', '--', ...args], {
      cwd: projectRoot,
      env: { ...process.env, ...PROVISIONED },
    });
    const zipPath = stdout.trim().split('\n').at(-1)!;
    return { zipPath, bytes: await readFile(zipPath) };
  };

  it("takes the Toolkit's --env flag as well as the bare environment name, and builds the same package", async () => {
    const flagged = await packageWith('--env', 'dev');
    const bare = await packageWith('dev');
    assert.equal(flagged.zipPath, path.join(projectRoot, 'appPackage', 'build', 'appPackage.dev.zip'));
    assert.equal(bare.zipPath, flagged.zipPath);
    assert.deepEqual(bare.bytes, flagged.bytes);
  });

  it('stops with the missing value named when the environment leaves one empty', async () => {
    await assert.rejects(
      run('npm', ['run', '--silent', 'package', '--', '--env', 'dev'], {
        cwd: projectRoot,
        env: { ...process.env, ...PROVISIONED, BOT_ID: '' },
      }),
      (error: { stderr?: string }) => /BOT_ID/.test(error.stderr ?? ''),
    );
  });
});
