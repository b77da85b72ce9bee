import { describe, expect, it, vi } from 'vitest';
import {
  addDays,
  compact,
  count,
  daysSummary,
  downloadWithAuth,
  duration,
  exportPath,
  adminAnalyticsPath,
  adminExportPath,
  analyticsPath,
  fileNameFrom,
  fillDays,
  isDay,
  percent,
  presetRange,
  quotaUse,
  rangeDays,
  rangeFromQuery,
  rangeProblem,
  rangeQuery,
  retrievalShare,
  saveBlob,
  todayIn,
  DownloadError,
} from './analytics';

describe('dates in the tenant zone', () => {
  it("knows today's date in a time zone, around midnight", () => {
    // 23:30 UTC on Nov 30 is already Dec 1 in Berlin (UTC+1) and still Nov 30 in New York
    const t = new Date('2026-11-30T23:30:00Z');
    expect(todayIn('Europe/Berlin', t)).toBe('2026-12-01');
    expect(todayIn('America/New_York', t)).toBe('2026-11-30');
    expect(todayIn('UTC', t)).toBe('2026-11-30');
    expect(todayIn('Not/AZone', t)).toBe('2026-11-30');
    expect(todayIn('', t)).toBe('2026-11-30');
  });
  it('counts calendar days across DST changes, months and leap years', () => {
    expect(addDays('2026-03-28', 2)).toBe('2026-03-30'); // Europe's DST switch is Mar 29
    expect(addDays('2026-03-01', -1)).toBe('2026-02-28');
    expect(addDays('2028-03-01', -1)).toBe('2028-02-29');
    expect(addDays('2026-12-31', 1)).toBe('2027-01-01');
    expect(rangeDays('2026-11-01', '2026-11-01')).toBe(1);
    expect(rangeDays('2026-10-01', '2026-10-31')).toBe(31); // DST ends Oct 25 in Europe
    expect(rangeDays('2026-11-02', '2026-11-01')).toBe(0);
  });
  it('turns presets into ranges that end today', () => {
    const today = '2026-11-29';
    expect(presetRange('7d', today)).toEqual({ from: '2026-11-23', to: today });
    expect(presetRange('30d', today)).toEqual({ from: '2026-10-31', to: today });
    expect(presetRange('90d', today)).toEqual({ from: '2026-09-01', to: today });
    expect(presetRange('month', today)).toEqual({ from: '2026-11-01', to: today });
    expect(rangeDays(presetRange('90d', today).from, today)).toBe(90);
  });
  it('checks dates and the 366-day limit', () => {
    expect(isDay('2026-02-29')).toBe(false);
    expect(isDay('2028-02-29')).toBe(true);
    expect(isDay('2026-1-1')).toBe(false);
    expect(isDay('')).toBe(false);
    const cases: [string, string, RegExp | ''][] = [
      ['2026-01-01', '2026-12-31', ''],
      ['2025-11-29', '2026-11-29', ''], // 366 days
      ['2025-11-28', '2026-11-29', /367 days.*at most 366/],
      ['2016-01-01', '2026-01-01', /at most 366/],
      ['2026-11-29', '2026-11-01', /start date is after the end date/],
      ['', '2026-11-01', /both dates/],
      ['2026-13-01', '2026-11-01', /both dates/],
    ];
    for (const [from, to, want] of cases) {
      const got = rangeProblem(from, to);
      if (want === '') expect(got, `${from}–${to}`).toBe('');
      else expect(got, `${from}–${to}`).toMatch(want);
    }
  });
  it('reads and writes the range in the URL', () => {
    const today = '2026-11-29';
    expect(rangeFromQuery(new URLSearchParams(''), today)).toEqual({ preset: '30d', from: '2026-10-31', to: today });
    expect(rangeFromQuery(new URLSearchParams('range=7d'), today)).toEqual({ preset: '7d', from: '2026-11-23', to: today });
    expect(rangeFromQuery(new URLSearchParams('range=bogus'), today).preset).toBe('30d');
    expect(rangeFromQuery(new URLSearchParams('range=custom'), today).preset).toBe('30d');
    // a custom range goes to the server as typed, even reversed: its answer says why not
    expect(rangeFromQuery(new URLSearchParams('from=2026-11-20&to=2026-11-01'), today)).toEqual({
      preset: 'custom',
      from: '2026-11-20',
      to: '2026-11-01',
    });
    expect(rangeQuery('30d', { from: 'a', to: 'b' })).toEqual({ range: undefined });
    expect(rangeQuery('month', { from: 'a', to: 'b' })).toEqual({ range: 'month' });
    expect(rangeQuery('custom', { from: '2026-01-01', to: '2026-01-31' })).toEqual({ from: '2026-01-01', to: '2026-01-31' });
  });
});

describe('formatting', () => {
  it('formats counts, percentages and latencies, with a dash for no data', () => {
    expect(count(1234567, 'en-US')).toBe('1,234,567');
    expect(count(0, 'en-US')).toBe('0');
    expect(count(null)).toBe('—');
    expect(compact(950, 'en-US')).toBe('950');
    expect(compact(12_345, 'en-US')).toBe('12.3K');
    expect(percent(0.1234, 'en-US')).toBe('12.3 %');
    expect(percent(0.5, 'en-US')).toBe('50 %');
    expect(percent(1, 'en-US')).toBe('100 %');
    expect(percent(0, 'en-US')).toBe('0 %');
    expect(percent(null)).toBe('—');
    expect(percent(Number.NaN)).toBe('—');
    expect(duration(850)).toBe('850 ms');
    expect(duration(999.6)).toBe('1000 ms');
    expect(duration(1234, 'en-US')).toBe('1.2 s');
    expect(duration(14_400, 'en-US')).toBe('14 s');
    expect(duration(null)).toBe('—');
  });
  it('shares of retrieval-only answers', () => {
    expect(retrievalShare({ retrievalOnly: 1, llm: 3 })).toBe(0.25);
    expect(retrievalShare({ retrievalOnly: 0, llm: 0 })).toBeNull();
  });
});

describe('quotas', () => {
  it('is ok up to 80 %, a warning above, full at the quota; 0 means no quota', () => {
    const cases: [number, number, string, number | null][] = [
      [0, 100, 'ok', 0],
      [80, 100, 'ok', 0.8],
      [81, 100, 'warn', 0.81],
      [99, 100, 'warn', 0.99],
      [100, 100, 'full', 1],
      [150, 100, 'full', 1], // the bar stops at the end
      [5, 0, 'none', null],
      [5, -1, 'none', null],
    ];
    for (const [used, quota, level, fraction] of cases) {
      const u = quotaUse(used, quota);
      expect(u.level, `${used}/${quota}`).toBe(level);
      expect(u.fraction, `${used}/${quota}`).toBe(fraction);
    }
    expect(quotaUse(150, 100).label).toBe('150 %');
    expect(quotaUse(5, 0).label).toBe('');
  });
});

describe('the per-day series', () => {
  it('has a row for every day, zeros where the API has none', () => {
    const days = fillDays(
      [{ day: '2026-11-02', questions: 4, answers: 3, failed: 1, activeUsers: 2, tokensIn: 10, tokensOut: 20, latencyP50Ms: 900, latencyP95Ms: 2000 }],
      '2026-11-01',
      '2026-11-03',
    );
    expect(days.map((d) => [d.day, d.questions])).toEqual([
      ['2026-11-01', 0],
      ['2026-11-02', 4],
      ['2026-11-03', 0],
    ]);
    expect(fillDays(null, '2026-11-03', '2026-11-01')).toEqual([]);
    expect(fillDays(null, 'x', 'y')).toEqual([]);
    const s = daysSummary(days, 'en-US');
    expect(s).toContain('4 in all, 1 failed');
    expect(s).toContain('busiest day was November 2, 2026 with 4');
    expect(daysSummary(fillDays([], '2026-11-01', '2026-11-02'), 'en-US')).toMatch(/: none\.$/);
  });
});

describe('API paths and the CSV download', () => {
  it('builds the routes with the range (and tenant) in the query', () => {
    const r = { from: '2026-11-01', to: '2026-11-29' };
    expect(analyticsPath(r)).toBe('/api/analytics?from=2026-11-01&to=2026-11-29');
    expect(adminAnalyticsPath(r)).toBe('/api/admin/analytics?from=2026-11-01&to=2026-11-29');
    expect(adminAnalyticsPath(r, 'abc')).toBe('/api/admin/analytics?from=2026-11-01&to=2026-11-29&tenant=abc');
    expect(exportPath('usage', r)).toBe('/api/analytics/export/usage.csv?from=2026-11-01&to=2026-11-29');
    expect(adminExportPath(r, 'abc')).toBe('/api/admin/analytics/export/usage.csv?tenant=abc&from=2026-11-01&to=2026-11-29');
    expect(exportPath('conversations', r)).toBe('/api/analytics/export/conversations.csv?from=2026-11-01&to=2026-11-29');
    // the variant for Excel in German (and other comma-decimal languages); the default stays without a format
    expect(exportPath('usage', r, 'csv')).toBe('/api/analytics/export/usage.csv?from=2026-11-01&to=2026-11-29');
    expect(exportPath('usage', r, 'excel-semicolon')).toBe('/api/analytics/export/usage.csv?from=2026-11-01&to=2026-11-29&format=excel-semicolon');
    expect(exportPath('conversations', r, 'excel-semicolon')).toContain('format=excel-semicolon');
  });
  it('takes the file name from Content-Disposition', () => {
    expect(fileNameFrom('attachment; filename="usage-smith.csv"', 'x.csv')).toBe('usage-smith.csv');
    expect(fileNameFrom("attachment; filename*=UTF-8''M%C3%BCller.csv", 'x.csv')).toBe('Müller.csv');
    expect(fileNameFrom('attachment', 'x.csv')).toBe('x.csv');
    expect(fileNameFrom(null, 'x.csv')).toBe('x.csv');
  });
  it('sends the token and saves the body under the server name', async () => {
    const fetch = vi.fn(async () => new Response('day,questions\n2026-11-01,3\n', {
      status: 200,
      headers: { 'Content-Type': 'text/csv', 'Content-Disposition': 'attachment; filename="usage.csv"' },
    }));
    const saved: { text: string; name: string }[] = [];
    const save = (b: Blob, name: string) => {
      b.text().then((text) => saved.push({ text, name }));
    };
    const name = await downloadWithAuth('/api/analytics/export/usage.csv?from=a&to=b', 'TOKEN', 'fallback.csv', { fetch, save });
    expect(name).toBe('usage.csv');
    expect(fetch).toHaveBeenCalledWith('/api/analytics/export/usage.csv?from=a&to=b', expect.objectContaining({ headers: { Authorization: 'TOKEN' } }));
    await new Promise((r) => setTimeout(r, 0));
    expect(saved).toEqual([{ text: 'day,questions\n2026-11-01,3\n', name: 'usage.csv' }]);
  });
  it("rejects with the server's message, and says when the server cannot be reached", async () => {
    const save = vi.fn();
    const refuse = async () =>
      new Response(JSON.stringify({ status: 400, message: 'The range may cover at most 366 days.', data: {} }), { status: 400 });
    await expect(downloadWithAuth('/x', 't', 'f.csv', { fetch: refuse, save })).rejects.toThrow('The range may cover at most 366 days.');
    const plain = async () => new Response('nope', { status: 502 });
    const err = await downloadWithAuth('/x', 't', 'f.csv', { fetch: plain, save }).catch((e) => e);
    expect(err).toBeInstanceOf(DownloadError);
    expect(err.status).toBe(502);
    expect(err.message).toContain('502');
    const down = async () => {
      throw new TypeError('Failed to fetch');
    };
    await expect(downloadWithAuth('/x', 't', 'f.csv', { fetch: down, save })).rejects.toThrow(/cannot be reached/);
    expect(save).not.toHaveBeenCalled();
  });
  it('clicks a temporary download link', () => {
    const clicked: { href: string; download: string }[] = [];
    const body = { appendChild: vi.fn() };
    const a = {
      href: '',
      download: '',
      hidden: false,
      click() {
        clicked.push({ href: this.href, download: this.download });
      },
      remove: vi.fn(),
    };
    const doc = { createElement: () => a, body } as unknown as Document;
    const create = vi.spyOn(URL, 'createObjectURL').mockReturnValue('blob:x');
    saveBlob(new Blob(['x']), 'usage.csv', doc);
    expect(clicked).toEqual([{ href: 'blob:x', download: 'usage.csv' }]);
    expect(a.remove).toHaveBeenCalled();
    create.mockRestore();
  });
});
