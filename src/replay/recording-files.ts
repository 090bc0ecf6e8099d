import { createReadStream } from 'node:fs';
import { StringDecoder } from 'node:string_decoder';
import type { ReplayLine } from './recording-replay';

/** Called with the number of bytes just read, for a progress bar. */
export type BytesRead = (bytes: number) => void;

const CHUNK_BYTES = 1 << 20;
const RECEIVED_AT_PREFIX = /^\s*\{\s*"receivedAt"\s*:\s*"([^"]*)"/;

/** The lines of one NDJSON file with their 1-based numbers (`\r\n` tolerated; no line after a final newline). */
async function* readLines(path: string, onBytes?: BytesRead, file?: string): AsyncGenerator<ReplayLine> {
  const decoder = new StringDecoder('utf8');
  let rest = '';
  let line = 0;
  for await (const chunk of createReadStream(path, { highWaterMark: CHUNK_BYTES })) {
    const buffer = chunk as Buffer;
    onBytes?.(buffer.length);
    const text = rest + decoder.write(buffer);
    let start = 0;
    for (let end = text.indexOf('\n', start); end !== -1; end = text.indexOf('\n', start)) {
      line += 1;
      yield { text: stripCarriageReturn(text.slice(start, end)), line, file };
      start = end + 1;
    }
    rest = text.slice(start);
  }
  rest += decoder.end();
  if (rest !== '') yield { text: stripCarriageReturn(rest), line: line + 1, file };
}

/**
 * The lines of one or more recordings in replay order. One file: its lines in order. Several files (e.g. one per
 * replica, or one per day): merged by `receivedAt`, each file's own order kept; a line whose `receivedAt` cannot be
 * read comes out at once (it is a bad line). Bad-line reasons then name the file.
 */
export async function* readRecordings(
  paths: readonly string[],
  onBytes?: BytesRead,
): AsyncGenerator<ReplayLine> {
  if (paths.length === 1) {
    yield* readLines(paths[0], onBytes);
    return;
  }
  const heads: { iterator: AsyncGenerator<ReplayLine>; line: ReplayLine; at: number }[] = [];
  const advance = async (iterator: AsyncGenerator<ReplayLine>): Promise<void> => {
    for (;;) {
      const next = await iterator.next();
      if (next.done === true) return;
      const at = receivedAtOf(next.value.text);
      if (at === undefined) {
        pendingBad.push(next.value);
        continue;
      }
      heads.push({ iterator, line: next.value, at });
      return;
    }
  };
  const pendingBad: ReplayLine[] = [];
  for (const path of paths) await advance(readLines(path, onBytes, path));
  for (;;) {
    while (pendingBad.length > 0) yield pendingBad.shift()!;
    if (heads.length === 0) return;
    let best = 0;
    for (let i = 1; i < heads.length; i++) if (heads[i].at < heads[best].at) best = i;
    const [head] = heads.splice(best, 1);
    yield head.line;
    await advance(head.iterator);
  }
}

/** The line's receivedAt (epoch ms) if it can be read, from the prefix the recorder writes or by parsing the line. */
function receivedAtOf(text: string): number | undefined {
  const match = RECEIVED_AT_PREFIX.exec(text);
  let value: unknown = match?.[1];
  if (value === undefined) {
    try {
      value = (JSON.parse(text) as { receivedAt?: unknown } | null)?.receivedAt;
    } catch {
      return undefined;
    }
  }
  const at = typeof value === 'string' ? Date.parse(value) : NaN;
  return Number.isNaN(at) ? undefined : at;
}

function stripCarriageReturn(text: string): string {
  return text.endsWith('\r') ? text.slice(0, -1) : text;
}
