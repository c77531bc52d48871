import { closestMatches } from './edit-distance.ts';

/**
 * A time zone as a person types it, read strictly: IANA `Area/Location` names (any case) and
 * `UTC`. Abbreviations are refused with suggestions, never mapped: `CET` is Paris, Berlin or
 * Madrid to their people, and the runtime's own alias (Europe/Brussels) is nobody's answer. `EST`
 * is a fixed offset in the tz database (no DST), which is not what someone in New York means.
 */
export type TimeZoneInput = { ok: true; timeZone: string } | { ok: false; message: string };

/** Common abbreviations → the zones people using them usually mean, most populous first. */
const ABBREVIATIONS: Record<string, string[]> = {
  CET: ['Europe/Paris', 'Europe/Berlin', 'Europe/Madrid', 'Europe/Rome', 'Europe/Amsterdam'],
  CEST: ['Europe/Paris', 'Europe/Berlin', 'Europe/Madrid', 'Europe/Rome', 'Europe/Amsterdam'],
  MET: ['Europe/Paris', 'Europe/Berlin', 'Europe/Madrid'],
  MEZ: ['Europe/Berlin', 'Europe/Vienna', 'Europe/Zurich'],
  WET: ['Europe/Lisbon', 'Atlantic/Canary'],
  WEST: ['Europe/Lisbon', 'Atlantic/Canary'],
  EET: ['Europe/Athens', 'Europe/Helsinki', 'Europe/Bucharest', 'Europe/Kyiv'],
  EEST: ['Europe/Athens', 'Europe/Helsinki', 'Europe/Bucharest', 'Europe/Kyiv'],
  GMT: ['Europe/London', 'UTC'],
  BST: ['Europe/London'],
  IST: ['Asia/Kolkata', 'Europe/Dublin', 'Asia/Jerusalem'],
  MSK: ['Europe/Moscow'],
  EST: ['America/New_York', 'America/Toronto', 'America/Detroit'],
  EDT: ['America/New_York', 'America/Toronto', 'America/Detroit'],
  CST: ['America/Chicago', 'America/Mexico_City', 'Asia/Shanghai'],
  CDT: ['America/Chicago', 'America/Winnipeg'],
  MST: ['America/Denver', 'America/Phoenix', 'America/Edmonton'],
  MDT: ['America/Denver', 'America/Edmonton'],
  PST: ['America/Los_Angeles', 'America/Vancouver', 'America/Tijuana'],
  PDT: ['America/Los_Angeles', 'America/Vancouver', 'America/Tijuana'],
  AKST: ['America/Anchorage'],
  HST: ['Pacific/Honolulu'],
  BRT: ['America/Sao_Paulo'],
  ART: ['America/Argentina/Buenos_Aires'],
  JST: ['Asia/Tokyo'],
  KST: ['Asia/Seoul'],
  SGT: ['Asia/Singapore'],
  HKT: ['Asia/Hong_Kong'],
  AEST: ['Australia/Sydney', 'Australia/Melbourne', 'Australia/Brisbane'],
  AEDT: ['Australia/Sydney', 'Australia/Melbourne'],
  ACST: ['Australia/Adelaide', 'Australia/Darwin'],
  AWST: ['Australia/Perth'],
  NZST: ['Pacific/Auckland'],
  NZDT: ['Pacific/Auckland'],
  SAST: ['Africa/Johannesburg'],
  WAT: ['Africa/Lagos'],
  EAT: ['Africa/Nairobi'],
};

const EXAMPLES = ['America/New_York', 'Europe/Berlin', 'Asia/Tokyo', 'UTC'];

function resolve(name: string): string | undefined {
  try {
    return new Intl.DateTimeFormat('en-US', { timeZone: name }).resolvedOptions().timeZone;
  } catch {
    return undefined;
  }
}

const quoted = (names: string[]) => names.map((name) => `\`${name}\``).join(', ');

export function parseTimeZoneInput(text: string): TimeZoneInput {
  const typed = text.trim();
  const shown = `\`${typed.slice(0, 60)}\``;
  if (typed.toUpperCase() === 'UTC' || typed.toUpperCase() === 'ETC/UTC')
    return { ok: true, timeZone: 'UTC' };
  const abbreviation = ABBREVIATIONS[typed.toUpperCase()];
  if (abbreviation) {
    return {
      ok: false,
      message: `${shown} is an abbreviation, and several places use it: use an IANA name such as ${quoted(abbreviation)}…`,
    };
  }
  if (/^(?:utc|gmt)?\s*[+-]\d/i.test(typed)) {
    return {
      ok: false,
      message: `${shown} is a fixed offset, which ignores daylight saving time: use an IANA name such as ${quoted(EXAMPLES)}.`,
    };
  }
  // Area/Location only: `Etc/GMT+5` and `EST5EDT` are offsets and rules, not places.
  const resolved = typed.includes('/') && !/^etc\//i.test(typed) ? resolve(typed) : undefined;
  if (resolved) return { ok: true, timeZone: resolved };
  const known = Intl.supportedValuesOf('timeZone').filter((name) => name.includes('/'));
  // `berlin`, `new york`: the city alone.
  const city = typed.replace(/\s+/g, '_').toLowerCase();
  const byCity = known.filter((name) => name.toLowerCase().split('/').pop() === city);
  const near = byCity.length > 0 ? byCity : closestMatches(typed, known, { limit: 3, maxDistance: 3 });
  return {
    ok: false,
    message:
      near.length > 0
        ? `I don’t know the time zone ${shown}. Did you mean ${quoted(near)}?`
        : `I don’t know the time zone ${shown}: use an IANA name such as ${quoted(EXAMPLES)}.`,
  };
}
