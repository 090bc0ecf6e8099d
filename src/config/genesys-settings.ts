import { GENESYS_CLIENT_DEFAULTS } from '../genesys/genesys-client-options';
import { formatDuration } from '../platform/duration';
import { commaList, durationWhere, httpsUrl, text } from './setting-parsers';
import { defineSetting, problem, type EnvReader } from './setting-spec';

/** `local`: no Genesys setting at all, the product starts its own simulator. `cloud`: a real Genesys Cloud org. */
export type GenesysSettings = (
  | {
      readonly mode: 'local';
      readonly managementUnitIds: readonly string[];
      /** How often the directory is re-read (GENESYS_DIRECTORY_REFRESH), in ms; 0 = never. */
      readonly directoryRefreshMs: number;
    }
  | {
      readonly mode: 'cloud';
      /** How often the directory is re-read (GENESYS_DIRECTORY_REFRESH), in ms; 0 = never. */
      readonly directoryRefreshMs: number;
      /** The region host (e.g. `mypurecloud.ie`) when given. */
      readonly region?: string;
      readonly apiUrl: string;
      readonly loginUrl: string;
      readonly clientId: string;
      readonly clientSecret: string;
      /** Units to watch; empty = every unit the OAuth client can see. */
      readonly managementUnitIds: readonly string[];
    }
) & {
  /** GENESYS_RECORD_DIR: the folder every received adherence and schedule frame is recorded to; unset = off. */
  readonly recordDir?: string;
};

/** Genesys Cloud region hosts (MyPureCloud/platform-client-sdk-javascript, build/src/purecloud-platform-client-v2/PureCloudRegionHosts.js). */
const GENESYS_REGIONS: readonly string[] = Object.freeze([
  'mypurecloud.com',
  'mypurecloud.ie',
  'mypurecloud.com.au',
  'mypurecloud.jp',
  'mypurecloud.de',
  'usw2.pure.cloud',
  'cac1.pure.cloud',
  'apne2.pure.cloud',
  'euw2.pure.cloud',
  'aps1.pure.cloud',
  'use2.us-gov-pure.cloud',
  'sae1.pure.cloud',
  'mec1.pure.cloud',
  'apne3.pure.cloud',
  'euc2.pure.cloud',
  'mxc1.pure.cloud',
  'apse1.pure.cloud',
  'edee1.eusc-pure.cloud',
]);

/** Where the API, login and web app of a region live (MyPureCloud/platform-client-sdk-javascript,
 * build/src/purecloud-platform-client-v2/configuration.js: `https://api.<region>`, `https://login.<region>`). */
const apiUrlOf = (region: string) => `https://api.${region}`;
const loginUrlOf = (region: string) => `https://login.${region}`;
export const appsUrlOf = (region: string) => `https://apps.${region}/`;

export const GENESYS_REGION = defineSetting({
  name: 'GENESYS_REGION',
  meaning:
    'Genesys Cloud region host, e.g. mypurecloud.com, mypurecloud.ie, usw2.pure.cloud. No GENESYS_* setting at all = local simulator.',
  parse: text,
});

export const GENESYS_API_URL = defineSetting({
  name: 'GENESYS_API_URL',
  derivedDefault: apiUrlOf('<region>'),
  meaning: 'Explicit API base URL; wins over the region.',
  parse: httpsUrl({ allowLoopbackHttp: true }),
});

export const GENESYS_LOGIN_URL = defineSetting({
  name: 'GENESYS_LOGIN_URL',
  derivedDefault: loginUrlOf('<region>'),
  meaning: 'Explicit OAuth login base URL; wins over the region.',
  parse: httpsUrl({ allowLoopbackHttp: true }),
});

export const GENESYS_CLIENT_ID = defineSetting({
  name: 'GENESYS_CLIENT_ID',
  meaning: 'OAuth client-credentials client id (required with a region or URLs).',
  parse: text,
});

export const GENESYS_CLIENT_SECRET = defineSetting({
  name: 'GENESYS_CLIENT_SECRET',
  meaning: 'OAuth client secret (required with a region or URLs).',
  parse: text,
  isSecret: true,
});

export const GENESYS_MANAGEMENT_UNIT_IDS = defineSetting({
  name: 'GENESYS_MANAGEMENT_UNIT_IDS',
  default: '',
  meaning: 'Comma list of management unit ids to watch; empty = all the client can see.',
  parse: commaList,
});

export const GENESYS_DIRECTORY_REFRESH = defineSetting({
  name: 'GENESYS_DIRECTORY_REFRESH',
  default: formatDuration(GENESYS_CLIENT_DEFAULTS.directoryRefreshIntervalInMs),
  meaning:
    'How often units, agents and adherence settings are re-read (agents hired later; without `GENESYS_MANAGEMENT_UNIT_IDS` also units that appear or vanish); 0 turns it off.',
  parse: durationWhere((ms) =>
    ms === 0 || ms >= 60_000
      ? undefined
      : `${formatDuration(ms)} is too often (at least PT1M, or 0 to turn it off): each refresh reads every unit`,
  ),
});

export const GENESYS_RECORD_DIR = defineSetting({
  name: 'GENESYS_RECORD_DIR',
  meaning:
    'Folder that every adherence and schedule frame received (and every REST restore row) is appended to, one `frames-YYYY-MM-DD.ndjson` per UTC day, for `npm run replay`; unset = no recording. A folder that cannot be written is logged once and recording stops; the service goes on.',
  parse: (value) =>
    // eslint-disable-next-line no-control-regex
    /[\u0000-\u001f]/.test(value) ? problem('must be a folder path without control characters') : value,
});

/** The settings that connect to a real org; none of them set = the local simulator. */
const CONNECTION_SETTINGS = [
  GENESYS_REGION,
  GENESYS_API_URL,
  GENESYS_LOGIN_URL,
  GENESYS_CLIENT_ID,
  GENESYS_CLIENT_SECRET,
];

/** Reads the Genesys connection: the local simulator, or a cloud org with every setting it needs named. */
export function readGenesysSettings(reader: EnvReader): GenesysSettings {
  const managementUnitIds = reader.read(GENESYS_MANAGEMENT_UNIT_IDS);
  const directoryRefreshMs = reader.read(GENESYS_DIRECTORY_REFRESH);
  const recordDir = reader.readOptional(GENESYS_RECORD_DIR);
  const recording = recordDir === undefined ? {} : { recordDir };
  const regionText = reader.raw(GENESYS_REGION);
  const apiUrl = reader.readOptional(GENESYS_API_URL);
  const loginUrl = reader.readOptional(GENESYS_LOGIN_URL);
  const clientId = reader.readOptional(GENESYS_CLIENT_ID);
  const clientSecret = reader.readOptional(GENESYS_CLIENT_SECRET);
  const given = CONNECTION_SETTINGS.filter((spec) => reader.isSet(spec)).map((spec) => spec.name);
  if (given.length === 0) return { mode: 'local', managementUnitIds, directoryRefreshMs, ...recording };

  const region = regionText === undefined ? undefined : readRegion(reader, regionText);
  const because = `required because ${given.join(', ')} ${given.length === 1 ? 'is' : 'are'} set (leave every GENESYS_* connection setting empty to run against the local simulator)`;
  if (regionText === undefined && !reader.isSet(GENESYS_API_URL))
    reader.report(GENESYS_REGION, `${because}; or set GENESYS_API_URL and GENESYS_LOGIN_URL`);
  else if (regionText === undefined && !reader.isSet(GENESYS_LOGIN_URL))
    reader.report(GENESYS_LOGIN_URL, `${because}; or set GENESYS_REGION`);
  if (clientId === undefined) reader.report(GENESYS_CLIENT_ID, because);
  if (clientSecret === undefined) reader.report(GENESYS_CLIENT_SECRET, because);
  return {
    mode: 'cloud',
    ...(region === undefined ? {} : { region }),
    apiUrl: apiUrl ?? (region === undefined ? '' : apiUrlOf(region)),
    loginUrl: loginUrl ?? (region === undefined ? '' : loginUrlOf(region)),
    clientId: clientId ?? '',
    clientSecret: clientSecret ?? '',
    managementUnitIds,
    directoryRefreshMs,
    ...recording,
  };
}

// Genesys region host shapes: mypurecloud.<tld>[.<cc>] and <code>.[<realm>-]pure.cloud (the hosts of
// MyPureCloud/platform-client-sdk-javascript, build/src/purecloud-platform-client-v2/PureCloudRegionHosts.js).
const REGION_SHAPE = /^(?:mypurecloud\.[a-z]{2,3}(?:\.[a-z]{2})?|[a-z0-9]+\.(?:[a-z0-9-]+-)?pure\.cloud)$/;

function readRegion(reader: EnvReader, text: string): string | undefined {
  const region = text.toLowerCase();
  if (GENESYS_REGIONS.includes(region)) return region;
  const bare = region
    .replace(/^[a-z]+:\/\//, '')
    .replace(/^(?:api|login|apps|streaming)\./, '')
    .replace(/\/.*$/, '');
  if (bare !== region && GENESYS_REGIONS.includes(bare)) {
    reader.report(GENESYS_REGION, `"${text}" should be the bare region host: ${bare}`);
    return undefined;
  }
  if (REGION_SHAPE.test(region)) {
    reader.warnings.push(
      `GENESYS_REGION: "${text}" is not a region this build knows (${GENESYS_REGIONS.join(', ')}); using ${apiUrlOf(region)}`,
    );
    return region;
  }
  reader.report(
    GENESYS_REGION,
    `"${text}" is not a Genesys Cloud region (e.g. ${GENESYS_REGIONS.slice(0, 3).join(', ')}, usw2.pure.cloud)`,
  );
  return undefined;
}
