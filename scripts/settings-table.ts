// Writes the README's settings table from the settings specs (src/config/settings-table.ts): `npm run settings:table`.
// test/unit/config/readme-settings.test.ts fails when the README and the specs differ.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { formatSettingsTableRows } from '../src/config/settings';

const readmePath = join(__dirname, '..', 'README.md');
const readme = readFileSync(readmePath, 'utf8');
const lines = readme.split('\n');
const heading = lines.indexOf('## Settings');
const header = lines.findIndex((line, i) => i > heading && line === '| Setting | Default | Meaning |');
if (heading < 0 || header < 0) throw new Error('README.md has no "## Settings" table');
let end = header + 2;
while (end < lines.length && lines[end].startsWith('|')) end++;
lines.splice(header + 2, end - (header + 2), ...formatSettingsTableRows());
writeFileSync(readmePath, lines.join('\n'));
console.log(`README.md: ${formatSettingsTableRows().length} settings`);
