import { describe, expect, it } from 'vitest';
import { actionLabel, ago, bytes, categoryLabel, parseDate, parseList, parseTags, statusLabel, summaryText } from './format';

describe('format', () => {
  it('sizes', () => {
    expect(bytes(0)).toBe('0 B');
    expect(bytes(1023)).toBe('1023 B');
    expect(bytes(1536)).toBe('1.5 kB');
    expect(bytes(20 * 1024 * 1024)).toBe('20 MB');
    expect(bytes(-1)).toBe('');
  });
  it('reads PocketBase dates, with a space instead of the T', () => {
    expect(parseDate('2026-11-29 05:32:01.123Z')?.toISOString()).toBe('2026-11-29T05:32:01.123Z');
    expect(parseDate('')).toBeNull();
    expect(parseDate('nonsense')).toBeNull();
  });
  it('says how long ago', () => {
    const now = Date.parse('2026-11-29T12:00:00Z');
    expect(ago('2026-11-29 11:59:50.000Z', now)).toBe('just now');
    expect(ago('2026-11-29 11:55:00.000Z', now)).toBe('5 min ago');
    expect(ago('2026-11-29 09:00:00.000Z', now)).toBe('3 h ago');
  });
  it('labels', () => {
    expect(statusLabel('pending_upload')).toBe('Uploading');
    expect(statusLabel('ready')).toBe('Ready');
    expect(categoryLabel('price_list')).toBe('Price list');
    expect(categoryLabel('')).toBe('No category');
    expect(actionLabel('user.role_changed')).toBe('Changed a role');
    expect(actionLabel('something.new')).toBe('something.new');
  });
  it('parses tags and lists as people type them', () => {
    expect(parseTags(' Brakes, front   axle,brakes,, ')).toEqual(['brakes', 'front axle']);
    expect(parseList('a@x.example\nb@x.example, c@x.example;\n\n')).toEqual(['a@x.example', 'b@x.example', 'c@x.example']);
  });
  it('summarises audit entries', () => {
    expect(summaryText({ role: { from: 'member', to: 'manager' } })).toBe('role: member → manager');
    expect(summaryText('{"timezone":{"from":"UTC","to":"Europe/Berlin"},"report_schedule":{"from":"","to":"0 7 * * 1"}}')).toBe(
      'timezone: UTC → Europe/Berlin; report_schedule: (empty) → 0 7 * * 1',
    );
    expect(summaryText({ allowed_file_types: { from: ['pdf', 'csv'], to: [] } })).toBe('allowed_file_types: pdf, csv → (none)');
    expect(summaryText(null)).toBe('');
    expect(summaryText('plain words')).toBe('plain words');
  });
});
