// Configuration page of the channel tab (manifest configurableTabs): saves the board's URL for this channel.
import { explain, startTab } from './tab-shell.js';

async function main() {
  const tab = await startTab();
  if (tab.mode !== 'teams') {
    document.body.dataset.ready = 'true';
    return;
  }
  const { pages } = window.microsoftTeams;
  pages.config.registerOnSaveHandler((saveEvent) => {
    pages.config
      .setConfig({
        entityId: 'drift-board-channel',
        contentUrl: `${location.origin}/tabs/board`,
        websiteUrl: `${location.origin}/tabs/board`,
        suggestedDisplayName: 'Drift board',
      })
      .then(() => saveEvent.notifySuccess())
      .catch((error) => saveEvent.notifyFailure(String(error)));
  });
  pages.config.setValidityState(true);
  document.body.dataset.ready = 'true';
}

main().catch(explain);
