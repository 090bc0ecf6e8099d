import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { join } from 'node:path';

const ROOT = join(__dirname, '../../..');

/** Logs one line through the product's logger, to stdout as the application does (no destination). */
const LOG_ONE_LINE = [
  "const { createLogger } = require('./src/platform/logger');",
  "createLogger({ level: 'info', name: 'adherence-drift' }).info({ agentId: 'a1' }, 'nudging agent');",
].join(' ');

function run(file: string, args: readonly string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(
      file,
      args,
      { cwd: ROOT, timeout: 120_000, env: { ...process.env, LOG_ONE_LINE, NODE_BIN: process.execPath } },
      (error, stdout, stderr) =>
        error === null ? resolve(stdout) : reject(new Error(`${error.message}\n${stderr}`)),
    );
  });
}

describe('The log on stdout', function () {
  this.timeout(120_000);

  it('is one JSON object a line when stdout is a pipe (production, CI)', async () => {
    const stdout = await run(process.execPath, ['--import', 'tsx', '-e', LOG_ONE_LINE]);
    const line = JSON.parse(stdout.trim()) as Record<string, unknown>;
    assert.equal(line.msg, 'nudging agent');
    assert.equal(line.agentId, 'a1');
    assert.equal(line.name, 'adherence-drift');
  });

  it('is pretty-printed for a person when stdout is a terminal (npm start in a shell)', async () => {
    // util-linux `script` runs the command on a pseudo-terminal, as a shell would.
    const output = await run('script', ['-qec', '"$NODE_BIN" --import tsx -e "$LOG_ONE_LINE"', '/dev/null']);
    // eslint-disable-next-line no-control-regex
    const text = output.replace(/\u001b\[[0-9;]*m/g, '');
    assert.match(
      text,
      /^\[\d\d:\d\d:\d\d\.\d{3}\] INFO \(adherence-drift\): nudging agent \{"agentId":"a1"\}\r?$/m,
    );
    assert.ok(!text.includes('"msg"'), `not JSON: ${text}`);
  });
});
