import { describe, expect, it } from 'vitest';
import {
  mailLine,
  periodLabel,
  reportBadge,
  reportFileName,
  reportFileURL,
  reportStatusLabel,
  runBody,
  triggerLabel,
} from './reports';

describe('labels', () => {
  it('names statuses and triggers', () => {
    expect(reportStatusLabel('running')).toBe('Being made');
    expect(reportStatusLabel('ready')).toBe('Ready');
    expect(reportStatusLabel('failed')).toBe('Failed');
    expect(reportStatusLabel('other')).toBe('other');
    expect(reportBadge('running')).toBe('processing');
    expect(reportBadge('ready')).toBe('ready');
    expect(triggerLabel('schedule')).toBe('Scheduled');
    expect(triggerLabel('manual')).toBe('On demand');
  });

  it('writes the period in full, one day once', () => {
    expect(periodLabel({ period_from: '2026-11-01', period_to: '2026-11-30' }, 'en-GB')).toBe('1 November 2026 to 30 November 2026');
    expect(periodLabel({ period_from: '2026-11-28', period_to: '2026-11-28' }, 'en-GB')).toBe('28 November 2026');
  });
});

describe('mailLine', () => {
  const when = (s: string) => `<${s}>`;
  const base = { status: 'ready', recipients: ['a@smith.example', 'b@smith.example'], sent_at: '', send_error: '' } as const;

  it('says whom and when it was mailed', () => {
    expect(mailLine({ ...base, sent_at: '2026-11-29 08:00:00.000Z' }, when)).toEqual({
      state: 'sent',
      text: 'Mailed to a@smith.example, b@smith.example on <2026-11-29 08:00:00.000Z>.',
    });
  });

  it('says a failed send will be retried', () => {
    const l = mailLine({ ...base, send_error: 'attempt 1 of 5: dial tcp 127.0.0.1:25: connection refused' }, when);
    expect(l.state).toBe('retrying');
    expect(l.text).toContain('dial tcp 127.0.0.1:25: connection refused');
    expect(l.text).toContain('will retry');
  });

  it('says when the queue gave up', () => {
    const l = mailLine({ ...base, send_error: 'gave up after 5 attempts: connection refused' }, when);
    expect(l.state).toBe('given-up');
    expect(l.text).not.toContain('retry');
  });

  it('covers no recipients, a queued mail and reports that are not ready', () => {
    expect(mailLine({ ...base, recipients: [] }, when).state).toBe('none');
    expect(mailLine({ ...base, recipients: null }, when).text).toBe('Not mailed: no recipients are set.');
    expect(mailLine(base, when)).toEqual({ state: 'queued', text: 'Being mailed to a@smith.example, b@smith.example.' });
    expect(mailLine({ ...base, status: 'running' }, when)).toEqual({ state: 'not-ready', text: '' });
    expect(mailLine({ ...base, status: 'failed' }, when).state).toBe('not-ready');
  });
});

describe('reportFileURL', () => {
  it('builds the protected file route with the token and download', () => {
    const u = reportFileURL('http://127.0.0.1:8090/', { collectionId: 'cp_reports00001', id: 'abc123', csv: 'usage smith_x1.csv' }, 'tok.en');
    expect(u).toBe('http://127.0.0.1:8090/api/files/cp_reports00001/abc123/usage%20smith_x1.csv?token=tok.en&download=1');
    const parsed = new URL(u);
    expect(parsed.searchParams.get('token')).toBe('tok.en');
  });

  it('escapes what it must', () => {
    const u = reportFileURL('https://cp.example', { collectionId: 'c', id: 'i', csv: 'a/b?c#d.csv' }, 'a&b=c');
    expect(u).toBe('https://cp.example/api/files/c/i/a%2Fb%3Fc%23d.csv?token=a%26b%3Dc&download=1');
  });

  it('names a download after its period', () => {
    expect(reportFileName({ period_from: '2026-11-01', period_to: '2026-11-30' })).toBe('usage-2026-11-01-to-2026-11-30.csv');
  });
});

describe('runBody', () => {
  it('sends a period only when both ends are days', () => {
    expect(runBody({ from: '2026-11-01', to: '2026-11-20' })).toEqual({ from: '2026-11-01', to: '2026-11-20' });
    expect(runBody(null)).toEqual({});
    expect(runBody({ from: '', to: '2026-11-20' })).toEqual({});
  });
});
