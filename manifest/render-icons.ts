/**
 * Renders the two Teams app icons from their SVG sources in `manifest/icons/` with resvg (@resvg/resvg-js) and writes
 * them next to manifest.json: `color.png` (192x192, opaque) and `outline.png` (32x32, white on transparent).
 * Edit the SVG, run `npm run icons` and commit both; the package build only copies the PNGs.
 * Teams requires these exact sizes, and the outline icon to be white with a transparent background
 * (https://learn.microsoft.com/microsoftteams/platform/concepts/build-and-test/apps-package#app-icons).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Resvg } from '@resvg/resvg-js';

/** One icon the manifest names: its SVG source (in manifest/icons/), its PNG (in manifest/) and its size in pixels. */
export interface IconSpec {
  readonly source: string;
  readonly file: string;
  readonly size: number;
}

/** The manifest's `icons.color` and `icons.outline`. */
export const ICONS: readonly IconSpec[] = [
  { source: 'color.svg', file: 'color.png', size: 192 },
  { source: 'outline.svg', file: 'outline.png', size: 32 },
];

/** Renders an icon's SVG source to a PNG of exactly `size` x `size` pixels (8-bit RGBA). */
export function renderIcon(icon: IconSpec, manifestDir: string = __dirname): Buffer {
  const svg = readFileSync(join(manifestDir, 'icons', icon.source), 'utf8');
  const rendered = new Resvg(svg, { fitTo: { mode: 'width', value: icon.size } }).render();
  if (rendered.width !== icon.size || rendered.height !== icon.size) {
    throw new Error(
      `${icon.source} renders as ${rendered.width}x${rendered.height}; Teams needs ${icon.size}x${icon.size} (a square viewBox)`,
    );
  }
  return rendered.asPng();
}

if (require.main === module) {
  for (const icon of ICONS) {
    writeFileSync(join(__dirname, icon.file), renderIcon(icon));
    process.stdout.write(
      `manifest/${icon.file} (${icon.size}x${icon.size}) from manifest/icons/${icon.source}\n`,
    );
  }
}
