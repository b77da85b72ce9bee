import { describe, expect, it } from 'vitest';
import { canonicalZone, DEFAULT_ZONE, timeZones, zoneToPropose } from './timezones';

const ZONES = timeZones(() => ['Europe/Berlin', 'America/New_York', 'America/Indiana/Indianapolis', 'Asia/Kolkata', 'Europe/Berlin']);

describe('time zones', () => {
  it('lists the browser zones once, sorted, with UTC first', () => {
    expect(ZONES).toEqual(['UTC', 'America/Indiana/Indianapolis', 'America/New_York', 'Asia/Kolkata', 'Europe/Berlin']);
    expect(timeZones(() => ['UTC', 'Europe/Paris'])).toEqual(['UTC', 'Europe/Paris']);
  });
  it('falls back to a short list when the browser lists none', () => {
    const fallback = timeZones(undefined);
    expect(fallback[0]).toBe(DEFAULT_ZONE);
    expect(fallback).toContain('Europe/Berlin');
    expect(timeZones(() => { throw new RangeError('unsupported'); })).toContain('America/Chicago');
  });
  it('this browser knows the zones dealerships use', () => {
    const real = timeZones();
    for (const z of ['UTC', 'Europe/Berlin', 'America/Chicago']) expect(real).toContain(z);
    expect(real.length).toBeGreaterThan(100);
  });
  it('proposes the browser zone only while the setting is the untouched default', () => {
    expect(zoneToPropose('UTC', 'Europe/Berlin', ZONES)).toBe('Europe/Berlin');
    expect(zoneToPropose('', 'Europe/Berlin', ZONES)).toBe('Europe/Berlin');
    expect(zoneToPropose('America/New_York', 'Europe/Berlin', ZONES)).toBeNull();
    expect(zoneToPropose('UTC', 'UTC', ZONES)).toBeNull();
    expect(zoneToPropose('UTC', 'Etc/UTC', ZONES)).toBeNull();
    expect(zoneToPropose('UTC', '', ZONES)).toBeNull();
    expect(zoneToPropose('UTC', 'Mars/Olympus_Mons', ZONES)).toBeNull();
  });
  it('turns what was typed into the zone name', () => {
    expect(canonicalZone('Europe/Berlin', ZONES)).toBe('Europe/Berlin');
    expect(canonicalZone('  europe/berlin ', ZONES)).toBe('Europe/Berlin');
    expect(canonicalZone('America/New York', ZONES)).toBe('America/New_York');
    expect(canonicalZone('berlin', ZONES)).toBe('Europe/Berlin');
    expect(canonicalZone('new york', ZONES)).toBe('America/New_York');
    expect(canonicalZone('Indianapolis', ZONES)).toBe('America/Indiana/Indianapolis');
    expect(canonicalZone('Atlantis', ZONES)).toBe('Atlantis');
    expect(canonicalZone('', ZONES)).toBe('');
  });
});
