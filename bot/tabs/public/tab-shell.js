// Shared by the Adherence Drift tabs: Teams theme and sign-in (Teams SSO through @microsoft/teams-js), or in local
// mode a persona picker; the API helper with ETag polling; small DOM and formatting helpers. Plain ES module, no build.

const mode = document.body.dataset.mode;
const page = document.body.dataset.page;
const query = new URLSearchParams(location.search);
const themeListeners = [];
let session;

/** Creates an element with text and attributes; children may be nodes or strings (never parsed as HTML). */
export function el(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === undefined || value === null || value === false) continue;
    if (name === 'class') node.className = value;
    else if (name === 'text') node.textContent = value;
    else node.setAttribute(name, value === true ? '' : String(value));
  }
  for (const child of children.flat()) {
    if (child === undefined || child === null || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

/** The Teams theme now in use: `default`, `dark` or `contrast`. */
export function currentTheme() {
  return document.documentElement.dataset.theme || 'default';
}

/** Calls `listener(theme)` whenever Teams (or the local page) switches theme. */
export function onThemeChange(listener) {
  themeListeners.push(listener);
}

function applyTheme(theme) {
  const name = ['default', 'dark', 'contrast'].includes(theme) ? theme : 'default';
  if (document.documentElement.dataset.theme === name) return;
  document.documentElement.dataset.theme = name;
  for (const listener of themeListeners) listener(name);
}

/** A Fluent token of the current theme, e.g. `colorBrandBackground`. */
export function token(name) {
  return getComputedStyle(document.documentElement).getPropertyValue(`--${name}`).trim();
}

/** Shows a message above the page content (kind: `info`, `warning` or `error`); an empty message hides it. */
export function showNotice(message, kind = 'info') {
  const notice = document.getElementById('notice');
  if (!notice) return;
  notice.hidden = !message;
  notice.className = `notice ${kind}`;
  notice.textContent = message || '';
}

/** An API refusal with the server's code and sentence. */
export class ApiError extends Error {
  constructor(status, code, message) {
    super(message || `The server answered ${status}.`);
    this.status = status;
    this.code = code;
  }
}

function withTimeout(promise, ms, message) {
  return Promise.race([
    promise,
    new Promise((_, reject) => setTimeout(() => reject(new Error(message)), ms)),
  ]);
}

/**
 * Starts the tab. In Teams: initialises the Teams library, follows the Teams theme and signs in with Teams SSO
 * (`authentication.getAuthToken()`, which Teams caches and renews). In local mode: the theme from `?theme=` or the
 * system, and the person chosen from the simulator's people (`?as=`, remembered in this browser).
 * Resolves to `{ channelId, mode }`; `channelId` is set in a channel tab.
 */
export async function startTab() {
  if (mode === 'teams') {
    const teams = window.microsoftTeams;
    if (!teams) throw new Error('The Microsoft Teams library did not load.');
    await withTimeout(teams.app.initialize(), 10000, 'Open this page from its tab in Microsoft Teams.');
    const context = await teams.app.getContext();
    applyTheme(context.app && context.app.theme);
    teams.app.registerOnThemeChangeHandler(applyTheme);
    session = {
      headers: async () => ({ authorization: `Bearer ${await teams.authentication.getAuthToken()}` }),
    };
    return { mode, channelId: context.channel ? context.channel.id : undefined };
  }
  const system =
    window.matchMedia && window.matchMedia('(prefers-color-scheme: dark)').matches ? 'dark' : 'default';
  applyTheme(query.get('theme') || system);
  const person = await choosePerson();
  session = { headers: async () => (person ? { 'x-local-viewer': person } : {}) };
  return { mode, channelId: query.get('channel') || undefined };
}

/** Local mode: the picker of the simulator's people, in the page header. */
async function choosePerson() {
  const response = await fetch('/tabs/api/local/people', { cache: 'no-store' });
  if (!response.ok) throw new ApiError(response.status, 'people', 'Could not list the local people.');
  const { people } = await response.json();
  const remembered = localStorage.getItem(`drift-local-person:${page}`);
  const wantedRole = page === 'me' ? 'agent' : 'supervisor';
  const chosen =
    [query.get('as'), remembered].find((id) => id && people.some((person) => person.id === id)) ||
    (people.find((person) => person.role === wantedRole) || people[0] || {}).id;
  const select = el('select', { id: 'person', 'aria-label': 'Who you are' });
  for (const [role, label] of [
    ['supervisor', 'Supervisors'],
    ['agent', 'Agents'],
  ]) {
    const group = el('optgroup', { label });
    for (const person of people.filter((candidate) => candidate.role === role))
      group.append(
        el(
          'option',
          { value: person.id, selected: person.id === chosen },
          person.detail ? `${person.name} (${person.detail})` : person.name,
        ),
      );
    if (group.children.length > 0) select.append(group);
  }
  select.addEventListener('change', () => {
    localStorage.setItem(`drift-local-person:${page}`, select.value);
    const next = new URLSearchParams(location.search);
    next.set('as', select.value);
    location.search = next.toString();
  });
  const viewer = document.getElementById('viewer');
  if (viewer)
    viewer.replaceChildren(
      el('span', { class: 'subtle', text: 'Local mode · ' }),
      el('label', {}, 'You are', select),
    );
  return chosen;
}

/**
 * GET a tab API path with the session's credentials. With `etag`, answers `{ notModified: true }` when nothing
 * changed. Throws {@link ApiError} with the server's reason on a refusal.
 */
export async function api(path, { etag } = {}) {
  const headers = await session.headers();
  if (etag) headers['if-none-match'] = etag;
  const response = await fetch(path, { headers, cache: 'no-store' });
  if (response.status === 304) return { notModified: true, etag };
  const body = await response.json().catch(() => ({}));
  if (!response.ok) throw new ApiError(response.status, body.error, body.message);
  return { body, etag: response.headers.get('etag') || undefined };
}

/**
 * Calls `refresh()` now and then again after the interval it returns (ms), pausing while the tab is hidden; after a
 * failure it waits twice as long (up to a minute) and calls `onError`.
 */
export function keepFresh(refresh, onError) {
  let delay = 5000;
  let timer;
  const run = async () => {
    clearTimeout(timer);
    try {
      delay = (await refresh()) || 5000;
    } catch (error) {
      delay = Math.min(60000, delay * 2);
      onError(error);
    }
    if (!document.hidden) timer = setTimeout(run, delay);
  };
  document.addEventListener('visibilitychange', () => {
    if (!document.hidden) run();
  });
  return run();
}

const timeFormat = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit' });

/** Clock time of an instant in the viewer's own time zone. */
export function timeOf(at) {
  return timeFormat.format(new Date(at));
}

/** `12 min`, `1 h 5 min`. */
export function formatMinutes(minutes) {
  const whole = Math.max(0, Math.floor(minutes));
  if (whole < 60) return `${whole} min`;
  return `${Math.floor(whole / 60)} h ${whole % 60} min`;
}

/** Minutes from `since` to the server's `now` moved on by the time spent on the page since it was received. */
export function minutesSince(since, serverNow, receivedAt) {
  return (serverNow + (Date.now() - receivedAt) - since) / 60000;
}

/** A page-level failure: the reason as a notice (sign-in, access, the server). */
export function explain(error) {
  const kind = error instanceof ApiError && error.status === 403 ? 'warning' : 'error';
  showNotice(error && error.message ? error.message : String(error), kind);
}
