/** Formatting helpers: sizes, dates, labels. */

export function bytes(n: number): string {
  if (!Number.isFinite(n) || n < 0) return '';
  if (n < 1024) return `${n} B`;
  const units = ['kB', 'MB', 'GB', 'TB'];
  let v = n / 1024;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v >= 10 ? Math.round(v) : Math.round(v * 10) / 10} ${units[i]}`;
}

/**
 * A document's size and who uploaded it, as the list shows them after the
 * file name: "42 kB · Demo Admin", or the size alone.
 */
export function sizeAndUploader(size: number, uploader: string | undefined | null): string {
  return [bytes(size), (uploader ?? '').trim()].filter(Boolean).join(' · ');
}

/** PocketBase dates are "2026-11-29 05:32:01.123Z" (a space, not a T). */
export function parseDate(s: string | undefined | null): Date | null {
  if (!s) return null;
  const d = new Date(s.replace(' ', 'T'));
  return Number.isNaN(d.getTime()) ? null : d;
}

export function dateTime(s: string | undefined | null, locale?: string): string {
  const d = parseDate(s);
  if (!d) return '';
  return d.toLocaleString(locale, { dateStyle: 'medium', timeStyle: 'short' });
}

/** "just now", "5 min ago", "3 h ago", else the date. */
export function ago(s: string | undefined | null, now = Date.now(), locale?: string): string {
  const d = parseDate(s);
  if (!d) return '';
  const sec = Math.round((now - d.getTime()) / 1000);
  if (sec < 45) return 'just now';
  if (sec < 3600) return `${Math.round(sec / 60)} min ago`;
  if (sec < 86400) return `${Math.round(sec / 3600)} h ago`;
  return d.toLocaleDateString(locale, { dateStyle: 'medium' });
}

const STATUS_LABELS: Record<string, string> = {
  pending_upload: 'Uploading',
  uploaded: 'Uploaded',
  processing: 'Processing',
  ready: 'Ready',
  failed: 'Failed',
};

export function statusLabel(status: string): string {
  return STATUS_LABELS[status] ?? status;
}

const CATEGORY_LABELS: Record<string, string> = {
  catalog: 'Catalog',
  price_list: 'Price list',
  bulletin: 'Service bulletin',
  manual: 'Manual',
  other: 'Other',
};

export function categoryLabel(c: string): string {
  return CATEGORY_LABELS[c] ?? (c || 'No category');
}

export function roleLabel(r: string): string {
  return r === 'admin' ? 'Admin' : r === 'manager' ? 'Manager' : r === 'member' ? 'Member' : r;
}

/** Tags as typed in one field, "brakes, Front axle" → ["brakes", "front axle"]. */
export function parseTags(s: string): string[] {
  const out: string[] = [];
  for (const raw of s.split(',')) {
    const t = raw.trim().replace(/\s+/g, ' ').toLowerCase();
    if (t && !out.includes(t)) out.push(t);
  }
  return out;
}

/** One email address a line (or separated by commas) → a list. */
export function parseList(s: string): string[] {
  return s
    .split(/[\n,;]/)
    .map((x) => x.trim())
    .filter(Boolean);
}

const ACTION_LABELS: Record<string, string> = {
  'user.invited': 'Invited a user',
  'user.role_changed': 'Changed a role',
  'user.deactivated': 'Deactivated a user',
  'user.reactivated': 'Reactivated a user',
  'user.renamed': 'Renamed a user',
  'user.deleted': 'Deleted a user',
  'user.invite_link_created': 'Made a set-password link',
  'tenant.created': 'Created the dealership',
  'tenant.settings_changed': 'Changed the settings',
  'tenant.deleted': 'Deleted the dealership',
  'tenant.suspended': 'Suspended the dealership',
  'tenant.activated': 'Activated the dealership',
};

export function actionLabel(action: string): string {
  return ACTION_LABELS[action] ?? action;
}

/**
 * What people call the fields of a dealership's settings and of a user, as
 * the settings form labels them and the audit log names them. Declared once:
 * the form and the log read them from here.
 */
export const FIELD_LABELS: Record<string, string> = {
  name: 'Name',
  slug: 'Short name',
  timezone: 'Time zone',
  allowed_file_types: 'File types people may upload',
  max_upload_mb: 'Upload limit (MB)',
  storage_quota_mb: 'Storage quota (MB)',
  monthly_message_quota: 'Messages a month',
  system_prompt: 'Instructions for the assistant',
  report_schedule: 'Report schedule',
  report_recipients: 'Report recipients',
  export_message_text: 'Message text in conversation exports',
  role: 'Role',
  active: 'Active',
  expires: 'Expires',
  password_set_before: 'Password set before',
};

/** A field's label; an unknown key reads as words ("new_field" → "New field"). */
export function fieldLabel(key: string): string {
  const known = FIELD_LABELS[key];
  if (known) return known;
  const words = key.replace(/[_.]+/g, ' ').trim();
  return words ? words.charAt(0).toUpperCase() + words.slice(1) : key;
}

function valueText(v: unknown): string {
  if (v === null || v === undefined || v === '') return '(empty)';
  if (v === true) return 'yes';
  if (v === false) return 'no';
  if (Array.isArray(v)) return v.map(valueText).join(', ') || '(none)';
  if (typeof v === 'object') {
    const o = v as Record<string, unknown>;
    if ('from' in o || 'to' in o) return `${valueText(o.from)} → ${valueText(o.to)}`;
    return Object.entries(o)
      .map(([k, x]) => `${fieldLabel(k)}: ${valueText(x)}`)
      .join('; ');
  }
  return String(v);
}

/** An audit entry's summary as one line: "Role: member → manager; Name: (empty) → Sam". */
export function summaryText(summary: unknown): string {
  if (summary === null || summary === undefined || summary === '') return '';
  if (typeof summary === 'string') {
    try {
      return summaryText(JSON.parse(summary));
    } catch {
      return summary;
    }
  }
  if (typeof summary !== 'object') return String(summary);
  if (Array.isArray(summary)) return valueText(summary);
  return Object.entries(summary as Record<string, unknown>)
    .map(([k, v]) => `${fieldLabel(k)}: ${valueText(v)}`)
    .join('; ');
}
