// The supervisor board's week: a chosen week's drift patterns (figures, hours, activities, resolution, formal
// exceptions week over week) drawn with Chart.js in the Teams theme, each chart with its data as a table.
import { api, currentTheme, el, formatMinutes, token } from './tab-shell.js';

const ACTIVITIES = {
  OnQueueWork: 'On queue',
  OffQueueWork: 'Off-queue work',
  TimeOff: 'Time off',
  Unknown: 'Unknown',
};

const charts = new Map();
let lastWeek;

function percent(rate) {
  return rate === null || rate === undefined ? '—' : `${Math.round(rate * 100)}%`;
}

function figure(label, value, detail) {
  return el(
    'div',
    { class: 'figure' },
    el('div', { class: 'subtle', text: label }),
    el('div', { class: 'value', text: value }),
    detail ? el('div', { class: 'subtle', text: detail }) : null,
  );
}

function dayLabel(date) {
  return new Date(`${date}T12:00:00Z`).toLocaleDateString(undefined, {
    month: 'short',
    day: 'numeric',
    timeZone: 'UTC',
  });
}

function fillTable(id, headers, rows) {
  const table = document.getElementById(id);
  table.replaceChildren(
    el(
      'thead',
      {},
      el(
        'tr',
        {},
        headers.map((header) => el('th', { scope: 'col', text: header })),
      ),
    ),
    el(
      'tbody',
      {},
      rows.map((cells) =>
        el(
          'tr',
          {},
          cells.map((cell) => el('td', { text: String(cell) })),
        ),
      ),
    ),
  );
}

function palette() {
  const contrast = currentTheme() === 'contrast';
  return {
    text: token('colorNeutralForeground2'),
    grid: token('colorNeutralStroke2'),
    bar: contrast ? token('colorNeutralForeground1') : token('colorBrandBackground'),
    barSoft: contrast ? token('colorNeutralForeground3') : token('colorNeutralForeground4'),
    warning: contrast ? token('colorNeutralForeground3') : token('colorStatusWarningBackground3'),
    alert: contrast ? token('colorNeutralForeground1') : token('colorStatusDangerBackground3'),
    font: token('fontFamilyBase'),
  };
}

function draw(id, config, description) {
  const Chart = window.Chart;
  charts.get(id)?.destroy();
  const canvas = document.getElementById(id);
  canvas.setAttribute('aria-label', description);
  const colours = palette();
  Chart.defaults.font.family = colours.font;
  Chart.defaults.color = colours.text;
  Chart.defaults.borderColor = colours.grid;
  const chart = new Chart(canvas, {
    ...config,
    options: {
      animation: false,
      responsive: true,
      maintainAspectRatio: false,
      plugins: { legend: { display: false } },
      ...config.options,
    },
  });
  charts.set(id, chart);
  canvas.dataset.points = String(config.data.datasets[0].data.length);
}

function renderWeek(data) {
  const { report, weekOverWeek } = data;
  const colours = palette();
  const before = weekOverWeek.length > 1 ? weekOverWeek[weekOverWeek.length - 2] : undefined;
  const change = data.formalExceptionsChangePercent;
  document
    .getElementById('figures')
    .replaceChildren(
      figure('Episodes', String(report.episodes), `${report.driftMinutes} min of drift`),
      figure(
        'Formal exceptions',
        String(report.formalExceptions),
        before === undefined
          ? undefined
          : change === null
            ? `week before: ${before.formalExceptions}`
            : `${change > 0 ? '+' : ''}${change}% on the week before`,
      ),
      figure(
        'Resolved after a check-in',
        percent(report.nudges.resolutionRate),
        `${report.nudges.resolvedAfter} of ${report.nudges.sent} check-ins`,
      ),
      figure(
        'Resolved after an alert',
        percent(report.supervisorAlerts.resolutionRate),
        `${report.supervisorAlerts.resolvedAfter} of ${report.supervisorAlerts.sent} alerts, before the exception`,
      ),
      figure(
        'Median time to resolve',
        report.medianMinutesToResolve === null ? '—' : formatMinutes(report.medianMinutesToResolve),
      ),
    );
  document.getElementById('week-meta').textContent =
    `${dayLabel(data.week.weekStart)} – ${dayLabel(new Date(Date.parse(`${data.week.weekStart}T00:00:00Z`) + 6 * 86400000).toISOString().slice(0, 10))}`;
  document.getElementById('hours-zone').textContent = `(${data.timeZone})`;

  const hours = report.byHourOfDay;
  draw(
    'chart-hours',
    {
      type: 'bar',
      data: {
        labels: hours.map((h) => String(h.hour).padStart(2, '0')),
        datasets: [{ label: 'Episodes', data: hours.map((h) => h.episodes), backgroundColor: colours.bar }],
      },
      options: { scales: { y: { beginAtZero: true, ticks: { precision: 0 } } } },
    },
    `Episodes by hour of day; peak hours ${report.peakHours.map((h) => h.hour).join(', ') || 'none'}.`,
  );
  fillTable(
    'table-hours',
    ['Hour', 'Episodes', 'Minutes'],
    hours.filter((h) => h.episodes > 0).map((h) => [h.hour, h.episodes, h.minutes]),
  );

  const activities = report.byActivity;
  draw(
    'chart-activity',
    {
      type: 'bar',
      data: {
        labels: activities.map((a) => ACTIVITIES[a.activity] || a.activity),
        datasets: [
          { label: 'Episodes', data: activities.map((a) => a.episodes), backgroundColor: colours.bar },
        ],
      },
      options: { indexAxis: 'y', scales: { x: { beginAtZero: true, ticks: { precision: 0 } } } },
    },
    `Episodes by scheduled activity: ${activities.map((a) => `${a.activity} ${a.episodes}`).join(', ') || 'none'}.`,
  );
  fillTable(
    'table-activity',
    ['Activity', 'Episodes', 'Minutes'],
    activities.map((a) => [a.activity, a.episodes, a.minutes]),
  );

  const steps = [
    ['After a check-in', report.nudges],
    ['After a supervisor alert', report.supervisorAlerts],
  ];
  draw(
    'chart-resolution',
    {
      type: 'bar',
      data: {
        labels: steps.map(([label]) => label),
        datasets: [
          {
            label: 'Resolved (%)',
            data: steps.map(([, step]) =>
              step.resolutionRate === null ? 0 : Math.round(step.resolutionRate * 100),
            ),
            backgroundColor: [colours.bar, colours.warning],
          },
        ],
      },
      options: {
        scales: { y: { beginAtZero: true, max: 100, ticks: { callback: (value) => `${value}%` } } },
        plugins: {
          legend: { display: false },
          tooltip: {
            callbacks: {
              label: (item) =>
                `${steps[item.dataIndex][1].resolvedAfter} of ${steps[item.dataIndex][1].sent} resolved`,
            },
          },
        },
      },
    },
    `Check-ins resolved ${percent(report.nudges.resolutionRate)}, supervisor alerts resolved ${percent(report.supervisorAlerts.resolutionRate)} before the formal exception.`,
  );
  fillTable(
    'table-resolution',
    ['Step', 'Sent', 'Resolved', 'Rate'],
    steps.map(([label, step]) => [label, step.sent, step.resolvedAfter, percent(step.resolutionRate)]),
  );

  draw(
    'chart-exceptions',
    {
      type: 'bar',
      data: {
        labels: weekOverWeek.map((w) => dayLabel(w.weekStart)),
        datasets: [
          {
            label: 'Formal exceptions',
            data: weekOverWeek.map((w) => w.formalExceptions),
            backgroundColor: weekOverWeek.map((_, index) =>
              index === weekOverWeek.length - 1 ? colours.alert : colours.barSoft,
            ),
          },
        ],
      },
      options: { scales: { y: { beginAtZero: true, ticks: { precision: 0 } } } },
    },
    `Formal exceptions per week: ${weekOverWeek.map((w) => `${w.weekStart} ${w.formalExceptions}`).join(', ')}.`,
  );
  fillTable(
    'table-exceptions',
    ['Week of', 'Formal exceptions', 'Episodes'],
    weekOverWeek.map((w) => [w.weekStart, w.formalExceptions, w.episodes]),
  );
}

/** Loads the week chosen in the week picker (`search` builds the query) and draws it. */
export async function loadWeek(search) {
  const select = document.getElementById('week');
  const { body } = await api(`/tabs/api/board/week${search({ week: select.value })}`);
  lastWeek = body;
  if (select.options.length === 0) {
    for (const [index, week] of body.choices.entries())
      select.append(
        el(
          'option',
          { value: week.weekStart, selected: week.weekStart === body.week.weekStart },
          `${dayLabel(week.weekStart)}${index === 0 ? ' (this week)' : index === 1 ? ' (last week)' : ''}`,
        ),
      );
  }
  renderWeek(body);
  document.getElementById('week-section').hidden = false;
}

/** Draws the last week again (the Teams theme changed). */
export function redrawWeek() {
  if (lastWeek) renderWeek(lastWeek);
}
