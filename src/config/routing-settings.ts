import { boolean, commaList, GUID } from './setting-parsers';
import { defineSetting, problem, type EnvReader } from './setting-spec';

/** Who may route supervisor alerts to a channel (`watch` / `unwatch`). */
export interface RoutingSettings {
  /** WATCH_ADMINS, lower-cased: emails, UPNs or Entra object ids. */
  readonly admins: readonly string[];
  /** WATCH_ALLOW_UNIT_MANAGERS: the Genesys manager of a unit's agents may route that unit. */
  readonly allowUnitManagers: boolean;
}

// A UPN or email: something@domain; an Entra object id: a GUID.
const ACCOUNT = /^[^\s@,]+@[^\s@,]+$/;

export const WATCH_ADMINS = defineSetting({
  name: 'WATCH_ADMINS',
  default: '',
  meaning:
    'Comma list of emails, UPNs or Entra object ids of the people who may run watch and unwatch (route supervisor alerts). Empty = nobody.',
  parse: (text) => {
    const entries = commaList(text.toLowerCase());
    const bad = entries.filter((entry) => !ACCOUNT.test(entry) && !GUID.test(entry));
    return bad.length === 0
      ? entries
      : problem(
          `${bad.map((entry) => `"${entry}"`).join(', ')} ${bad.length === 1 ? 'is' : 'are'} not an email, UPN or Entra object id (GUID)`,
        );
  },
});

export const WATCH_ALLOW_UNIT_MANAGERS = defineSetting({
  name: 'WATCH_ALLOW_UNIT_MANAGERS',
  default: 'false',
  meaning:
    "When true, the Genesys manager of a unit's agents may also watch and unwatch that unit and its teams (matched by Teams email or UPN).",
  parse: boolean,
});

/** Reads who may route alerts, warning when nobody can. */
export function readRoutingSettings(reader: EnvReader): RoutingSettings {
  const admins = reader.read(WATCH_ADMINS);
  const allowUnitManagers = reader.read(WATCH_ALLOW_UNIT_MANAGERS);
  if (admins.length === 0 && !allowUnitManagers)
    reader.warnings.push(
      'WATCH_ADMINS is empty and WATCH_ALLOW_UNIT_MANAGERS is off: nobody can route supervisor alerts with watch',
    );
  return { admins, allowUnitManagers };
}
