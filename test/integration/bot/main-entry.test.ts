import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { join } from 'node:path';

const ENTRY = join(__dirname, '../../../bot/main.ts');

/** Runs the production entry with exactly `env` (plus PATH); resolves when it exits, or when it starts serving. */
function runMain(
  env: Record<string, string>,
): Promise<{ code: number | null; output: string; served: boolean }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', ENTRY], {
      env: { PATH: process.env.PATH ?? '', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    let served = false;
    const onData = (chunk: Buffer): void => {
      output += chunk.toString('utf8');
      // A process that got this far accepted its settings: stop it, the test has its answer.
      if (!served && /listening|table storage ready|local mode/.test(output)) {
        served = true;
        child.kill('SIGKILL');
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('exit', (code) => resolve({ code, output, served }));
  });
}

describe('The production entry (bot/main.ts, what npm run serve runs)', function () {
  it('refuses to start without BOT_ID when NODE_ENV is unset and the run is not explicitly local, naming the setting', async () => {
    const { code, output, served } = await runMain({});
    assert.equal(served, false, `it started serving:\n${output}`);
    assert.equal(code, 1);
    assert.match(output, /BOT_ID: is required/);
    assert.match(output, /LOCAL_MODE=true/);
  });

  it('refuses LOCAL_MODE in production, naming it with everything else that is missing', async () => {
    const { code, output } = await runMain({ NODE_ENV: 'production', LOCAL_MODE: 'true' });
    assert.equal(code, 1);
    assert.match(output, /LOCAL_MODE: is refused when NODE_ENV=production/);
    assert.match(output, /GENESYS_REGION/);
  });
});
