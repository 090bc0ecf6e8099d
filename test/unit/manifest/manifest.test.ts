import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PNG } from 'pngjs';
import { ICONS, renderIcon } from '../../../manifest/render-icons';
import type { TeamsManifest } from '../../../scripts/build-app-package';

const manifestDir = join(__dirname, '..', '..', '..', 'manifest');

interface Png {
  readonly width: number;
  readonly height: number;
  readonly colourType: number;
  /** RGBA bytes, row after row. */
  readonly pixels: Buffer;
}

/** Decodes a PNG with pngjs; `colourType` is the one the file's IHDR declares (6 = 8-bit RGBA). */
function decodePng(data: Buffer, name: string): Png {
  assert.deepEqual(
    data.subarray(0, 8),
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    `${name} is a PNG`,
  );
  assert.equal(data.toString('ascii', 12, 16), 'IHDR');
  const png = PNG.sync.read(data);
  return { width: png.width, height: png.height, colourType: data[25], pixels: png.data };
}

function readPng(file: string): Png {
  return decodePng(readFileSync(join(manifestDir, file)), file);
}

function pixelsOf(png: Png): { r: number; g: number; b: number; a: number }[] {
  const result = [];
  for (let i = 0; i < png.pixels.length; i += 4)
    result.push({ r: png.pixels[i], g: png.pixels[i + 1], b: png.pixels[i + 2], a: png.pixels[i + 3] });
  return result;
}

/** The manifest source: a Teams manifest whose ids and domains are still `${{...}}` placeholders. */
function readManifestSource(): TeamsManifest {
  return JSON.parse(readFileSync(join(manifestDir, 'manifest.json'), 'utf8')) as TeamsManifest;
}

describe('Teams manifest source', () => {
  const manifest = readManifestSource();

  it('pins schema and manifest version 1.24', () => {
    assert.equal(
      manifest.$schema,
      'https://developer.microsoft.com/json-schemas/teams/v1.24/MicrosoftTeams.schema.json',
    );
    assert.equal(manifest.manifestVersion, '1.24');
  });

  it('declares one bot for personal and team scopes with the agreed command lists', () => {
    assert.equal(manifest.bots!.length, 1);
    assert.deepEqual(manifest.bots![0].scopes, ['personal', 'team']);
    const commands = Object.fromEntries(
      manifest.bots![0].commandLists!.map((list) => [list.scopes.join(), list.commands.map((c) => c.title)]),
    );
    assert.deepEqual(commands, {
      personal: ['my adherence', 'help'],
      team: ['watch all', 'watch', 'unwatch', 'status', 'report', 'report agents', 'digest', 'help'],
    });
  });

  it('names the bot as the web application for Graph-based installation', () => {
    assert.equal(manifest.webApplicationInfo!.id, '${{BOT_ID}}');
    assert.equal(manifest.bots![0].botId, '${{BOT_ID}}');
    assert.equal(manifest.id, '${{TEAMS_APP_ID}}');
  });
});

describe('Teams manifest tabs', () => {
  const manifest = readManifestSource();

  it('lists the bot chat, My drift window and the Drift board as personal tabs served on TAB_DOMAIN', () => {
    assert.deepEqual(
      manifest.staticTabs!.map((tab) => [tab.entityId, tab.contentUrl, tab.scopes]),
      [
        ['conversations', undefined, ['personal']],
        ['my-drift-window', 'https://${{TAB_DOMAIN}}/tabs/me', ['personal']],
        ['drift-board', 'https://${{TAB_DOMAIN}}/tabs/board', ['personal']],
      ],
    );
  });

  it('offers the Drift board as a channel tab, and names the SSO resource of the tabs', () => {
    assert.deepEqual(manifest.configurableTabs, [
      {
        configurationUrl: 'https://${{TAB_DOMAIN}}/tabs/config',
        canUpdateConfiguration: false,
        scopes: ['team'],
        context: ['channelTab'],
      },
    ]);
    assert.deepEqual(manifest.validDomains, ['${{TAB_DOMAIN}}']);
    assert.equal(manifest.webApplicationInfo!.resource, 'api://${{TAB_DOMAIN}}/${{BOT_ID}}');
  });
});

describe('Teams app icons', () => {
  it('has a 192x192 colour icon with an opaque background', () => {
    const png = readPng('color.png');
    assert.deepEqual([png.width, png.height], [192, 192]);
    assert.ok(
      pixelsOf(png).every((p) => p.a === 255),
      'every pixel opaque',
    );
    assert.ok(new Set(pixelsOf(png).map((p) => `${p.r},${p.g},${p.b}`)).size > 2, 'more than one colour');
  });

  it('has a 32x32 outline icon that is white on a transparent background', () => {
    const png = readPng('outline.png');
    assert.deepEqual([png.width, png.height], [32, 32]);
    assert.equal(png.colourType, 6, 'RGBA');
    const pixels = pixelsOf(png);
    assert.equal(pixels[0].a, 0, 'corner transparent');
    assert.ok(
      pixels.some((p) => p.a === 255),
      'some pixels drawn',
    );
    assert.ok(
      pixels.filter((p) => p.a > 0).every((p) => p.r === 255 && p.g === 255 && p.b === 255),
      'every visible pixel white',
    );
  });

  for (const icon of ICONS) {
    it(`keeps ${icon.file} in step with its source manifest/icons/${icon.source} (npm run icons)`, () => {
      const committed = readPng(icon.file);
      const rendered = decodePng(renderIcon(icon, manifestDir), icon.source);
      assert.deepEqual([rendered.width, rendered.height], [committed.width, committed.height]);
      // Pixel by pixel, allowing a renderer update to move an anti-aliased edge by a few levels.
      let worst = 0;
      for (let i = 0; i < committed.pixels.length; i += 1)
        worst = Math.max(worst, Math.abs(committed.pixels[i] - rendered.pixels[i]));
      assert.ok(worst <= 8, `${icon.file} differs from its rendered source by up to ${worst} levels`);
    });
  }
});
