import type { Logger } from '../../src/platform/logger';
import type { TeamsSsoVerifier } from './teams-sso-verifier';
import type { Viewer } from './viewer-access';

/** A person of the local simulator that the local pages let the user be. */
export interface LocalPerson {
  /** `agent:<agent id>` or `supervisor:<id>`. */
  readonly id: string;
  readonly name: string;
  readonly email?: string;
  readonly role: 'agent' | 'supervisor';
  /** Where they work, e.g. "Customer Care · Tier 1". */
  readonly detail?: string;
  readonly agentId?: string;
}

/** What a request needs to be authenticated: its headers and the peer address. */
export interface RequestIdentity {
  readonly authorization?: string;
  /** Local mode: the `X-Local-Viewer` header (a {@link LocalPerson} id). */
  readonly localViewer?: string;
  readonly remoteAddress?: string;
}

/** The viewer, or why not (401 no or bad token, 403 not on loopback in local mode, 503 keys unavailable). */
export type Authentication =
  | { readonly status: 'ok'; readonly viewer?: Viewer }
  | {
      readonly status: 'refused';
      readonly httpStatus: 401 | 403 | 503;
      readonly code: string;
      readonly message: string;
    };

/** Authenticates tab and report API requests. */
export interface TabAuthenticator {
  /** `teams`: Teams SSO tokens (BOT_ID set); `local`: loopback only, the user picks a persona. */
  readonly mode: 'teams' | 'local';
  /** `viewer` is undefined only in local mode when no persona was chosen (the report API then sees every unit). */
  authenticate(request: RequestIdentity): Promise<Authentication>;
}

/** Production: a Teams SSO bearer token checked by {@link TeamsSsoVerifier}. */
export class SsoAuthenticator implements TabAuthenticator {
  readonly mode = 'teams';

  constructor(
    private readonly verifier: Pick<TeamsSsoVerifier, 'verify'>,
    private readonly logger: Logger,
  ) {}

  async authenticate(request: RequestIdentity): Promise<Authentication> {
    const match = /^Bearer\s+([A-Za-z0-9_.-]+)\s*$/i.exec(request.authorization ?? '');
    if (!match)
      return {
        status: 'refused',
        httpStatus: 401,
        code: 'unauthenticated',
        message:
          'Sign in through Microsoft Teams: send the Teams SSO token as "Authorization: Bearer <token>".',
      };
    const check = await this.verifier.verify(match[1]);
    if (check.status === 'unavailable') {
      this.logger.warn({ reason: check.reason }, 'tab sign-in unavailable');
      return {
        status: 'refused',
        httpStatus: 503,
        code: 'signInUnavailable',
        message: 'Sign-in could not be checked right now; try again in a minute.',
      };
    }
    if (check.status === 'invalid') {
      this.logger.info({ reason: check.reason }, 'tab token refused');
      return {
        status: 'refused',
        httpStatus: 401,
        code: 'invalidToken',
        message: `The sign-in token was refused: ${check.reason}.`,
      };
    }
    const { user } = check;
    return {
      status: 'ok',
      viewer: { id: user.objectId, name: user.name, userName: user.userName, email: user.email },
    };
  }
}

/**
 * Local mode (empty BOT_ID): answers only loopback peers, without sign-in, and lets the page choose who the user is
 * from the simulator's people (`X-Local-Viewer`).
 */
export class LocalAuthenticator implements TabAuthenticator {
  readonly mode = 'local';

  constructor(private readonly people: () => readonly LocalPerson[]) {}

  authenticate(request: RequestIdentity): Promise<Authentication> {
    return Promise.resolve(this.authenticateLocally(request));
  }

  private authenticateLocally(request: RequestIdentity): Authentication {
    if (!isLoopback(request.remoteAddress))
      return {
        status: 'refused',
        httpStatus: 403,
        code: 'loopbackOnly',
        message: 'Without BOT_ID the tabs and the report API answer only on this machine (loopback).',
      };
    if (request.localViewer === undefined || request.localViewer === '') return { status: 'ok' };
    const person = this.people().find((candidate) => candidate.id === request.localViewer);
    if (!person)
      return {
        status: 'refused',
        httpStatus: 401,
        code: 'unknownPerson',
        message: `No one called "${request.localViewer.slice(0, 80)}" in the local simulator; choose someone from the list.`,
      };
    return {
      status: 'ok',
      viewer: {
        id: `local:${person.id}`,
        name: person.name,
        email: person.email,
        local: { role: person.role, ...(person.agentId === undefined ? {} : { agentId: person.agentId }) },
      },
    };
  }
}

/** Whether a peer address is this machine (IPv4 127/8, IPv6 ::1, or IPv4-mapped loopback). */
export function isLoopback(address: string | undefined): boolean {
  if (address === undefined) return false;
  const bare = address.replace(/^::ffff:/i, '');
  return bare === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(bare);
}
