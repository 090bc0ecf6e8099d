import { randomBytes } from 'node:crypto';
import { errorBody, type WireObject } from './wire-format';

/** An access token the simulator issued. */
export interface IssuedToken {
  readonly accessToken: string;
  readonly clientId: string;
  readonly issuedAt: number;
  readonly expiresAt: number;
}

/** Outcome of a token request: the OAuth JSON to send back with its status. */
export interface TokenReply {
  readonly status: number;
  readonly body: WireObject;
  readonly token?: IssuedToken;
}

/** What the issuer needs: one OAuth client (client-credentials grant) and a clock for expiry. */
export interface TokenIssuerOptions {
  readonly clientId: string;
  readonly clientSecret: string;
  readonly expiresInSeconds: number;
  /** Simulator time (epoch ms): tokens expire in simulator time so tests can advance past expiry. */
  readonly now: () => number;
}

function oauthError(status: number, error: string, description: string): WireObject {
  // UNCONFIRMED: the login service's exact error JSON; we send the OAuth 2 fields plus the Genesys ErrorBody fields.
  return {
    error,
    description,
    error_description: description,
    ...errorBody(status, error === 'invalid_client' ? 'bad.credentials' : 'bad.request', description),
  };
}

/**
 * Issues and checks bearer tokens for the client-credentials grant (MyPureCloud/platform-client-sdk-javascript
 * build/src/purecloud-platform-client-v2/ApiClient.js, `loginClientCredentialsGrant`).
 */
export class TokenIssuer {
  private readonly tokens = new Map<string, IssuedToken>();
  private expiresInSeconds: number;

  constructor(private readonly options: TokenIssuerOptions) {
    this.expiresInSeconds = options.expiresInSeconds;
  }

  /**
   * Lifetime of tokens issued from now on, in simulator seconds (an OAuth client's token duration is configurable in
   * Genesys; short ones let a test live through a token renewal and its channel rollover).
   */
  setLifetime(expiresInSeconds: number): void {
    if (!Number.isFinite(expiresInSeconds) || expiresInSeconds <= 0)
      throw new RangeError('expiresInSeconds must be a positive number');
    this.expiresInSeconds = expiresInSeconds;
  }

  /** Lifetime of tokens issued from now on, in simulator seconds. */
  lifetimeInSeconds(): number {
    return this.expiresInSeconds;
  }

  /** Answers `POST /oauth/token` given its Authorization header and form body. */
  issue(authorization: string | undefined, formBody: string): TokenReply {
    const match = /^Basic\s+(.+)$/i.exec(authorization ?? '');
    const decoded = match ? Buffer.from(match[1], 'base64').toString('utf8') : '';
    const separator = decoded.indexOf(':');
    const clientId = separator >= 0 ? decoded.slice(0, separator) : '';
    const secret = separator >= 0 ? decoded.slice(separator + 1) : '';
    if (clientId !== this.options.clientId || secret !== this.options.clientSecret) {
      return {
        status: 401,
        body: oauthError(401, 'invalid_client', 'client not found or bad client secret'),
      };
    }
    const form = new URLSearchParams(formBody);
    if (form.get('grant_type') !== 'client_credentials') {
      return {
        status: 400,
        body: oauthError(
          400,
          'unsupported_grant_type',
          'only grant_type=client_credentials is supported here',
        ),
      };
    }
    const now = this.options.now();
    const token: IssuedToken = {
      accessToken: randomBytes(32).toString('base64url'),
      clientId,
      issuedAt: now,
      expiresAt: now + this.expiresInSeconds * 1000,
    };
    this.tokens.set(token.accessToken, token);
    // token_type "bearer" is standard OAuth, UNCONFIRMED in Genesys sources (RFC 6749 §5.1).
    return {
      status: 200,
      body: {
        access_token: token.accessToken,
        token_type: 'bearer',
        expires_in: this.expiresInSeconds,
      },
      token,
    };
  }

  /** The live token named by an `Authorization: Bearer` header, or undefined when missing, unknown or expired. */
  verify(authorization: string | undefined): IssuedToken | undefined {
    const match = /^Bearer\s+(\S+)$/i.exec(authorization ?? '');
    const token = match ? this.tokens.get(match[1]) : undefined;
    if (!token) return undefined;
    if (token.expiresAt <= this.options.now()) {
      this.tokens.delete(token.accessToken);
      return undefined;
    }
    return token;
  }

  /** Fault injection: every issued token becomes invalid at once; returns the revoked access tokens. */
  expireAll(): Set<string> {
    const revoked = new Set(this.tokens.keys());
    this.tokens.clear();
    return revoked;
  }
}
