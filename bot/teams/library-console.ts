import { AsyncLocalStorage } from 'node:async_hooks';
import { inspect } from 'node:util';

/** Where console output of a library goes while it runs inside {@link runWithLibraryConsole}. */
export type LibraryConsoleSink = (level: 'error' | 'warn' | 'info', message: string) => void;

const current = new AsyncLocalStorage<LibraryConsoleSink>();
let isInstalled = false;

/**
 * Runs `work` so that `console.error/warn/log/info/debug` called by libraries inside it (botbuilder prints stack traces
 * and token details with console.error, e.g. botframework-connector lib/auth/jwtTokenExtractor.js) reach `sink`
 * instead of stderr. Output outside such a run is untouched. The console methods are wrapped once per process.
 */
export function runWithLibraryConsole<T>(sink: LibraryConsoleSink, work: () => Promise<T>): Promise<T> {
  install();
  return current.run(sink, work);
}

function install(): void {
  if (isInstalled) return;
  isInstalled = true;
  const levels = { error: 'error', warn: 'warn', log: 'info', info: 'info', debug: 'info' } as const;
  for (const [method, level] of Object.entries(levels) as [
    keyof typeof levels,
    'error' | 'warn' | 'info',
  ][]) {
    const original = console[method].bind(console);
    console[method] = (...args: unknown[]): void => {
      const sink = current.getStore();
      if (sink === undefined) original(...args);
      else sink(level, firstLine(args));
    };
  }
}

/** The first line of what would have been printed (an Error's message, not its stack), at most 300 characters. */
function firstLine(args: readonly unknown[]): string {
  const text = args
    .map((arg) =>
      arg instanceof Error
        ? `${arg.name}: ${arg.message}`
        : typeof arg === 'string'
          ? arg
          : inspect(arg, { depth: 1, breakLength: Infinity }),
    )
    .join(' ');
  return (text.split('\n')[0] ?? '').slice(0, 300);
}
