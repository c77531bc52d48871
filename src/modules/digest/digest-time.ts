import { TZDate, tz } from '@date-fns/tz';
import { addDays } from 'date-fns/addDays';
import { format } from 'date-fns/format';
import { getISODay } from 'date-fns/getISODay';
import { startOfDay } from 'date-fns/startOfDay';

/** ISO weekdays, 1 = Monday … 7 = Sunday. */
export const WEEKDAYS = [1, 2, 3, 4, 5] as const;

/**
 * A digest missed at its time (every replica was down) still goes out when the app is back within
 * this long; later than that, yesterday's news is skipped rather than posted in the evening.
 */
export const CATCH_UP_MS = 3 * 60 * 60_000;

/** `9:00`, `09:00`, `17:30` → `HH:MM`; anything else → undefined. */
export function parseLocalTime(text: string | undefined): string | undefined {
  const match = /^([01]?\d|2[0-3]):([0-5]\d)$/.exec(text?.trim() ?? '');
  if (!match) return undefined;
  return `${match[1]!.padStart(2, '0')}:${match[2]}`;
}

/**
 * The canonical IANA name for a zone as typed (`america/new_york` → `America/New_York`), or
 * undefined when the runtime does not know it. Offsets like `+02:00` are refused: they ignore DST.
 */
export function canonicalTimeZone(text: string | undefined): string | undefined {
  const name = text?.trim();
  if (!name || /^[+-]?\d/.test(name)) return undefined;
  try {
    return new Intl.DateTimeFormat('en-US', { timeZone: name }).resolvedOptions().timeZone;
  } catch {
    return undefined;
  }
}

/** `YYYY-MM-DD` of an instant in a zone. */
export function localDateOf(instant: Date, timeZone: string): string {
  return format(instant, 'yyyy-MM-dd', { in: tz(timeZone) });
}

function midnight(localDate: string, timeZone: string): TZDate {
  const [year, month, day] = localDate.split('-').map(Number) as [number, number, number];
  // startOfDay also covers zones whose clocks jump at midnight (the day then starts at 01:00).
  return startOfDay(new TZDate(year, month - 1, day, 12, 0, timeZone), { in: tz(timeZone) });
}

/** The instant `HH:MM` on a local date in a zone (a time skipped by DST moves forward, as clocks do). */
export function slotInstant(localDate: string, localTime: string, timeZone: string): Date {
  const [year, month, day] = localDate.split('-').map(Number) as [number, number, number];
  const [hours, minutes] = localTime.split(':').map(Number) as [number, number];
  return new Date(new TZDate(year, month - 1, day, hours, minutes, timeZone).getTime());
}

export interface DigestWindow {
  /** First instant covered (midnight of the previous working day, local). */
  start: Date;
  /** First instant not covered (midnight of the digest's day, local). */
  end: Date;
  /** Local dates covered, inclusive: Friday and Sunday for a Monday digest. */
  firstDay: string;
  lastDay: string;
  /** The digest's own date (the day it is posted). */
  localDate: string;
  timeZone: string;
}

/**
 * What the digest posted on `localDate` covers: the previous working day (Monday to Friday), and
 * any days between it and the digest — so Monday's digest covers Friday, Saturday and Sunday.
 */
export function digestWindowFor(localDate: string, timeZone: string): DigestWindow {
  const zone = tz(timeZone);
  const end = midnight(localDate, timeZone);
  let first = addDays(end, -1, { in: zone });
  while (getISODay(first, { in: zone }) > 5) first = addDays(first, -1, { in: zone });
  const start = startOfDay(first, { in: zone });
  return {
    start: new Date(start.getTime()),
    end: new Date(end.getTime()),
    firstDay: format(start, 'yyyy-MM-dd', { in: zone }),
    lastDay: format(addDays(end, -1, { in: zone }), 'yyyy-MM-dd', { in: zone }),
    localDate,
    timeZone,
  };
}

export interface ScheduleTiming {
  localTime: string;
  timezone: string;
  weekdays: number[];
  /** Last change of the schedule: a slot before it is not owed (setting 09:00 at 10:00 posts tomorrow). */
  effectiveFrom: Date;
}

/**
 * The local date whose digest is owed at `now`, if any: today is one of the schedule's weekdays,
 * its local time has come (in the schedule's zone, whatever the offset is today), and it is not
 * older than the catch-up window.
 */
export function owedLocalDate(
  schedule: ScheduleTiming,
  now: Date,
  catchUpMs = CATCH_UP_MS,
): string | undefined {
  const localDate = localDateOf(now, schedule.timezone);
  const weekday = getISODay(now, { in: tz(schedule.timezone) });
  if (!schedule.weekdays.includes(weekday)) return undefined;
  const slot = slotInstant(localDate, schedule.localTime, schedule.timezone);
  const late = now.getTime() - slot.getTime();
  if (late < 0 || late > catchUpMs) return undefined;
  if (slot.getTime() < schedule.effectiveFrom.getTime()) return undefined;
  return localDate;
}
