import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describeSettings, formatSettingsTableRows } from '../../../src/config/settings';

/** The rows of the settings table of README.md (under "## Settings"). */
function readmeSettingRows(): string[] {
  const readme = readFileSync(join(__dirname, '../../../README.md'), 'utf8');
  const section = readme.split(/^## Settings$/m)[1]?.split(/^## /m)[0] ?? '';
  return section.split('\n').filter((line) => /^\| `[A-Z_]+` \|/.test(line));
}

/** The settings table of README.md: the first cell of each row, without backticks. */
function readmeSettingNames(): string[] {
  return readmeSettingRows().map((line) => /^\| `([A-Z_]+)` \|/.exec(line)![1]);
}

describe('README settings table', () => {
  it('lists exactly the settings readSettings reads, in the same order', () => {
    assert.deepEqual(
      readmeSettingNames(),
      describeSettings().map((setting) => setting.name),
    );
  });

  it('shows each setting with the default and meaning of its spec (npm run settings:table writes it)', () => {
    assert.deepEqual(readmeSettingRows(), formatSettingsTableRows());
  });
});
