import { tz } from '@date-fns/tz';
import { addDays } from 'date-fns/addDays';
import { differenceInCalendarDays } from 'date-fns/differenceInCalendarDays';
import { format } from 'date-fns/format';
import { startOfDay } from 'date-fns/startOfDay';
import { startOfWeek } from 'date-fns/startOfWeek';

/** A half-open window [start, end) of whole local days in one time zone. */
export interface ActivityWindow {
  start: Date;
  end: Date;
  /** What a person reads: `today (Tue 10 Mar)`, `last 7 days (4–10 Mar)`. */
  label: string;
  timeZone: string;
}

export type RangeParse = { ok: true; window: ActivityWindow } | { ok: false; message: string };

export const RANGE_HELP =
  '`today`, `yesterday`, `7d`, `30d`, a date `YYYY-MM-DD` or `YYYY-MM-DD..YYYY-MM-DD`';
const MAX_DAYS = 366;
const DAYS = /^(\d{1,3})d$/i;
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** `today`, `yesterday`, `Nd` (the last N days including today), `D`, or `D..D`, in `timeZone`. */
export function parseActivityRange(
  text: string | undefined,
  options: { now: Date; timeZone: string },
): RangeParse {
  const zone = tz(options.timeZone);
  const today = startOfDay(options.now, { in: zone });
  const day = (offset: number) => addDays(today, offset, { in: zone });
  const word = (text ?? '7d').trim().toLowerCase();
  const make = (start: Date, end: Date, label: string): RangeParse => ({
    ok: true,
    window: {
      start: new Date(start.getTime()),
      end: new Date(end.getTime()),
      label,
      timeZone: options.timeZone,
    },
  });
  if (word === 'today') return make(today, day(1), `today (${dayLabel(today, options.timeZone)})`);
  if (word === 'yesterday') return make(day(-1), today, `yesterday (${dayLabel(day(-1), options.timeZone)})`);
  const days = DAYS.exec(word);
  if (days) {
    const count = Number(days[1]);
    if (count < 1 || count > MAX_DAYS) {
      return { ok: false, message: `Choose between 1 and ${MAX_DAYS} days (\`7d\`, \`30d\`).` };
    }
    const start = day(1 - count);
    return make(
      start,
      day(1),
      `last ${count} day${count === 1 ? '' : 's'} (${spanLabel(start, today, options.timeZone)})`,
    );
  }
  const [fromText, toText, extra] = word.split('..');
  if (fromText && extra === undefined) {
    const from = parseLocalDate(fromText, options.timeZone);
    const to = toText === undefined ? from : parseLocalDate(toText, options.timeZone);
    if (from && to) {
      if (to.getTime() < from.getTime()) {
        return {
          ok: false,
          message: 'The range ends before it starts: put the earlier date first (`2026-03-01..2026-03-07`).',
        };
      }
      const span = differenceInCalendarDays(to, from, { in: zone }) + 1;
      if (span > MAX_DAYS) return { ok: false, message: `Ask for at most ${MAX_DAYS} days at a time.` };
      const end = addDays(to, 1, { in: zone });
      return make(
        from,
        end,
        span === 1 ? dayLabel(from, options.timeZone) : spanLabel(from, to, options.timeZone),
      );
    }
    if (DATE.test(fromText) || (toText !== undefined && DATE.test(toText))) {
      return { ok: false, message: 'That date does not exist: use real dates as YYYY-MM-DD.' };
    }
  }
  return { ok: false, message: `I don’t understand the range \`${word.slice(0, 40)}\`: use ${RANGE_HELP}.` };
}

/** Monday 00:00 of this week to the end of today, in `timeZone` (the App Home dashboard). */
export function thisWeek(now: Date, timeZone: string): ActivityWindow {
  const zone = tz(timeZone);
  const start = startOfWeek(now, { in: zone, weekStartsOn: 1 });
  const today = startOfDay(now, { in: zone });
  return {
    start: new Date(start.getTime()),
    end: new Date(addDays(today, 1, { in: zone }).getTime()),
    label: `this week (${spanLabel(start, today, timeZone)})`,
    timeZone,
  };
}

/** `/pulse fetch … [since]`: `7d`, `30d`, `today`, `yesterday` or `YYYY-MM-DD`, as the start instant. */
export function parseSince(
  text: string,
  options: { now: Date; timeZone: string },
): { ok: true; since: Date } | { ok: false; message: string } {
  const word = text.trim().toLowerCase();
  if (!(word === 'today' || word === 'yesterday' || DAYS.test(word) || DATE.test(word))) {
    return { ok: false, message: 'Give `since` as `7d`, `30d` or a date `YYYY-MM-DD`.' };
  }
  const parsed = parseActivityRange(word, options);
  if (!parsed.ok) return parsed;
  if (parsed.window.start.getTime() > options.now.getTime()) {
    return { ok: false, message: 'That date is in the future: fetching starts from a past date.' };
  }
  return { ok: true, since: parsed.window.start };
}

export function looksLikeRange(text: string): boolean {
  const word = text.toLowerCase();
  return (
    word === 'today' || word === 'yesterday' || DAYS.test(word) || /^\d{4}-\d{2}-\d{2}(\.\.|$)/.test(word)
  );
}

function parseLocalDate(text: string, timeZone: string): Date | undefined {
  const match = DATE.exec(text);
  if (!match) return undefined;
  const [year, month, dayOfMonth] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const probe = new Date(Date.UTC(year, month - 1, dayOfMonth));
  if (
    probe.getUTCFullYear() !== year ||
    probe.getUTCMonth() !== month - 1 ||
    probe.getUTCDate() !== dayOfMonth
  ) {
    return undefined;
  }
  // Midnight of that calendar day in the zone (DST-safe: startOfDay in the zone from its noon).
  const noonUtc = new Date(Date.UTC(year, month - 1, dayOfMonth, 12));
  const zone = tz(timeZone);
  const local = startOfDay(noonUtc, { in: zone });
  if (format(local, 'yyyy-MM-dd', { in: zone }) === text) return local;
  // Zones far from UTC: noon UTC can be the next or previous local day; correct by one.
  const shifted = addDays(local, format(local, 'yyyy-MM-dd', { in: zone }) < text ? 1 : -1, { in: zone });
  return startOfDay(shifted, { in: zone });
}

function dayLabel(date: Date, timeZone: string): string {
  return format(date, 'EEE d MMM yyyy', { in: tz(timeZone) });
}

function spanLabel(from: Date, to: Date, timeZone: string): string {
  const zone = tz(timeZone);
  const sameYear = format(from, 'yyyy', { in: zone }) === format(to, 'yyyy', { in: zone });
  return `${format(from, sameYear ? 'd MMM' : 'd MMM yyyy', { in: zone })} – ${format(to, 'd MMM yyyy', { in: zone })}`;
}
