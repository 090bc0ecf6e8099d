import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { CryptoKey, JWK, JWTPayload } from 'jose';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';

/**
 * A local stand-in for Entra ID's token signing in tests: an RS256 key pair whose public half is served as a JWKS
 * on 127.0.0.1 (what `TAB_SSO_JWKS_URL` points at), and tokens shaped like Teams SSO tokens signed with it. A second
 * key that is never published signs forged tokens.
 */
export class LocalTokenIssuer {
  private server?: http.Server;
  private signingKey?: CryptoKey;
  private strangerKey?: CryptoKey;
  private jwk?: JWK;
  /** JWKS requests answered (the verifier caches keys). */
  requests = 0;
  /** When set, the JWKS endpoint answers this status instead of the keys. */
  failWith?: number;
  jwksUrl = '';

  constructor(private readonly kid = 'local-test-key') {}

  async start(): Promise<string> {
    const { publicKey, privateKey } = await generateKeyPair('RS256', { extractable: true });
    this.signingKey = privateKey;
    this.strangerKey = (await generateKeyPair('RS256')).privateKey;
    this.jwk = { ...(await exportJWK(publicKey)), kid: this.kid, use: 'sig', alg: 'RS256' };
    this.server = http.createServer((req, res) => {
      this.requests += 1;
      if (this.failWith !== undefined) {
        // Not chained: restify patches http.ServerResponse, and its writeHead returns nothing.
        res.writeHead(this.failWith);
        res.end();
        return;
      }
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ keys: [this.jwk] }));
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', () => resolve()));
    this.jwksUrl = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/discovery/v2.0/keys`;
    return this.jwksUrl;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  /**
   * A signed token: `claims` on top of the defaults; `issuedAt` in epoch seconds (default: `now`), valid one hour
   * unless `exp` is given; `forged` signs with the unpublished key.
   */
  async sign(
    claims: JWTPayload,
    options: { readonly now: number; readonly forged?: boolean },
  ): Promise<string> {
    const iat = Math.floor(options.now / 1000);
    return new SignJWT({ iat, nbf: iat, exp: iat + 3600, ver: '2.0', scp: 'access_as_user', ...claims })
      .setProtectedHeader({ alg: 'RS256', kid: this.kid, typ: 'JWT' })
      .sign(options.forged ? this.strangerKey! : this.signingKey!);
  }
}
