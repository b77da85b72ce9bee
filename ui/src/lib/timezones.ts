/**
 * Time zones for the dealership's settings: the IANA names the browser knows
 * (the server checks a name with Go's time.LoadLocation on save), the
 * browser's own zone, and turning what a person typed ("berlin",
 * "europe/berlin", "New York") into the zone's name.
 */

/** The server's default for a new dealership (hooks/tenancy DefaultTimezone). */
export const DEFAULT_ZONE = 'UTC';

// for a browser without Intl.supportedValuesOf: the zones dealerships use most
const FALLBACK = [
  'Europe/Berlin', 'Europe/Vienna', 'Europe/Zurich', 'Europe/London', 'Europe/Paris', 'Europe/Amsterdam',
  'Europe/Madrid', 'Europe/Rome', 'Europe/Warsaw', 'Europe/Stockholm', 'America/New_York', 'America/Chicago',
  'America/Denver', 'America/Los_Angeles', 'America/Toronto', 'Asia/Tokyo', 'Australia/Sydney',
];

/** Every IANA zone name the browser knows, sorted, with UTC first. */
export function timeZones(supported: (() => string[]) | undefined = supportedZones()): string[] {
  let names: string[] = [];
  try {
    names = supported ? supported() : [];
  } catch {
    names = [];
  }
  if (names.length === 0) names = FALLBACK;
  return [DEFAULT_ZONE, ...[...new Set(names)].filter((z) => z !== DEFAULT_ZONE).sort()];
}

function supportedZones(): (() => string[]) | undefined {
  const intl = Intl as unknown as { supportedValuesOf?: (key: string) => string[] };
  return intl.supportedValuesOf ? () => intl.supportedValuesOf!('timeZone') : undefined;
}

/** The browser's own zone ("Europe/Berlin"), '' when it does not say. */
export function browserZone(): string {
  try {
    return Intl.DateTimeFormat().resolvedOptions().timeZone ?? '';
  } catch {
    return '';
  }
}

/**
 * The zone to propose to the person: the browser's, while the dealership's
 * zone is still the untouched default (UTC or empty) and the browser is
 * somewhere else; null when there is nothing to propose.
 */
export function zoneToPropose(current: string, browser: string, zones: string[]): string | null {
  const now = current.trim();
  if (now !== '' && now !== DEFAULT_ZONE) return null;
  if (!browser || browser === DEFAULT_ZONE || browser === 'Etc/UTC' || browser === 'Etc/Unknown') return null;
  return zones.includes(browser) ? browser : null;
}

/**
 * The zone name for what a person typed: an exact name as it is; else the
 * one zone that matches regardless of case and of spaces for underscores
 * ("europe/berlin", "America/New York"); else the one zone whose city is it
 * ("Berlin", "new york"). Anything else is returned trimmed, for the server
 * to judge.
 */
export function canonicalZone(typed: string, zones: string[]): string {
  const t = typed.trim();
  if (t === '' || zones.includes(t)) return t;
  const key = (s: string) => s.toLowerCase().replace(/[\s_]+/g, '_');
  const k = key(t);
  const whole = zones.filter((z) => key(z) === k);
  if (whole.length === 1) return whole[0];
  const city = zones.filter((z) => key(z.slice(z.lastIndexOf('/') + 1)) === k);
  return city.length === 1 ? city[0] : t;
}
