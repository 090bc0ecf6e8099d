/**
 * Draws the two Teams app icons with Node alone and writes them next to this file:
 * `color.png` (192x192, opaque, accent background) and `outline.png` (32x32, white on transparent).
 * Run once by hand (`npx tsx manifest/generate-icons.ts`) and commit the PNGs; the package build only copies them.
 * Teams requires these exact sizes, and the outline icon to be white with a transparent background
 * (learn.microsoft.com/microsoftteams/platform/concepts/build-and-test/apps-package#app-icons).
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { crc32, deflateSync } from 'node:zlib';

type Rgba = readonly [number, number, number, number];

/** Coverage of one shape at a point in a 0..1 unit square: true when the point is inside. */
type Shape = (x: number, y: number) => boolean;

const ACCENT: Rgba = [0x1f, 0x5f, 0x99, 255];
const WHITE: Rgba = [255, 255, 255, 255];
const AMBER: Rgba = [0xf5, 0xa6, 0x23, 255];
const SUPERSAMPLING = 4;

const ring =
  (radius: number, width: number): Shape =>
  (x, y) => {
    const distance = Math.hypot(x - 0.5, y - 0.5);
    return distance <= radius && distance >= radius - width;
  };

const disc =
  (cx: number, cy: number, radius: number): Shape =>
  (x, y) =>
    Math.hypot(x - cx, y - cy) <= radius;

/** A thick segment from the centre to (tx, ty) with rounded ends. */
const hand =
  (tx: number, ty: number, width: number): Shape =>
  (x, y) => {
    const dx = tx - 0.5;
    const dy = ty - 0.5;
    const t = Math.max(0, Math.min(1, ((x - 0.5) * dx + (y - 0.5) * dy) / (dx * dx + dy * dy)));
    return Math.hypot(x - (0.5 + t * dx), y - (0.5 + t * dy)) <= width / 2;
  };

/** Paints layers in order with supersampled anti-aliasing; returns RGBA rows. */
function render(size: number, background: Rgba, layers: readonly (readonly [Shape, Rgba])[]): Buffer {
  const pixels = Buffer.alloc(size * size * 4);
  for (let py = 0; py < size; py += 1) {
    for (let px = 0; px < size; px += 1) {
      const sum = [0, 0, 0, 0];
      for (let sy = 0; sy < SUPERSAMPLING; sy += 1) {
        for (let sx = 0; sx < SUPERSAMPLING; sx += 1) {
          const x = (px + (sx + 0.5) / SUPERSAMPLING) / size;
          const y = (py + (sy + 0.5) / SUPERSAMPLING) / size;
          let colour = background;
          for (const [shape, fill] of layers) if (shape(x, y)) colour = fill;
          // Premultiply so transparent samples do not darken the edges of the outline icon.
          sum[0] += (colour[0] * colour[3]) / 255;
          sum[1] += (colour[1] * colour[3]) / 255;
          sum[2] += (colour[2] * colour[3]) / 255;
          sum[3] += colour[3];
        }
      }
      const samples = SUPERSAMPLING * SUPERSAMPLING;
      const alpha = sum[3] / samples;
      const offset = (py * size + px) * 4;
      pixels[offset] = alpha === 0 ? 0 : Math.round(((sum[0] / samples) * 255) / alpha);
      pixels[offset + 1] = alpha === 0 ? 0 : Math.round(((sum[1] / samples) * 255) / alpha);
      pixels[offset + 2] = alpha === 0 ? 0 : Math.round(((sum[2] / samples) * 255) / alpha);
      pixels[offset + 3] = Math.round(alpha);
    }
  }
  return pixels;
}

function chunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}

/** Encodes RGBA pixels as an 8-bit RGBA PNG (colour type 6), every row with filter 0. */
function encodePng(size: number, pixels: Buffer): Buffer {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(size, 0);
  header.writeUInt32BE(size, 4);
  header[8] = 8;
  header[9] = 6;
  const rows = Buffer.alloc(size * (size * 4 + 1));
  for (let y = 0; y < size; y += 1)
    pixels.copy(rows, y * (size * 4 + 1) + 1, y * size * 4, (y + 1) * size * 4);
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(rows, { level: 9 })),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

// A clock face whose minute hand has slipped past the hour mark, with an amber dot where the drift is caught.
const colour = render(192, ACCENT, [
  [ring(0.34, 0.06), WHITE],
  [hand(0.5, 0.26, 0.055), WHITE],
  [hand(0.66, 0.58, 0.055), WHITE],
  [disc(0.5, 0.5, 0.045), WHITE],
  [disc(0.76, 0.26, 0.085), AMBER],
]);
const transparent: Rgba = [0, 0, 0, 0];
const outline = render(32, transparent, [
  [ring(0.44, 0.09), WHITE],
  [hand(0.5, 0.2, 0.09), WHITE],
  [hand(0.72, 0.62, 0.09), WHITE],
]);

writeFileSync(join(__dirname, 'color.png'), encodePng(192, colour));
writeFileSync(join(__dirname, 'outline.png'), encodePng(32, outline));
