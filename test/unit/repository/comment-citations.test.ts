import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

const ROOT = join(__dirname, '../../..');
const FOLDERS = ['src', 'bot', 'test', 'scripts', 'manifest'];

// The team's notes outside this repository: a citation of them means nothing to the next maintainer. Built from parts
// so that this file does not match itself.
const NOTES = ['genesys-cloud-api', 'teams-platform', 'toolchain', 'outcome-evidence', 'HOUSE-STYLE'];
const NOTE_CITATION = new RegExp(
  `(?:${NOTES.join('|')})\\.md|reference ${'§'}|${'outcome'}-evidence #|/work/${'shared'}`,
);

function sourceFiles(folder: string): string[] {
  return readdirSync(folder).flatMap((name) => {
    const path = join(folder, name);
    if (statSync(path).isDirectory()) return name === 'node_modules' ? [] : sourceFiles(path);
    return /\.(?:ts|js|mjs)$/.test(name) ? [path] : [];
  });
}

describe('comment citations', () => {
  it('cite public sources, never the notes kept outside this repository', () => {
    const found = FOLDERS.flatMap((folder) =>
      sourceFiles(join(ROOT, folder)).flatMap((path) =>
        readFileSync(path, 'utf8')
          .split('\n')
          .flatMap((line, index) =>
            NOTE_CITATION.test(line) ? [`${relative(ROOT, path)}:${index + 1}: ${line.trim()}`] : [],
          ),
      ),
    );
    assert.deepEqual(found, []);
  });
});
