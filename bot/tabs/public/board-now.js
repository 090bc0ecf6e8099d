// The supervisor board's "drifting now" table: the open episodes in the watched units, polled with ETags, their
// minutes ticking between polls.
import { api, el, formatMinutes, minutesSince, showNotice, timeOf } from './tab-shell.js';

const STAGES = {
  drifting: 'Drifting',
  nudged: 'Check-in sent',
  supervisorAlerted: 'Supervisor alerted',
  formalException: 'Formal exception',
};
const HELD = {
  excludedActivity: 'excluded activity',
  approvedOvertime: 'approved overtime',
  overtimeActivity: 'overtime',
  approvedExplanation: 'approved explanation',
  timeOff: 'time off',
  snoozed: 'snoozed',
  dampened: 'schedule change',
};

const live = { rows: [], now: 0, receivedAt: 0, etag: undefined };

function supervisorCell(row) {
  const parts = [];
  if (row.acknowledgedBy) parts.push(`Acknowledged by ${row.acknowledgedBy}`);
  if (row.snoozedBy)
    parts.push(`Snoozed by ${row.snoozedBy}${row.snoozedUntil ? ` until ${timeOf(row.snoozedUntil)}` : ''}`);
  if (row.approvedOvertimeBy) parts.push(`Approved overtime: ${row.approvedOvertimeBy}`);
  return parts.length > 0 ? parts.join(' · ') : '—';
}

function renderRows() {
  const table = document.getElementById('now-table');
  const body = table.querySelector('tbody');
  body.replaceChildren(
    ...live.rows.map((row) =>
      el(
        'tr',
        { 'data-agent-id': row.agentId, 'data-stage': row.stage },
        el(
          'td',
          {},
          el('strong', { text: row.agentName }),
          el('span', { class: 'subtle', text: [row.teamName, row.unitName].filter(Boolean).join(' · ') }),
        ),
        el(
          'td',
          {},
          el('span', { class: `badge ${row.stage}`, text: STAGES[row.stage] || row.stage }),
          row.heldBecause ? ' ' : null,
          row.heldBecause
            ? el('span', { class: 'badge held', text: `held: ${HELD[row.heldBecause] || row.heldBecause}` })
            : null,
        ),
        el(
          'td',
          { class: 'minutes', 'data-since': row.driftStartedAt },
          formatMinutes(minutesSince(row.driftStartedAt, live.now, live.receivedAt)),
          el('span', { class: 'subtle', text: `since ${timeOf(row.driftStartedAt)}` }),
        ),
        el('td', {}, `${row.scheduled} → ${row.actual}`),
        el('td', { class: 'reply', text: row.reply || '—' }),
        el('td', { class: 'supervisor', text: supervisorCell(row) }),
      ),
    ),
  );
  table.hidden = live.rows.length === 0;
  document.getElementById('now-empty').hidden = live.rows.length > 0;
  document.getElementById('now-meta').textContent =
    `${live.rows.length} drifting · updated ${timeOf(live.now)}`;
}

export function tickMinutes() {
  for (const cell of document.querySelectorAll('#now-table td.minutes')) {
    const since = Number(cell.dataset.since);
    cell.firstChild.textContent = formatMinutes(minutesSince(since, live.now, live.receivedAt));
  }
}

/** Polls the open episodes (`search` builds the query) and answers when to poll again (ms). */
export async function refreshNow(search) {
  const answer = await api(`/tabs/api/board/now${search()}`, { etag: live.etag });
  if (!answer.notModified) {
    live.rows = answer.body.rows;
    live.now = answer.body.now;
    live.receivedAt = Date.now();
    live.etag = answer.etag;
    renderRows();
    showNotice('');
  } else {
    tickMinutes();
  }
  return answer.notModified ? undefined : answer.body.refreshAfterMs;
}

/** Forgets the last answer's ETag, so the next poll redraws (the unit filter changed). */
export function forgetNow() {
  live.etag = undefined;
}
