/**
 * The Usage dashboard's plain logic: the reply of the analytics API
 * (hooks/analytics; the names are a contract), date ranges in the tenant's
 * time zone, number formatting, quota thresholds and the CSV download.
 * Nothing here touches the DOM except `saveBlob`, which is handed a document.
 */

export interface AnalyticsTotals {
  questions: number;
  answers: number;
  failed: number;
  stopped: number;
  failureRate: number | null;
  activeUsers: number;
  tokensIn: number;
  tokensOut: number;
  retrievalOnly: number;
  llm: number;
  latencyP50Ms: number | null;
  latencyP95Ms: number | null;
  feedbackUp: number;
  feedbackDown: number;
  feedbackRatio: number | null;
  uploads: number;
  processed: number;
  processingFailed: number;
  signIns: number;
}

export interface AnalyticsDay {
  day: string;
  questions: number;
  answers: number;
  failed: number;
  activeUsers: number;
  tokensIn: number;
  tokensOut: number;
  latencyP50Ms: number | null;
  latencyP95Ms: number | null;
}

export interface AnalyticsTenantRow {
  id: string;
  name: string;
  questions: number;
  activeUsers: number;
  failureRate: number | null;
  tokensIn: number;
  tokensOut: number;
  storageUsedBytes: number;
}

export interface AnalyticsReply {
  tenant: { id: string; name: string; timezone: string } | null;
  from: string;
  to: string;
  totals: AnalyticsTotals;
  days: AnalyticsDay[] | null;
  models: { model: string; answers: number; tokensIn: number; tokensOut: number }[] | null;
  topDocuments: { document: string; title: string; citations: number }[] | null;
  topUsers: { user: string; name: string; questions: number }[] | null;
  documentsByStatus: Record<string, number> | null;
  storage: { usedBytes: number; quotaBytes: number } | null;
  messageQuota: { used: number; quota: number; resetsOn: string } | null;
  tenants?: AnalyticsTenantRow[] | null;
}

/** The longest range the API answers, in days (both ends included). */
export const MAX_RANGE_DAYS = 366;

export type Preset = '7d' | '30d' | '90d' | 'month' | 'custom';

export const PRESETS: { id: Preset; label: string }[] = [
  { id: '7d', label: 'Last 7 days' },
  { id: '30d', label: 'Last 30 days' },
  { id: '90d', label: 'Last 90 days' },
  { id: 'month', label: 'This month' },
  { id: 'custom', label: 'Custom' },
];

export interface DateRange {
  from: string;
  to: string;
}

const ISO_DAY = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Whether s is a real calendar day written YYYY-MM-DD. */
export function isDay(s: string | null | undefined): s is string {
  const m = s ? ISO_DAY.exec(s) : null;
  if (!m) return false;
  const d = new Date(Date.UTC(+m[1], +m[2] - 1, +m[3]));
  return d.getUTCFullYear() === +m[1] && d.getUTCMonth() === +m[2] - 1 && d.getUTCDate() === +m[3];
}

/**
 * Today's date in a time zone, YYYY-MM-DD: the tenant's "today", which is what
 * the server's daily rollup calls today. An unknown zone falls back to UTC.
 */
export function todayIn(timeZone: string | undefined, now: Date = new Date()): string {
  const fmt = (tz: string) =>
    new Intl.DateTimeFormat('en-CA', { timeZone: tz, year: 'numeric', month: '2-digit', day: '2-digit' }).format(now);
  try {
    return fmt(timeZone || 'UTC');
  } catch {
    return fmt('UTC');
  }
}

/** day + n days (n may be negative), on the calendar: no time zone or DST involved. */
export function addDays(day: string, n: number): string {
  const [y, m, d] = day.split('-').map(Number);
  return new Date(Date.UTC(y, m - 1, d + n)).toISOString().slice(0, 10);
}

/** Days from `from` to `to`, both included (0 or less when reversed). */
export function rangeDays(from: string, to: string): number {
  const ms = (s: string) => {
    const [y, m, d] = s.split('-').map(Number);
    return Date.UTC(y, m - 1, d);
  };
  return Math.round((ms(to) - ms(from)) / 86_400_000) + 1;
}

/** The range a preset stands for, ending today in the tenant's zone. */
export function presetRange(preset: Exclude<Preset, 'custom'>, today: string): DateRange {
  switch (preset) {
    case '7d':
      return { from: addDays(today, -6), to: today };
    case '30d':
      return { from: addDays(today, -29), to: today };
    case '90d':
      return { from: addDays(today, -89), to: today };
    case 'month':
      return { from: today.slice(0, 8) + '01', to: today };
  }
}

/**
 * A custom range's problem, said the way a person can fix it, or '' when the
 * server may be asked. The server checks the same (and its 400 is shown as it
 * is); checking here saves a round trip and names the field.
 */
export function rangeProblem(from: string, to: string): string {
  if (!isDay(from) || !isDay(to)) return 'Enter both dates, as YYYY-MM-DD.';
  const n = rangeDays(from, to);
  if (n < 1) return 'The start date is after the end date.';
  if (n > MAX_RANGE_DAYS) return `That is ${n} days; a range can cover at most ${MAX_RANGE_DAYS} days.`;
  return '';
}

/**
 * The range in the URL (?range=30d, or ?from=…&to=… for a custom one) → the
 * preset and dates to ask for. A missing or unknown range is the last 30 days.
 * A custom range is passed on as typed, even when wrong: the server says why.
 */
export function rangeFromQuery(q: URLSearchParams, today: string): { preset: Preset } & DateRange {
  const from = q.get('from') ?? '';
  const to = q.get('to') ?? '';
  if (from || to) return { preset: 'custom', from, to };
  const r = q.get('range') as Preset | null;
  const preset = r && r !== 'custom' && PRESETS.some((p) => p.id === r) ? r : '30d';
  return { preset, ...presetRange(preset as Exclude<Preset, 'custom'>, today) };
}

/** The query that means a preset or a custom range, for the page's URL. */
export function rangeQuery(preset: Preset, range: DateRange): Record<string, string | undefined> {
  if (preset === 'custom') return { from: range.from, to: range.to };
  return { range: preset === '30d' ? undefined : preset };
}

// ---------------------------------------------------------------- formatting

const DASH = '—';

/** A count with grouping ("12,345"), a dash for no data. */
export function count(n: number | null | undefined, locale?: string): string {
  if (n === null || n === undefined || !Number.isFinite(n)) return DASH;
  return new Intl.NumberFormat(locale).format(n);
}

/** A large count kept short: 950, 12.3k, 4.5M. */
export function compact(n: number | null | undefined, locale?: string): string {
  if (n === null || n === undefined || !Number.isFinite(n)) return DASH;
  return new Intl.NumberFormat(locale, { notation: 'compact', maximumFractionDigits: 1 }).format(n);
}

/** A fraction (0.123) as a percentage ("12.3 %"); whole numbers lose the decimal. */
export function percent(f: number | null | undefined, locale?: string): string {
  if (f === null || f === undefined || !Number.isFinite(f)) return DASH;
  const v = Math.round(f * 1000) / 10;
  return `${new Intl.NumberFormat(locale, { maximumFractionDigits: 1 }).format(v)} %`;
}

/** A latency: "850 ms" below a second, else "1.2 s" / "14 s". */
export function duration(ms: number | null | undefined, locale?: string): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return DASH;
  if (ms < 1000) return `${Math.round(ms)} ms`;
  const s = ms / 1000;
  return `${new Intl.NumberFormat(locale, { maximumFractionDigits: s < 10 ? 1 : 0 }).format(s)} s`;
}

/** A day as people read it ("Nov 3"), from YYYY-MM-DD, without time-zone shifts. */
export function shortDay(day: string, locale?: string): string {
  if (!isDay(day)) return day;
  const [y, m, d] = day.split('-').map(Number);
  return new Date(Date.UTC(y, m - 1, d)).toLocaleDateString(locale, { month: 'short', day: 'numeric', timeZone: 'UTC' });
}

/** A day in full ("1 December 2026" / "December 1, 2026"), from YYYY-MM-DD. */
export function longDay(day: string, locale?: string): string {
  if (!isDay(day)) return day;
  const [y, m, d] = day.split('-').map(Number);
  return new Date(Date.UTC(y, m - 1, d)).toLocaleDateString(locale, { dateStyle: 'long', timeZone: 'UTC' });
}

// ------------------------------------------------------------------- quotas

/** Above this share of a quota the bar turns to the warning colour. */
export const WARN_AT = 0.8;

export type QuotaLevel = 'none' | 'ok' | 'warn' | 'full';

export interface QuotaUse {
  level: QuotaLevel;
  /** used / quota, 0…1 for the bar (clamped); null without a quota */
  fraction: number | null;
  /** the percentage as a person reads it, '' without a quota */
  label: string;
}

/**
 * Usage against a quota: 'none' when there is no quota (0), 'warn' above 80 %,
 * 'full' at or over it (the server refuses from then on), else 'ok'.
 */
export function quotaUse(used: number | null | undefined, quota: number | null | undefined): QuotaUse {
  const u = Math.max(0, used ?? 0);
  if (!quota || quota <= 0) return { level: 'none', fraction: null, label: '' };
  const f = u / quota;
  const level: QuotaLevel = f >= 1 ? 'full' : f > WARN_AT ? 'warn' : 'ok';
  return { level, fraction: Math.min(1, f), label: percent(f) };
}

/** Share of answers without an AI model, as a fraction, null without answers. */
export function retrievalShare(t: Pick<AnalyticsTotals, 'retrievalOnly' | 'llm'>): number | null {
  const n = (t.retrievalOnly ?? 0) + (t.llm ?? 0);
  return n > 0 ? (t.retrievalOnly ?? 0) / n : null;
}

/** The document statuses in the order the dashboard lists them. */
export const DOC_STATUSES = ['ready', 'processing', 'failed'] as const;

// --------------------------------------------------------------------- chart

/** The per-day series with a row for every day of the range (days without data are zeros). */
export function fillDays(days: AnalyticsDay[] | null | undefined, from: string, to: string): AnalyticsDay[] {
  const byDay = new Map((days ?? []).map((d) => [d.day, d]));
  const out: AnalyticsDay[] = [];
  const n = isDay(from) && isDay(to) ? Math.min(rangeDays(from, to), MAX_RANGE_DAYS) : 0;
  for (let i = 0; i < n; i++) {
    const day = addDays(from, i);
    out.push(
      byDay.get(day) ?? {
        day,
        questions: 0,
        answers: 0,
        failed: 0,
        activeUsers: 0,
        tokensIn: 0,
        tokensOut: 0,
        latencyP50Ms: null,
        latencyP95Ms: null,
      },
    );
  }
  return out;
}

/** A sentence that says what the per-day chart shows, for its aria-label. */
export function daysSummary(days: AnalyticsDay[], locale?: string): string {
  if (days.length === 0) return 'No days in this range.';
  const total = days.reduce((a, d) => a + (d.questions ?? 0), 0);
  const failed = days.reduce((a, d) => a + (d.failed ?? 0), 0);
  const first = longDay(days[0].day, locale);
  const last = longDay(days[days.length - 1].day, locale);
  if (total === 0) return `Questions per day from ${first} to ${last}: none.`;
  const busiest = days.reduce((a, d) => ((d.questions ?? 0) > (a.questions ?? 0) ? d : a));
  return (
    `Questions per day from ${first} to ${last}: ${count(total, locale)} in all, ` +
    `${count(failed, locale)} failed; the busiest day was ${longDay(busiest.day, locale)} with ${count(busiest.questions, locale)}.`
  );
}

// ---------------------------------------------------------------------- API

/** The two CSV exports of the analytics API. */
export type ExportKind = 'usage' | 'conversations';

export function analyticsPath(range: DateRange): string {
  return `/api/analytics?${new URLSearchParams({ from: range.from, to: range.to })}`;
}

export function adminAnalyticsPath(range: DateRange, tenant?: string): string {
  const q = new URLSearchParams({ from: range.from, to: range.to });
  if (tenant) q.set('tenant', tenant);
  return `/api/admin/analytics?${q}`;
}

/** How an export is written (hooks/analytics/csvformat.go): comma-separated, or for Excel in comma-decimal languages. */
export type ExportFormat = 'csv' | 'excel-semicolon';

export const EXPORT_FORMATS: { id: ExportFormat; label: string }[] = [
  { id: 'csv', label: 'CSV' },
  { id: 'excel-semicolon', label: 'CSV for Excel (semicolon)' },
];

export function exportPath(kind: ExportKind, range: DateRange, format: ExportFormat = 'csv'): string {
  const q = new URLSearchParams({ from: range.from, to: range.to });
  if (format !== 'csv') q.set('format', format);
  return `/api/analytics/export/${kind}.csv?${q}`;
}

/** IT's export of one dealership's daily usage. */
export function adminExportPath(range: DateRange, tenant: string): string {
  return `/api/admin/analytics/export/usage.csv?${new URLSearchParams({ tenant, from: range.from, to: range.to })}`;
}

/** The file name of a download: the server's Content-Disposition, else a fallback. */
export function fileNameFrom(disposition: string | null | undefined, fallback: string): string {
  if (disposition) {
    const star = /filename\*\s*=\s*UTF-8''([^;]+)/i.exec(disposition);
    if (star) {
      try {
        return decodeURIComponent(star[1].trim().replace(/^"|"$/g, ''));
      } catch {
        /* fall through to the plain name */
      }
    }
    const plain = /filename\s*=\s*"?([^";]+)"?/i.exec(disposition);
    if (plain) return plain[1].trim();
  }
  return fallback;
}

/** An error a download failed with, carrying the server's message. */
export class DownloadError extends Error {
  constructor(
    message: string,
    readonly status: number,
  ) {
    super(message);
  }
}

/**
 * Downloads a file from an API route that needs the Authorization header
 * (a plain link cannot send it): fetch → Blob → a temporary object URL
 * clicked as a download. Resolves to the file name; rejects with a
 * DownloadError carrying the server's message.
 */
export async function downloadWithAuth(
  url: string,
  token: string,
  fallbackName: string,
  deps: { fetch: typeof fetch; save: (blob: Blob, name: string) => void } = { fetch: (...a) => fetch(...a), save: saveBlob },
): Promise<string> {
  let res: Response;
  try {
    res = await deps.fetch(url, { headers: token ? { Authorization: token } : {}, credentials: 'same-origin' });
  } catch {
    throw new DownloadError('Counterpart cannot be reached. Check the network connection, then try again.', 0);
  }
  if (!res.ok) {
    let msg = '';
    try {
      msg = ((await res.json()) as { message?: string }).message?.trim() ?? '';
    } catch {
      /* not JSON */
    }
    throw new DownloadError(msg || `The download failed (${res.status}). Try again in a moment.`, res.status);
  }
  const name = fileNameFrom(res.headers.get('Content-Disposition'), fallbackName);
  deps.save(await res.blob(), name);
  return name;
}

/** Hands a Blob to the browser as a download named name. */
export function saveBlob(blob: Blob, name: string, doc: Document = document): void {
  const href = URL.createObjectURL(blob);
  const a = doc.createElement('a');
  a.href = href;
  a.download = name;
  a.hidden = true;
  doc.body.appendChild(a);
  a.click();
  a.remove();
  // the click has started the download; give the browser a moment before the URL goes
  setTimeout(() => URL.revokeObjectURL(href), 10_000);
}
