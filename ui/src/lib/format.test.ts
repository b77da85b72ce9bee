import { describe, expect, it } from 'vitest';
import { actionLabel, ago, bytes, categoryLabel, fieldLabel, FIELD_LABELS, parseDate, parseList, parseTags, sizeAndUploader, statusLabel, summaryText } from './format';

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
    expect(summaryText({ role: { from: 'member', to: 'manager' } })).toBe('Role: member → manager');
    expect(summaryText('{"timezone":{"from":"UTC","to":"Europe/Berlin"},"report_schedule":{"from":"","to":"0 7 * * 1"}}')).toBe(
      'Time zone: UTC → Europe/Berlin; Report schedule: (empty) → 0 7 * * 1',
    );
    expect(summaryText({ allowed_file_types: { from: ['pdf', 'csv'], to: [] } })).toBe('File types people may upload: pdf, csv → (none)');
    expect(summaryText({ max_upload_mb: { from: 100, to: 250 } })).toBe('Upload limit (MB): 100 → 250');
    expect(summaryText({ export_message_text: { from: false, to: true } })).toBe('Message text in conversation exports: no → yes');
    expect(summaryText(null)).toBe('');
    expect(summaryText('plain words')).toBe('plain words');
  });
  it('labels every settings field the server audits, and unknown keys as words', () => {
    // hooks/tenancy: settingFields + slug, userFields, the set-password link's summary
    for (const k of ['name', 'system_prompt', 'allowed_file_types', 'max_upload_mb', 'storage_quota_mb', 'monthly_message_quota',
      'timezone', 'report_schedule', 'report_recipients', 'export_message_text', 'slug', 'role', 'active', 'expires', 'password_set_before']) {
      expect(FIELD_LABELS[k], k).toBeTruthy();
      expect(fieldLabel(k)).not.toContain('_');
    }
    expect(fieldLabel('max_upload_mb')).toBe('Upload limit (MB)');
    expect(fieldLabel('brand_new_field')).toBe('Brand new field');
    expect(actionLabel('user.invite_link_created')).toBe('Made a set-password link');
  });
  it('joins size and uploader with a space either side of the dot', () => {
    expect(sizeAndUploader(42 * 1024, 'Demo Admin')).toBe('42 kB · Demo Admin');
    expect(sizeAndUploader(42 * 1024, '')).toBe('42 kB');
    expect(sizeAndUploader(42 * 1024, undefined)).toBe('42 kB');
    expect(sizeAndUploader(-1, 'Demo Admin')).toBe('Demo Admin');
  });
});
