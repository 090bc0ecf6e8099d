import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import type { ExperimentResult } from '../../../src/simulation/outcome-experiment';

const ROOT = join(__dirname, '../../..');

function runSimulate(args: readonly string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', join(ROOT, 'scripts/simulate.ts'), ...args],
      { cwd: ROOT, timeout: 300_000, maxBuffer: 16 * 1024 * 1024 },
      (error, stdout, stderr) =>
        resolve({ code: error === null ? 0 : ((error as { code?: number }).code ?? 1), stdout, stderr }),
    );
  });
}

describe('npm run simulate', function () {
  this.timeout(300_000);

  it('prints both arms, the reduction and the alert rate as one JSON object on the last line with --json', async () => {
    const run = await runSimulate(['--json', '--seed', '2']);
    assert.equal(run.code, 0, run.stderr);
    const result = JSON.parse(run.stdout.trim().split('\n').pop()!) as ExperimentResult;
    assert.deepEqual(Object.keys(result).slice(0, 6), [
      'seed',
      'weeks',
      'withAlerts',
      'withoutAlerts',
      'reductionPercent',
      'alertsPerSupervisorHour',
    ]);
    assert.equal(result.seed, 2);
    assert.equal(result.weeks, 1);
    assert.deepEqual(Object.keys(result.withAlerts), ['formalExceptions', 'nudges', 'supervisorAlerts']);
    assert.deepEqual(Object.keys(result.withoutAlerts), ['formalExceptions']);
    const { withAlerts, withoutAlerts } = result;
    assert.ok(withoutAlerts.formalExceptions > 0);
    assert.ok(withAlerts.formalExceptions <= withoutAlerts.formalExceptions);
    const reduction =
      ((withoutAlerts.formalExceptions - withAlerts.formalExceptions) / withoutAlerts.formalExceptions) * 100;
    assert.equal(result.reductionPercent, Math.round(reduction * 10) / 10);
    assert.equal(
      result.alertsPerSupervisorHour,
      Math.round((withAlerts.supervisorAlerts / result.supervisorHours) * 100) / 100,
    );
    assert.equal(result.budget.perHour, 6);
    assert.ok(result.budget.peakCardsPerSupervisorInAnyHour <= 6);
  });

  it('refuses a bad number of weeks, naming the flag', async () => {
    const run = await runSimulate(['--weeks', '0']);
    assert.equal(run.code, 2);
    assert.match(run.stderr, /--weeks "0" is not a whole number from 1 to 52/);
  });
});
