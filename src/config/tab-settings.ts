import type { BotSettings } from './bot-settings';
import { commaList, GUID, httpsUrl } from './setting-parsers';
import { defineSetting, Problem, problem, type EnvReader } from './setting-spec';

/** How the tabs and the report API check a Teams SSO token (production: BOT_ID is set). */
export interface TabSsoSettings {
  /** Accepted `aud` values: the Application ID URI (webApplicationInfo.resource) and the app (client) id. */
  readonly audiences: readonly string[];
  /** The Application ID URI, when known (TAB_SSO_RESOURCE or derived from TAB_DOMAIN and BOT_ID). */
  readonly resource?: string;
  /** Where the signing keys are published (JWKS). */
  readonly jwksUrl: string;
  /** Accepted `iss` values. */
  readonly issuers: readonly string[];
  /** The tenant whose users may sign in (`tid` must match). */
  readonly tenantId: string;
}

/** The Teams tabs (supervisor board, my drift window) and the report API. */
export interface TabSettings {
  /** Public host name that serves the tabs (no scheme), e.g. `drift.contoso.com`. */
  readonly domain?: string;
  /** The app's manifest id, for deep links from cards to the static tabs. */
  readonly teamsAppId?: string;
  /** Set when BOT_ID is set; absent in local mode (pages on loopback, no sign-in). */
  readonly sso?: TabSsoSettings;
}

// Entra ID publishes signing keys and issues v2.0 tokens at login.microsoftonline.com/<tenant>, v1.0 tokens with the
// issuer sts.windows.net/<tenant>/ (learn.microsoft.com/entra/identity-platform/access-tokens#validate-tokens).
const ENTRA_LOGIN = 'https://login.microsoftonline.com';
const jwksUrlOf = (tenantId: string) => `${ENTRA_LOGIN}/${tenantId}/discovery/v2.0/keys`;
const issuersOf = (tenantId: string) => [
  `${ENTRA_LOGIN}/${tenantId}/v2.0`,
  `https://sts.windows.net/${tenantId}/`,
];
const resourceOf = (domain: string, appId: string) => `api://${domain}/${appId}`;

export const TAB_DOMAIN = defineSetting({
  name: 'TAB_DOMAIN',
  meaning:
    'Public host name (no scheme) that serves the Teams tabs, e.g. drift.contoso.com: tab URLs, validDomains and the SSO resource.',
  parse: (text) => {
    const host = text.toLowerCase();
    if (/^[a-z][a-z0-9+.-]*:\/\//.test(host))
      return problem(
        `"${text}" must be the host name only, e.g. ${host.replace(/^[a-z][a-z0-9+.-]*:\/\//, '').replace(/[/:].*$/, '')}`,
      );
    return /^(?=.{1,253}$)[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*$/.test(
      host,
    )
      ? host
      : problem(`"${text}" is not a host name (e.g. drift.contoso.com)`);
  },
});

export const TAB_SSO_RESOURCE = defineSetting({
  name: 'TAB_SSO_RESOURCE',
  derivedDefault: resourceOf('<TAB_DOMAIN>', '<BOT_ID>'),
  meaning:
    "Application ID URI that tab SSO tokens are issued for (the manifest's webApplicationInfo.resource); tokens must name it or BOT_ID as audience.",
  parse: (text) =>
    /^(api|https):\/\/\S+$/.test(text)
      ? text
      : problem(`"${text}" is not an Application ID URI (api://<host>/<client id> or an https URI)`),
});

export const TAB_SSO_JWKS_URL = defineSetting({
  name: 'TAB_SSO_JWKS_URL',
  derivedDefault: jwksUrlOf('<BOT_TENANT_ID>'),
  meaning: "Where the tenant's published token signing keys are read (JWKS).",
  parse: httpsUrl({ allowLoopbackHttp: true }),
});

export const TAB_SSO_ISSUERS = defineSetting({
  name: 'TAB_SSO_ISSUERS',
  derivedDefault: issuersOf('<BOT_TENANT_ID>').join(','),
  meaning: 'Comma list of accepted token issuers (Entra ID v2.0 and v1.0 tokens).',
  parse: (text) => {
    const issuers = commaList(text);
    const bad = issuers.filter((issuer) => httpsUrl({ allowLoopbackHttp: true })(issuer) instanceof Problem);
    if (issuers.length === 0) return problem('must list at least one issuer');
    return bad.length === 0
      ? issuers
      : problem(
          `${bad.map((issuer) => `"${issuer}"`).join(', ')} must be https URLs (http only to localhost)`,
        );
  },
});

export const TEAMS_APP_ID = defineSetting({
  name: 'TEAMS_APP_ID',
  meaning:
    'The Teams app (manifest) id, for deep links from cards to the tabs; without it cards link to the page itself.',
  parse: (text) =>
    GUID.test(text) ? text.toLowerCase() : problem(`"${text}" is not a GUID (the manifest id)`),
});

/** Reads where the tabs are served and, when BOT_ID is set, how their users' SSO tokens are checked. */
export function readTabSettings(reader: EnvReader, bot: BotSettings): TabSettings {
  const domain = reader.readOptional(TAB_DOMAIN);
  const teamsAppId = reader.readOptional(TEAMS_APP_ID);
  const resourceText = reader.readOptional(TAB_SSO_RESOURCE);
  const jwksText = reader.readOptional(TAB_SSO_JWKS_URL);
  const issuersText = reader.readOptional(TAB_SSO_ISSUERS);
  const base = {
    ...(domain === undefined ? {} : { domain }),
    ...(teamsAppId === undefined ? {} : { teamsAppId }),
  };
  if (bot.appId === undefined) {
    const ignored = [TAB_SSO_RESOURCE, TAB_SSO_JWKS_URL, TAB_SSO_ISSUERS]
      .filter((spec) => reader.isSet(spec))
      .map((spec) => spec.name);
    if (ignored.length > 0)
      reader.warnings.push(
        `${ignored.join(', ')} ignored without BOT_ID: local mode serves the tabs on loopback without sign-in`,
      );
    return base;
  }
  const tenantId = bot.tenantId ?? '';
  const resource = resourceText ?? (domain === undefined ? undefined : resourceOf(domain, bot.appId));
  if (resource === undefined)
    reader.warnings.push(
      'TAB_DOMAIN is not set: the Teams tabs cannot be listed in the manifest, and the report API accepts only tokens whose audience is BOT_ID',
    );
  return {
    ...base,
    sso: {
      audiences: resource === undefined ? [bot.appId] : [resource, bot.appId],
      ...(resource === undefined ? {} : { resource }),
      jwksUrl: jwksText ?? jwksUrlOf(tenantId),
      issuers: issuersText ?? issuersOf(tenantId),
      tenantId,
    },
  };
}
