// My drift window: the agent's own day (now, today's episodes, the thresholds that apply), told to explain rather
// than to police. Polls with ETags so a change (back on schedule, a check-in) shows within seconds.
import {
  api,
  el,
  explain,
  formatMinutes,
  keepFresh,
  minutesSince,
  showNotice,
  startTab,
  timeOf,
} from './tab-shell.js';

const view = { day: undefined, receivedAt: 0, etag: undefined };

function minutesOf(ms) {
  return ms < 60000 ? `${Math.round(ms / 1000)} s` : formatMinutes(Math.round(ms / 60000));
}

function renderCurrent() {
  const { day } = view;
  const text = document.getElementById('current-text');
  const detail = document.getElementById('current-detail');
  const timeline = document.getElementById('timeline');
  const current = day.current;
  if (!current) {
    text.textContent = "You're on schedule. Nothing to do.";
    detail.textContent = '';
    timeline.hidden = true;
    return;
  }
  const minutes = minutesSince(current.driftStartedAt, day.now, view.receivedAt);
  text.textContent = `Your schedule shows ${current.scheduled} and you're in ${current.actual}, since ${timeOf(current.driftStartedAt)} (${formatMinutes(minutes)}).`;
  const { nudgeAfterMs, supervisorAfterMs, exceptionAfterMs } = day.thresholds;
  const elapsedMs = minutes * 60000;
  const next =
    current.heldBecause !== undefined
      ? 'Check-ins are on hold for this one, so nothing more will be sent.'
      : elapsedMs < nudgeAfterMs
        ? `If it's still like this at ${minutesOf(nudgeAfterMs)}, you'll get a private check-in. Often it's just a status that didn't change.`
        : elapsedMs < supervisorAfterMs
          ? `You've had a private check-in. If you need a hand, reply on it; at ${minutesOf(supervisorAfterMs)} your supervisor is told so they can help.`
          : elapsedMs < exceptionAfterMs
            ? `Your supervisor has been told so they can help. At ${minutesOf(exceptionAfterMs)} it counts as an adherence exception.`
            : 'This now counts as an adherence exception. Your supervisor can sort out whether it is excused.';
  detail.textContent = `${next}${current.yourReply ? ` You replied: ${current.yourReply}.` : ''}`;
  // Three equal steps (to the check-in, to the supervisor, to the exception), whatever the thresholds are.
  const points = [0, nudgeAfterMs, supervisorAfterMs, exceptionAfterMs];
  const step = points.findIndex((at, index) => index > 0 && elapsedMs <= at);
  const width =
    step === -1
      ? 100
      : ((step - 1 + (elapsedMs - points[step - 1]) / (points[step] - points[step - 1])) / 3) * 100;
  timeline.replaceChildren(
    el('div', { class: 'fill' }),
    ...[
      ['Check-in', nudgeAfterMs],
      ['Supervisor', supervisorAfterMs],
      ['Exception', exceptionAfterMs],
    ].map(([label, at], index) =>
      el(
        'div',
        { class: 'mark', 'data-left': (((index + 1) / 3) * 100).toFixed(1) },
        el('span', { text: `${label} ${minutesOf(at)}` }),
      ),
    ),
  );
  // Positions set through the CSS object model: the Content-Security-Policy refuses inline style attributes.
  timeline.querySelector('.fill').style.width = `${width}%`;
  for (const mark of timeline.querySelectorAll('.mark'))
    mark.style.left = `calc(${mark.dataset.left}% - 1px)`;
  timeline.hidden = false;
}

function renderToday() {
  const { today } = view.day;
  const table = document.getElementById('today-table');
  table
    .querySelector('tbody')
    .replaceChildren(
      ...today.map((episode) =>
        el(
          'tr',
          { 'data-episode-id': episode.episodeId },
          el(
            'td',
            {},
            episode.endedAt
              ? `${timeOf(episode.startedAt)}–${timeOf(episode.endedAt)}`
              : `since ${timeOf(episode.startedAt)}`,
          ),
          el('td', {}, formatMinutes(episode.minutes)),
          el('td', {}, `${episode.scheduled} → ${episode.actual}`),
          el(
            'td',
            {},
            episode.outcome,
            episode.yourReply
              ? el('span', { class: 'subtle', text: `You replied: ${episode.yourReply}` })
              : null,
          ),
        ),
      ),
    );
  table.hidden = today.length === 0;
  document.getElementById('today-empty').hidden = today.length > 0;
}

function renderSteps() {
  const { nudgeAfterMs, supervisorAfterMs, exceptionAfterMs } = view.day.thresholds;
  document
    .getElementById('steps')
    .replaceChildren(
      el(
        'li',
        {},
        el('strong', { text: `At ${minutesOf(nudgeAfterMs)}` }),
        'A private check-in in your chat with the bot. Only you see it.',
      ),
      el(
        'li',
        {},
        el('strong', { text: `At ${minutesOf(supervisorAfterMs)}` }),
        'Your supervisor is told, so they can help or explain it.',
      ),
      el(
        'li',
        {},
        el('strong', { text: `At ${minutesOf(exceptionAfterMs)}` }),
        'It counts as a formal adherence exception in Genesys Cloud.',
      ),
    );
}

async function refresh() {
  const answer = await api('/tabs/api/me', { etag: view.etag });
  if (answer.notModified) {
    renderCurrent();
    return undefined;
  }
  view.day = answer.body;
  view.receivedAt = Date.now();
  view.etag = answer.etag;
  document.getElementById('title').textContent = `Your drift window, ${view.day.agent.firstName}`;
  renderCurrent();
  renderToday();
  renderSteps();
  for (const id of ['current', 'today', 'how']) document.getElementById(id).hidden = false;
  showNotice('');
  return view.day.refreshAfterMs;
}

async function main() {
  await startTab();
  await refresh();
  setInterval(() => view.day && renderCurrent(), 15000);
  await keepFresh(refresh, explain);
  document.body.dataset.ready = 'true';
}

main().catch((error) => {
  explain(error);
  document.body.dataset.ready = 'error';
});
