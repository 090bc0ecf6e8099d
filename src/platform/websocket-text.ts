import type { RawData } from 'ws';

/**
 * The UTF-8 text of one WebSocket message as `ws` hands it over: a Buffer by default, an ArrayBuffer or the list of a
 * fragmented message's Buffers under the other `binaryType`s (github.com/websockets/ws, doc/ws.md, "Event: 'message'").
 */
export function textOfMessage(data: RawData): string {
  if (Buffer.isBuffer(data)) return data.toString('utf8');
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  return Buffer.from(data).toString('utf8');
}
