// The supervisor board: who is drifting now in the units the viewer's channels watch (board-now.js), and a chosen
// week's drift patterns (board-week.js). This module starts the tab and wires the unit and week pickers.
import { api, el, explain, keepFresh, onThemeChange, startTab } from './tab-shell.js';
import { forgetNow, refreshNow, tickMinutes } from './board-now.js';
import { loadWeek, redrawWeek } from './board-week.js';

let tab;

function search(extra = {}) {
  const params = new URLSearchParams();
  if (tab.channelId) params.set('channel', tab.channelId);
  const unit = document.getElementById('unit').value;
  if (unit) params.set('managementUnit', unit);
  for (const [name, value] of Object.entries(extra)) if (value) params.set(name, value);
  const text = params.toString();
  return text ? `?${text}` : '';
}

async function main() {
  tab = await startTab();
  const { body: who } = await api(
    `/tabs/api/whoami${tab.channelId ? `?channel=${encodeURIComponent(tab.channelId)}` : ''}`,
  );
  const channels = who.channels.map(
    (channel) => `${channel.teamName ? `${channel.teamName} › ` : ''}${channel.channelName}`,
  );
  // Not a supervisor: the board's own answer says why (no watching channel, or Teams unavailable).
  if (!who.isSupervisor) await api(`/tabs/api/board/now${search()}`);
  document.getElementById('watching').textContent = who.isSupervisor
    ? `Units watched by ${channels.join(', ')}`
    : '';
  if (tab.mode === 'teams' && who.name) document.getElementById('viewer').textContent = who.name;
  const unit = document.getElementById('unit');
  unit.append(
    el('option', { value: '' }, 'All watched units'),
    ...who.units.map((u) => el('option', { value: u.id }, u.name)),
  );
  unit.disabled = who.units.length < 2;
  unit.addEventListener('change', () => {
    forgetNow();
    refreshNow(search).catch(explain);
    loadWeek(search).catch(explain);
  });
  document.getElementById('week').addEventListener('change', () => loadWeek(search).catch(explain));
  onThemeChange(redrawWeek);
  document.getElementById('now').hidden = false;
  setInterval(tickMinutes, 15000);
  await Promise.all([keepFresh(() => refreshNow(search), explain), loadWeek(search)]);
  document.body.dataset.ready = 'true';
}

main().catch((error) => {
  document.getElementById('now').hidden = true;
  explain(error);
  document.body.dataset.ready = 'error';
});
