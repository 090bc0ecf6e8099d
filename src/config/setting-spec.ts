import type { ConfigProblem } from '../platform/errors';

/** A parse failure: the message to report for the setting being read. */
export class Problem {
  constructor(readonly message: string) {}
}

/** A parse failure with `message`. */
export function problem(message: string): Problem {
  return new Problem(message);
}

/**
 * One row of the settings table: the environment variable, its default, what it means (Markdown, as the README shows
 * it), how its text is parsed, and whether it is a secret. The table (src/config/settings-table.ts) is the one home of
 * each of these: parsing, defaults, `describeSettings()` and the README table all come from it.
 */
export interface SettingSpec<T> {
  readonly name: string;
  /** The default as an operator would write it, parsed like a value when the setting is unset. */
  readonly default?: string;
  /** Shown instead of a default that other settings decide (e.g. `https://api.<region>`). */
  readonly derivedDefault?: string;
  /** What the setting does, as one Markdown sentence or more (without the "Secret." that `isSecret` adds). */
  readonly meaning: string;
  /** The value (trimmed, not empty) to T, or the Problem to report under the setting's name. */
  readonly parse: (text: string) => T | Problem;
  /** Never shown back in a message or log; its README row says "Secret.". */
  readonly isSecret?: boolean;
}

/** A setting with a default: reading it always gives a value. */
export interface DefaultedSettingSpec<T> extends SettingSpec<T> {
  readonly default: string;
}

/** Declares a setting; the identity function that gives the spec its type. */
export function defineSetting<T>(spec: DefaultedSettingSpec<T>): DefaultedSettingSpec<T>;
export function defineSetting<T>(spec: SettingSpec<T>): SettingSpec<T>;
export function defineSetting<T>(spec: SettingSpec<T>): SettingSpec<T> {
  return spec;
}

/** Reads raw values, collects every problem instead of stopping at the first, and records warnings. */
export class EnvReader {
  readonly problems: ConfigProblem[] = [];
  readonly warnings: string[] = [];

  constructor(private readonly env: NodeJS.ProcessEnv) {}

  /** The trimmed value, undefined when unset or blank (Teams Toolkit env files write `NAME=`). */
  raw(setting: string | SettingSpec<unknown>): string | undefined {
    const name = typeof setting === 'string' ? setting : setting.name;
    const value = this.env[name]?.trim();
    return value === undefined || value === '' ? undefined : value;
  }

  /** Whether the setting has a value. */
  isSet(setting: string | SettingSpec<unknown>): boolean {
    return this.raw(setting) !== undefined;
  }

  report(setting: string | SettingSpec<unknown>, message: string): void {
    this.problems.push({ setting: typeof setting === 'string' ? setting : setting.name, problem: message });
  }

  /** Parses the value or else the default; on a problem reports it and returns the parsed default as a stand-in. */
  read<T>(spec: DefaultedSettingSpec<T>): T {
    const value = this.readOptional(spec);
    if (value !== undefined) return value;
    const fallback = spec.parse(spec.default);
    if (fallback instanceof Problem)
      throw new Error(`default of ${spec.name} is invalid: ${fallback.message}`);
    return fallback;
  }

  /** Parses the value; undefined when unset, or when it is bad (then reported). */
  readOptional<T>(spec: SettingSpec<T>): T | undefined {
    const text = this.raw(spec);
    if (text === undefined) return undefined;
    const value = spec.parse(text);
    if (!(value instanceof Problem)) return value;
    this.report(spec, value.message);
    return undefined;
  }
}
