import type { TabSettings } from '../../src/config/settings';

/** The static tabs' entity ids, as in manifest/manifest.json. */
const TAB_ENTITY_IDS = { board: 'drift-board', myDriftWindow: 'my-drift-window' } as const;

/**
 * Where the weekly digest card's button leads: the supervisor board's static tab (deep link, as below) when
 * TEAMS_APP_ID is set, else the page on TAB_DOMAIN, else (local mode) on this server; undefined when none is known.
 */
export function driftBoardLink(settings: TabSettings, serverUrl: string | undefined): string | undefined {
  if (settings.teamsAppId !== undefined)
    return `https://teams.microsoft.com/l/entity/${settings.teamsAppId}/${TAB_ENTITY_IDS.board}`;
  if (settings.domain !== undefined) return `https://${settings.domain}/tabs/board`;
  return serverUrl === undefined ? undefined : `${serverUrl}/tabs/board`;
}

/**
 * Where the `my adherence` card's button leads: the static tab in Teams (deep link
 * `https://teams.microsoft.com/l/entity/<manifest id>/<entity id>`, learn.microsoft.com/microsoftteams/platform/
 * concepts/build-and-test/deep-link-application) when TEAMS_APP_ID is set, else the page itself on TAB_DOMAIN, else
 * (local mode) on this server; undefined when none is known.
 */
export function myDriftWindowLink(settings: TabSettings, serverUrl: string | undefined): string | undefined {
  if (settings.teamsAppId !== undefined)
    return `https://teams.microsoft.com/l/entity/${settings.teamsAppId}/${TAB_ENTITY_IDS.myDriftWindow}`;
  if (settings.domain !== undefined) return `https://${settings.domain}/tabs/me`;
  return serverUrl === undefined ? undefined : `${serverUrl}/tabs/me`;
}
