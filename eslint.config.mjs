// The folder dependency rule of the house style, made checkable:
//   bot -> src; inside src: genesys | storage | simulator -> platform -> app -> domain; config -> domain.
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
  ...tseslint.configs.recommended,
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
              ['../genesys/*', '../storage/*', '../platform/*', '../simulator/*', '../config/*'],
              'src/app (and analytics) depend only on src/domain; adapters implement its ports.',
            ),
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
              ['../genesys/*', '../storage/*', '../simulator/*', '../analytics/*'],
              'src/platform is below the adapters.',
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
