import type { HttpReply, HttpRequestContext } from './http-router';
import type { IssuedToken } from './token-issuer';
import * as wire from './wire-format';

/** A REST request of the simulator, after its token was checked. */
export type Ctx = HttpRequestContext<IssuedToken>;

export const ok = (body: unknown): HttpReply => ({ status: 200, body });
export const notFound = (what: string): HttpReply => ({
  status: 404,
  body: wire.errorBody(404, 'not.found', `${what} not found`),
});
export const badRequest = (message: string): HttpReply => ({
  status: 400,
  body: wire.errorBody(400, 'bad.request', message),
});

export function parseJson(ctx: Ctx): { value?: unknown; error?: HttpReply } {
  if (ctx.rawBody.trim() === '') return { value: undefined };
  try {
    return { value: JSON.parse(ctx.rawBody) };
  } catch {
    return { error: badRequest('The request body is not valid JSON') };
  }
}

export function isTrue(value: string | null): boolean {
  return value === 'true';
}
