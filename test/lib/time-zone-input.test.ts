import { describe, expect, it } from 'vitest';
import { parseTimeZoneInput } from '../../src/lib/time-zone-input.ts';

describe('parseTimeZoneInput', () => {
  it('takes IANA names in any case, and UTC', () => {
    expect(parseTimeZoneInput('europe/berlin')).toEqual({ ok: true, timeZone: 'Europe/Berlin' });
    expect(parseTimeZoneInput('America/New_York')).toEqual({ ok: true, timeZone: 'America/New_York' });
    expect(parseTimeZoneInput('utc')).toEqual({ ok: true, timeZone: 'UTC' });
  });

  it('never maps an abbreviation: CET suggests the places that use it', () => {
    const cet = parseTimeZoneInput('CET');
    expect(cet.ok).toBe(false);
    if (cet.ok) return;
    expect(cet.message).toContain('use an IANA name such as `Europe/Paris`, `Europe/Berlin`');
    expect(cet.message).not.toContain('Brussels');
    const est = parseTimeZoneInput('est');
    expect(!est.ok && est.message).toContain('`America/New_York`');
  });

  it('refuses offsets and rule names, which ignore daylight saving time', () => {
    for (const text of ['+02:00', 'UTC+2', 'Etc/GMT+5', 'EST5EDT']) {
      expect(parseTimeZoneInput(text).ok, text).toBe(false);
    }
  });

  it('suggests the zone of a city typed alone, or of a misspelt name', () => {
    const berlin = parseTimeZoneInput('Berlin');
    expect(!berlin.ok && berlin.message).toContain('Did you mean `Europe/Berlin`?');
    const typo = parseTimeZoneInput('Europe/Berln');
    expect(!typo.ok && typo.message).toContain('`Europe/Berlin`');
    const none = parseTimeZoneInput('Mars/Olympus');
    expect(!none.ok && none.message).toContain('I don’t know the time zone `Mars/Olympus`: use an IANA name');
  });
});
