// The folder dependency rule of the house style, made checkable:
//   bot -> src; inside src: genesys | storage | simulator -> app -> domain, and every folder but domain -> platform;
//   platform imports no other src folder. src/app (and analytics) take only types and the pure helpers from platform
//   (PURE_PLATFORM_MODULES); config -> domain, platform, the storage naming rules and the Genesys client's defaults.
//   src/domain is pure (no Node APIs, no clock); only src/platform reads the clock or sets timers.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const nodeBuiltins = [
  'node:*',
  'fs',
  'fs/*',
  'path',
  'os',
  'http',
  'https',
  'net',
  'crypto',
  'child_process',
  'events',
  'timers',
  'timers/*',
  'url',
  'util',
  'stream',
  'zlib',
  'worker_threads',
];

const pattern = (group, message) => ({ group, message });

// Platform modules without I/O, clock or timers: src/app may call them (it may import types from any platform module).
const PURE_PLATFORM_MODULES = [
  'backoff',
  'deep-freeze',
  'describe-error',
  'duration',
  'errors',
  'http-failure',
  'retry-after',
];
const noBot = pattern(['**/bot/**', '../../bot/*', '../bot/*'], 'src/ never imports bot/ (bot -> src only).');
const onlyPlatformHasTime = {
  'no-restricted-properties': [
    'error',
    {
      object: 'Date',
      property: 'now',
      message: 'Read time through the Clock port (src/platform holds the system clock).',
    },
  ],
  'no-restricted-globals': [
    'error',
    { name: 'setTimeout', message: 'Timers live in src/platform (TimerScheduler, timers).' },
    { name: 'setInterval', message: 'Timers live in src/platform.' },
  ],
  'no-restricted-syntax': [
    'error',
    {
      selector: "NewExpression[callee.name='Date'][arguments.length=0]",
      message: 'new Date() reads the clock; take `now` from the Clock port.',
    },
  ],
};

export default tseslint.config(
  {
    ignores: ['node_modules/**', 'dist/**', '.data/**', 'appPackage/build/**', 'devTools/**', 'coverage/**'],
  },
  js.configs.recommended,
  // Type-aware rules: the project service reads tsconfig.json (bot, src, test, scripts, manifest). The browser scripts
  // and this file are plain JavaScript without type information, so they get the syntactic rules only.
  ...tseslint.configs.recommendedTypeChecked,
  { languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } } },
  { files: ['**/*.js', '**/*.mjs'], ...tseslint.configs.disableTypeChecked },
  { linterOptions: { reportUnusedDisableDirectives: 'error' } },
  {
    languageOptions: { ecmaVersion: 2022, sourceType: 'module' },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-console': 'error',
    },
  },
  {
    files: ['src/domain/**/*.ts'],
    rules: {
      ...onlyPlatformHasTime,
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            pattern(
              [
                '../app/*',
                '../genesys/*',
                '../storage/*',
                '../platform/*',
                '../config/*',
                '../simulator/*',
                '../analytics/*',
              ],
              'src/domain depends on nothing but itself.',
            ),
            pattern(nodeBuiltins, 'src/domain is pure: no Node APIs.'),
            noBot,
          ],
        },
      ],
    },
  },
  {
    files: ['src/app/**/*.ts', 'src/analytics/**/*.ts'],
    rules: {
      ...onlyPlatformHasTime,
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            pattern(
              ['../genesys/*', '../storage/*', '../simulator/*', '../config/*'],
              'src/app (and analytics) depend only on src/domain and src/platform; adapters implement its ports.',
            ),
            {
              group: ['../platform/*', ...PURE_PLATFORM_MODULES.map((name) => `!../platform/${name}`)],
              allowTypeImports: true,
              message:
                'src/app may take types from src/platform, but code only from its pure modules (no clock, timers or I/O).',
            },
            pattern(
              ['node:child_process', 'node:fs', 'node:http', 'node:https', 'node:net'],
              'src/app does no I/O of its own; use a port.',
            ),
            noBot,
          ],
        },
      ],
    },
  },
  {
    files: ['src/genesys/**/*.ts', 'src/storage/**/*.ts', 'src/config/**/*.ts', 'src/simulator/**/*.ts'],
    rules: {
      ...onlyPlatformHasTime,
      'no-restricted-imports': ['error', { patterns: [noBot] }],
    },
  },
  {
    files: ['src/config/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            noBot,
            pattern(
              ['../app/*', '../simulator/*', '../analytics/*', '../replay/*', '../simulation/*'],
              'src/config reads the environment into settings; it knows no adapter but their rules and defaults.',
            ),
            pattern(
              ['../genesys/*', '!../genesys/genesys-client-options'],
              "src/config takes only the Genesys client's option defaults (one home for them).",
            ),
            pattern(
              ['../storage/*', '!../storage/table-storage-rules'],
              'src/config takes only the table naming rules from storage (one home for them).',
            ),
          ],
        },
      ],
    },
  },
  {
    files: ['src/genesys/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            noBot,
            pattern(
              ['../storage/*', '../simulator/*'],
              'The Genesys client knows neither storage nor the simulator.',
            ),
          ],
        },
      ],
    },
  },
  {
    files: ['src/storage/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [noBot, pattern(['../genesys/*', '../simulator/*'], 'Storage knows nothing of Genesys.')],
        },
      ],
    },
  },
  {
    files: ['src/platform/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            noBot,
            pattern(
              [
                '../app/*',
                '../domain/*',
                '../config/*',
                '../genesys/*',
                '../storage/*',
                '../simulator/*',
                '../analytics/*',
                '../replay/*',
                '../simulation/*',
              ],
              'src/platform is the bottom layer: it imports no other src folder.',
            ),
          ],
        },
      ],
    },
  },
  {
    // The tab pages' scripts run in the browser (Teams' web view): browser globals, the two libraries' UMD globals.
    files: ['bot/tabs/public/**/*.js'],
    languageOptions: {
      sourceType: 'module',
      globals: Object.fromEntries(
        [
          'window',
          'document',
          'location',
          'localStorage',
          'navigator',
          'fetch',
          'URL',
          'URLSearchParams',
          'Node',
          'getComputedStyle',
          'setTimeout',
          'clearTimeout',
          'setInterval',
          'clearInterval',
          'Intl',
        ].map((name) => [name, 'readonly']),
      ),
    },
  },
  {
    // The outcome tools compose adapters in virtual time: they may use every src folder but bot/, and never the clock.
    files: ['src/replay/**/*.ts', 'src/simulation/**/*.ts'],
    rules: {
      ...onlyPlatformHasTime,
      'no-restricted-imports': ['error', { patterns: [noBot] }],
    },
  },
  {
    files: ['src/replay/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            noBot,
            pattern(
              ['../simulator/*', '../simulation/*'],
              'A replay uses recorded frames, not the simulator.',
            ),
          ],
        },
      ],
    },
  },
  {
    // Files stay near 300 lines, one concern each (README "Files stay near 300 lines" names the two larger on purpose).
    files: ['src/**/*.ts', 'bot/**/*.ts', 'bot/**/*.js'],
    ignores: ['src/simulation/outcome-parameters.ts', 'src/genesys/notification-stream.ts'],
    rules: { 'max-lines': ['error', { max: 335 }] },
  },
  {
    // The in-memory twins and the tests' doubles implement async ports with synchronous bodies (`async () => value`,
    // `async () => { throw ... }`). `async` is what keeps them faithful to the real parts: a failure is a rejection,
    // never a synchronous throw, and a twin's `list` is an async generator like the SDK's paged iterators.
    files: ['src/storage/**/in-memory-*.ts', 'test/**/*.ts'],
    rules: { '@typescript-eslint/require-await': 'off' },
  },
  {
    files: ['bot/**/*.ts', 'scripts/**/*.ts', 'test/**/*.ts'],
    rules: { 'no-console': 'off' },
  },
  {
    files: ['test/**/*.ts'],
    rules: {
      '@typescript-eslint/no-non-null-assertion': 'off',
      '@typescript-eslint/no-unused-expressions': 'off',
    },
  },
  {
    // The simulator's suites read its answers and frames as raw wire JSON (`WireJson` in simulator-test-kit.ts), the
    // way a client without type definitions sees them, and assert on the shape; typing them would restate the wire
    // format they exist to check. Everywhere else `any` stays confined to the edges.
    files: ['test/integration/simulator/**/*.ts', 'test/support/simulator-test-kit.ts'],
    rules: {
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
    },
  },
  {
    // `npm test` must pass on a busy machine: its tests drive test/support/manual-clock.ts or wait for an outcome with
    // test/support/eventually.ts; a fixed sleep or a real timer in a test is a race with the machine's speed.
    files: ['test/unit/**/*.ts', 'test/contract/**/*.ts', 'test/integration/**/*.ts', 'test/e2e/**/*.ts'],
    rules: {
      'no-restricted-globals': [
        'error',
        { name: 'setTimeout', message: 'Move a ManualClock, or wait for the outcome with eventually().' },
        { name: 'setInterval', message: 'Move a ManualClock, or wait for the outcome with eventually().' },
      ],
    },
  },
);
