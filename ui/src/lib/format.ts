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
  'tenant.created': 'Created the dealership',
  'tenant.settings_changed': 'Changed the settings',
  'tenant.deleted': 'Deleted the dealership',
  'tenant.suspended': 'Suspended the dealership',
  'tenant.activated': 'Activated the dealership',
};

export function actionLabel(action: string): string {
  return ACTION_LABELS[action] ?? action;
}

function valueText(v: unknown): string {
  if (v === null || v === undefined || v === '') return '(empty)';
  if (Array.isArray(v)) return v.map(valueText).join(', ') || '(none)';
  if (typeof v === 'object') {
    const o = v as Record<string, unknown>;
    if ('from' in o || 'to' in o) return `${valueText(o.from)} → ${valueText(o.to)}`;
    return Object.entries(o)
      .map(([k, x]) => `${k}: ${valueText(x)}`)
      .join('; ');
  }
  return String(v);
}

/** An audit entry's summary as one line: "role: member → manager; name: (empty) → Sam". */
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
    .map(([k, v]) => `${k}: ${valueText(v)}`)
    .join('; ');
}
