import type { JWTPayload, JWTVerifyGetKey } from 'jose';
import { createRemoteJWKSet, jwtVerify } from 'jose';
import type { Clock } from '../../src/platform/clock';
import type { TabSsoSettings } from '../../src/config/settings';
import { describeError } from '../../src/platform/describe-error';

/** Who a valid Teams SSO token names. */
export interface SignedInUser {
  /** Entra object id (`oid`). */
  readonly objectId: string;
  readonly tenantId: string;
  readonly name?: string;
  /** `preferred_username` (v2.0), else `upn` or `unique_name` (v1.0): usually the sign-in name or email. */
  readonly userName?: string;
  readonly email?: string;
}

/** The outcome of a token check: a user, a token to refuse (401), or keys that could not be read (503). */
export type TokenCheck =
  | { readonly status: 'valid'; readonly user: SignedInUser }
  | { readonly status: 'invalid'; readonly reason: string }
  | { readonly status: 'unavailable'; readonly reason: string };

/** The delegated scope Teams tab SSO asks for (learn.microsoft.com/microsoftteams/platform/tabs/how-to/authentication/tab-sso-register-aad). */
const TAB_SSO_SCOPE = 'access_as_user';

const CLOCK_TOLERANCE_IN_SECONDS = 60;
// A network error (no code), a timeout, a non-200 answer (generic) or a broken key set: the keys, not the token, failed.
const KEYS_UNAVAILABLE = new Set(['', 'ERR_JWKS_TIMEOUT', 'ERR_JWKS_INVALID', 'ERR_JOSE_GENERIC']);
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Checks a Teams SSO token (`microsoftTeams.authentication.getAuthToken()`) with jose: RS256 signature against the
 * tenant's published keys (JWKS, cached and refetched for an unknown key id), issuer, audience (the Application ID
 * URI or the client id: v1.0 and v2.0 tokens differ, learn.microsoft.com/entra/identity-platform/access-tokens),
 * expiry and not-before (60 s of clock skew), the tenant (`tid`) and the `access_as_user` scope
 * (learn.microsoft.com/microsoftteams/platform/tabs/how-to/authentication/tab-sso-code#validate-the-access-token).
 * Tokens are never logged.
 */
export class TeamsSsoVerifier {
  private readonly keys: JWTVerifyGetKey;

  constructor(
    private readonly settings: TabSsoSettings,
    private readonly clock: Clock,
    keys?: JWTVerifyGetKey,
  ) {
    this.keys = keys ?? createRemoteJWKSet(new URL(settings.jwksUrl), { timeoutDuration: 5_000 });
  }

  async verify(token: string): Promise<TokenCheck> {
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, this.keys, {
        algorithms: ['RS256'],
        issuer: [...this.settings.issuers],
        audience: [...this.settings.audiences],
        clockTolerance: CLOCK_TOLERANCE_IN_SECONDS,
        currentDate: new Date(this.clock.now()),
        requiredClaims: ['exp', 'iat', 'oid', 'tid'],
      }));
    } catch (error) {
      const code = (error as { code?: string }).code ?? '';
      if (KEYS_UNAVAILABLE.has(code))
        return {
          status: 'unavailable',
          reason: `the signing keys could not be read (${code || describeError(error)})`,
        };
      return { status: 'invalid', reason: describeJoseError(code, error as Error) };
    }
    const tenantId = text(payload.tid);
    if (tenantId?.toLowerCase() !== this.settings.tenantId.toLowerCase())
      return { status: 'invalid', reason: 'the token is from another tenant' };
    const scopes = (text(payload.scp) ?? '').split(' ');
    if (!scopes.includes(TAB_SSO_SCOPE))
      return { status: 'invalid', reason: `the token lacks the ${TAB_SSO_SCOPE} scope` };
    const objectId = text(payload.oid);
    if (objectId === undefined || !GUID.test(objectId))
      return { status: 'invalid', reason: 'the token has no user object id' };
    return {
      status: 'valid',
      user: {
        objectId: objectId.toLowerCase(),
        tenantId,
        name: text(payload.name),
        userName: text(payload.preferred_username) ?? text(payload.upn) ?? text(payload.unique_name),
        email: text(payload.email),
      },
    };
  }
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

function describeJoseError(code: string, error: Error): string {
  switch (code) {
    case 'ERR_JWT_EXPIRED':
      return 'the token has expired';
    case 'ERR_JWT_CLAIM_VALIDATION_FAILED':
      return `the token's ${(error as { claim?: string }).claim ?? 'claims'} claim is not accepted`;
    case 'ERR_JWKS_NO_MATCHING_KEY':
      return 'the token is not signed by a published key';
    case 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED':
      return 'the token signature is invalid';
    case 'ERR_JOSE_ALG_NOT_ALLOWED':
      return 'the token algorithm is not accepted';
    default:
      return 'the token is malformed';
  }
}
