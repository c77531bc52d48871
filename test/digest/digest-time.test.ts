import { describe, expect, it } from 'vitest';
import {
  canonicalTimeZone,
  digestWindowFor,
  owedLocalDate,
  parseLocalTime,
  slotInstant,
} from '../../src/modules/digest/digest-time.ts';

const newYork = {
  localTime: '09:00',
  timezone: 'America/New_York',
  weekdays: [1, 2, 3, 4, 5],
  effectiveFrom: new Date('2026-01-01T00:00:00Z'),
};

describe('digest time rules', () => {
  it('reads HH:MM times and refuses anything else', () => {
    expect(parseLocalTime('9:00')).toBe('09:00');
    expect(parseLocalTime('17:30')).toBe('17:30');
    expect(parseLocalTime('23:59')).toBe('23:59');
    for (const bad of ['24:00', '9', '9am', '09:60', '9:5', '', undefined]) {
      expect(parseLocalTime(bad)).toBeUndefined();
    }
  });

  it('knows IANA zones in any case, and refuses unknown names and fixed offsets', () => {
    expect(canonicalTimeZone('america/new_york')).toBe('America/New_York');
    expect(canonicalTimeZone('Europe/Berlin')).toBe('Europe/Berlin');
    expect(canonicalTimeZone('UTC')).toBe('UTC');
    expect(canonicalTimeZone('Mars/Olympus_Mons')).toBeUndefined();
    expect(canonicalTimeZone('+02:00')).toBeUndefined();
  });

  it('puts 09:00 New York at 14:00 UTC in winter and 13:00 UTC in summer', () => {
    expect(slotInstant('2026-03-06', '09:00', 'America/New_York').toISOString()).toBe(
      '2026-03-06T14:00:00.000Z',
    );
    expect(slotInstant('2026-03-09', '09:00', 'America/New_York').toISOString()).toBe(
      '2026-03-09T13:00:00.000Z',
    );
    // 02:30 does not exist on the spring-forward night: the clock reads 03:30 then.
    expect(slotInstant('2026-03-08', '02:30', 'America/New_York').toISOString()).toBe(
      '2026-03-08T07:30:00.000Z',
    );
  });

  it('owes the digest from 09:00 local on weekdays, across the spring DST change', () => {
    expect(owedLocalDate(newYork, new Date('2026-03-06T13:59:00Z'))).toBeUndefined();
    expect(owedLocalDate(newYork, new Date('2026-03-06T14:00:00Z'))).toBe('2026-03-06');
    expect(owedLocalDate(newYork, new Date('2026-03-07T14:00:00Z'))).toBeUndefined(); // Saturday
    expect(owedLocalDate(newYork, new Date('2026-03-09T12:59:00Z'))).toBeUndefined();
    expect(owedLocalDate(newYork, new Date('2026-03-09T13:00:00Z'))).toBe('2026-03-09');
  });

  it('does not owe a slot that passed before the schedule was set, nor one hours ago', () => {
    const setLate = { ...newYork, effectiveFrom: new Date('2026-03-09T15:00:00Z') };
    expect(owedLocalDate(setLate, new Date('2026-03-09T15:01:00Z'))).toBeUndefined();
    expect(owedLocalDate(setLate, new Date('2026-03-10T13:00:00Z'))).toBe('2026-03-10');
    expect(owedLocalDate(newYork, new Date('2026-03-09T16:00:00Z'))).toBe('2026-03-09');
    expect(owedLocalDate(newYork, new Date('2026-03-09T16:01:00Z'))).toBeUndefined();
  });

  it('covers Friday to Sunday on Monday, and the day before otherwise, in local midnights', () => {
    const monday = digestWindowFor('2026-03-09', 'America/New_York');
    expect(monday).toMatchObject({ firstDay: '2026-03-06', lastDay: '2026-03-08', localDate: '2026-03-09' });
    expect(monday.start.toISOString()).toBe('2026-03-06T05:00:00.000Z');
    expect(monday.end.toISOString()).toBe('2026-03-09T04:00:00.000Z');
    const tuesday = digestWindowFor('2026-03-10', 'America/New_York');
    expect(tuesday).toMatchObject({ firstDay: '2026-03-09', lastDay: '2026-03-09' });
    expect(tuesday.start.toISOString()).toBe('2026-03-09T04:00:00.000Z');
    expect(tuesday.end.toISOString()).toBe('2026-03-10T04:00:00.000Z');
    const sunday = digestWindowFor('2026-03-08', 'Europe/Berlin');
    expect(sunday).toMatchObject({ firstDay: '2026-03-06', lastDay: '2026-03-07' });
  });
});
