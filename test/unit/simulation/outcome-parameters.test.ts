import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  EPISODE_PARAMETER_KEYS,
  PARAMETER_TABLE,
  centralParameters,
  parameterTableMarkdown,
  withParameters,
} from '../../../src/simulation/outcome-parameters';

describe('the shift simulation parameter table', () => {
  it('has one row per parameter, with the central value inside its range', () => {
    const keys = PARAMETER_TABLE.map((spec) => spec.key);
    assert.equal(new Set(keys).size, keys.length);
    assert.deepEqual([...keys].sort(), Object.keys(centralParameters()).sort());
    for (const spec of PARAMETER_TABLE) {
      if (spec.isSwept) assert.ok(spec.low < spec.high, `${spec.key}: low < high`);
      else assert.ok(spec.low === spec.central && spec.high === spec.central, `${spec.key}: not swept`);
      assert.ok(spec.low <= spec.central && spec.central <= spec.high, `${spec.key}: central in range`);
      assert.ok(spec.source.trim().length > 0, `${spec.key}: a source or "Guess"`);
    }
    for (const key of EPISODE_PARAMETER_KEYS) assert.ok(keys.includes(key));
  });

  it('cites public references only, never project notes', () => {
    for (const spec of PARAMETER_TABLE)
      assert.doesNotMatch(
        spec.source,
        /outcome-evidence|genesys-cloud-api|teams-platform|\/work\/shared|\.md\b/i,
      );
  });

  it('is in the README exactly as the code has it', () => {
    const readme = readFileSync(join(__dirname, '../../../README.md'), 'utf8');
    assert.ok(
      readme.includes(parameterTableMarkdown()),
      'README parameter table differs: paste `npm run simulate -- --table`',
    );
  });

  it('refuses a parameter that does not exist', () => {
    assert.throws(() => withParameters(centralParameters(), { nope: 1 } as never), /unknown parameter nope/);
  });
});
