import { describe, expect, it } from 'vitest';
import {
  looksLikeRange,
  parseActivityRange,
  parseSince,
  thisWeek,
} from '../../src/modules/activity/activity-range.ts';

/** Tuesday 10 March 2026 08:00 in Los Angeles (PDT from Sunday 8 March), 15:00 UTC. */
const NOW = new Date('2026-03-10T15:00:00Z');
const LA = { now: NOW, timeZone: 'America/Los_Angeles' };

function window(text: string | undefined, options = LA) {
  const parsed = parseActivityRange(text, options);
  if (!parsed.ok) throw new Error(parsed.message);
  return {
    start: parsed.window.start.toISOString(),
    end: parsed.window.end.toISOString(),
    label: parsed.window.label,
  };
}

describe('activity ranges in a time zone', () => {
  it('today and yesterday are local calendar days', () => {
    expect(window('today')).toEqual({
      start: '2026-03-10T07:00:00.000Z',
      end: '2026-03-11T07:00:00.000Z',
      label: 'today (Tue 10 Mar 2026)',
    });
    expect(window('YESTERDAY')).toMatchObject({
      start: '2026-03-09T07:00:00.000Z',
      end: '2026-03-10T07:00:00.000Z',
    });
  });

  it('Nd spans N local days including today, across a DST change', () => {
    // 4 March is still PST (UTC-8): local midnight is 08:00 UTC.
    expect(window('7d')).toEqual({
      start: '2026-03-04T08:00:00.000Z',
      end: '2026-03-11T07:00:00.000Z',
      label: 'last 7 days (4 Mar – 10 Mar 2026)',
    });
    expect(window(undefined)).toEqual(window('7d'));
    expect(window('30d').start).toBe('2026-02-09T08:00:00.000Z');
    expect(window('1d')).toEqual({ ...window('today'), label: 'last 1 day (10 Mar – 10 Mar 2026)' });
  });

  it('reads explicit dates and ranges as whole local days', () => {
    expect(window('2026-03-01..2026-03-08')).toEqual({
      start: '2026-03-01T08:00:00.000Z',
      end: '2026-03-09T07:00:00.000Z',
      label: '1 Mar – 8 Mar 2026',
    });
    expect(window('2025-12-30..2026-01-02').label).toBe('30 Dec 2025 – 2 Jan 2026');
    expect(window('2026-03-08')).toMatchObject({
      start: '2026-03-08T08:00:00.000Z',
      end: '2026-03-09T07:00:00.000Z',
      label: 'Sun 8 Mar 2026',
    });
  });

  it('finds local midnight in zones far from UTC', () => {
    const kiritimati = { now: NOW, timeZone: 'Pacific/Kiritimati' };
    expect(window('2026-03-08', kiritimati).start).toBe('2026-03-07T10:00:00.000Z');
    const samoa = { now: NOW, timeZone: 'Pacific/Pago_Pago' };
    expect(window('2026-03-08', samoa).start).toBe('2026-03-08T11:00:00.000Z');
  });

  it('explains what it cannot read', () => {
    const message = (text: string) => {
      const parsed = parseActivityRange(text, LA);
      return parsed.ok ? 'ok' : parsed.message;
    };
    expect(message('2026-02-30')).toContain('That date does not exist');
    expect(message('2026-03-08..2026-03-01')).toContain('ends before it starts');
    expect(message('0d')).toContain('between 1 and 366 days');
    expect(message('2024-01-01..2026-01-01')).toContain('at most 366 days');
    expect(message('lastweek')).toContain('I don’t understand the range `lastweek`');
    expect(message('2026-03-01..2026-03-02..2026-03-03')).toContain('I don’t understand');
  });

  it('this week starts on Monday', () => {
    const week = thisWeek(NOW, 'America/Los_Angeles');
    expect(week.start.toISOString()).toBe('2026-03-09T07:00:00.000Z');
    expect(week.label).toBe('this week (9 Mar – 10 Mar 2026)');
  });

  it('since for /pulse fetch is a start instant, never in the future', () => {
    const since = parseSince('2026-03-01', LA);
    expect(since.ok && since.since.toISOString()).toBe('2026-03-01T08:00:00.000Z');
    const future = parseSince('2026-04-01', LA);
    expect(future.ok ? 'ok' : future.message).toContain('in the future');
    const words = parseSince('soon', LA);
    expect(words.ok ? 'ok' : words.message).toContain('`7d`, `30d` or a date');
  });

  it('tells range words from other words', () => {
    expect(
      ['today', 'yesterday', '7d', '30d', '2026-03-01', '2026-03-01..2026-03-02'].every(looksLikeRange),
    ).toBe(true);
    expect(['gitlab', 'dev', 'd7', 'lastweek'].some(looksLikeRange)).toBe(false);
  });
});
