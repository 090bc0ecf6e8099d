import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { teamsDarkTheme, teamsHighContrastTheme, teamsLightTheme } from '@fluentui/react-theme';

/** One file the tabs serve: its bytes, type and a content hash for ETag. */
export interface TabAsset {
  readonly body: Buffer;
  readonly contentType: string;
  readonly etag: string;
}

/** The pages (HTML templates) the tabs serve. */
export type TabPage = 'board' | 'me' | 'config';

/**
 * The folder with the pages, scripts and styles: next to this file (from source with tsx, and in dist/, where
 * `npm run build` copies it), else bot/tabs/public under the project root.
 */
function publicFolder(): string {
  const beside = join(__dirname, 'public');
  if (existsSync(beside)) return beside;
  let folder = __dirname;
  while (dirname(folder) !== folder) {
    const candidate = join(folder, 'bot', 'tabs', 'public');
    if (existsSync(candidate)) return candidate;
    folder = dirname(folder);
  }
  throw new Error(`bot/tabs/public not found above ${__dirname}`);
}

const TYPES: Readonly<Record<string, string>> = {
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.html': 'text/html; charset=utf-8',
};

function asset(body: Buffer, contentType: string): TabAsset {
  return {
    body,
    contentType,
    etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 22)}"`,
  };
}

/**
 * Renders Fluent UI's own Teams themes (@fluentui/react-theme: teamsLightTheme, teamsDarkTheme,
 * teamsHighContrastTheme) as CSS custom properties per `data-theme` (`default`, `dark`, `contrast`: the values of
 * the Teams context's `app.theme`), so the pages use exactly the colours, fonts and radii of Teams.
 */
function renderThemeCss(): string {
  const block = (
    selector: string,
    theme: Record<string, string | number>,
    scheme: 'light' | 'dark',
  ): string =>
    `${selector} {\n  color-scheme: ${scheme};\n${Object.entries(theme)
      .map(([name, value]) => `  --${name}: ${value};`)
      .join('\n')}\n}\n`;
  return [
    '/* Generated from @fluentui/react-theme (Teams light, dark and high-contrast themes). */\n',
    block(':root, [data-theme="default"]', teamsLightTheme, 'light'),
    block('[data-theme="dark"]', teamsDarkTheme, 'dark'),
    block('[data-theme="contrast"]', teamsHighContrastTheme, 'dark'),
  ].join('\n');
}

/**
 * The static files of the tabs, read once: our scripts and styles from bot/tabs/public, the generated theme, and the
 * two libraries from node_modules (no CDN: the pages work offline and under a strict CSP): the Teams JavaScript
 * library (@microsoft/teams-js UMD build) and Chart.js (UMD build).
 */
export class TabAssets {
  private readonly files = new Map<string, TabAsset>();
  private readonly pages = new Map<TabPage, string>();

  constructor(folder = publicFolder()) {
    for (const name of [
      'tab-shell.js',
      'board.js',
      'board-now.js',
      'board-week.js',
      'me.js',
      'config.js',
      'tabs.css',
    ]) {
      this.files.set(name, asset(readFileSync(join(folder, name)), TYPES[name.slice(name.lastIndexOf('.'))]));
    }
    this.files.set('theme.css', asset(Buffer.from(renderThemeCss(), 'utf8'), TYPES['.css']));
    this.files.set(
      'teams-js.js',
      asset(
        readFileSync(require.resolve('@microsoft/teams-js/dist/umd/MicrosoftTeams.min.js')),
        TYPES['.js'],
      ),
    );
    // chart.js exports no subpath for its UMD build; it sits beside the CommonJS entry.
    this.files.set(
      'chart.js',
      asset(readFileSync(join(dirname(require.resolve('chart.js')), 'chart.umd.min.js')), TYPES['.js']),
    );
    for (const page of ['board', 'me', 'config'] as const)
      this.pages.set(page, readFileSync(join(folder, `${page}.html`), 'utf8'));
  }

  /** A static file by name, undefined when there is none (no paths: names only). */
  get(name: string): TabAsset | undefined {
    return this.files.get(name);
  }

  /** A page with the mode filled in (`teams` or `local`); the Teams library is loaded only in Teams mode. */
  page(page: TabPage, mode: 'teams' | 'local'): string {
    return this.pages
      .get(page)!
      .replaceAll('{{MODE}}', mode)
      .replace(
        '{{TEAMS_JS}}',
        mode === 'teams' ? '<script src="/tabs/assets/teams-js.js" defer></script>' : '',
      );
  }
}
