/**
 * The Reports screen's plain logic: the reports record (hooks/reports; the
 * field names are a contract), labels for its trigger and status, what its
 * mail line says, and the URL of its protected CSV. Nothing here touches the
 * DOM. (The schedule in words is lib/schedule.ts.)
 */

import type { RecordModel } from 'pocketbase';
import { isDay, longDay } from './analytics';
import { NOT_MAILED_NO_MAIL } from './mail';

export type ReportStatus = 'running' | 'ready' | 'failed';
export type ReportTrigger = 'schedule' | 'manual';

export interface Report extends RecordModel {
  tenant: string;
  /** inclusive local days, YYYY-MM-DD */
  period_from: string;
  period_to: string;
  trigger: ReportTrigger;
  status: ReportStatus;
  scheduled_for: string;
  requested_by: string;
  /** the protected CSV's stored file name ('' while running or when failed) */
  csv: string;
  recipients: string[] | null;
  error: string;
  sent_at: string;
  send_attempts: number;
  send_error: string;
  created: string;
  updated: string;
  expand?: { requested_by?: { name: string; email: string } };
}

/** Reports a page of the list shows. */
export const REPORTS_PER_PAGE = 20;

/**
 * The fields the list asks for: everything but the summary (up to 1 MB of
 * HTML and JSON per report), which is fetched when someone opens it.
 */
export const LIST_FIELDS = [
  'id', 'collectionId', 'collectionName', 'tenant', 'period_from', 'period_to', 'trigger', 'status', 'scheduled_for',
  'requested_by', 'csv', 'recipients', 'error', 'sent_at', 'send_attempts', 'send_error', 'created', 'updated',
  'expand.requested_by.name', 'expand.requested_by.email',
].join(',');

const STATUS_LABELS: Record<ReportStatus, string> = { running: 'Being made', ready: 'Ready', failed: 'Failed' };

/** A report's status as people read it. */
export function reportStatusLabel(status: string): string {
  return STATUS_LABELS[status as ReportStatus] ?? status;
}

/**
 * The StatusBadge class of a report status: the badge styles are the
 * documents' (running looks like processing).
 */
export function reportBadge(status: string): string {
  return status === 'running' ? 'processing' : status;
}

/** Why a report was made. */
export function triggerLabel(trigger: string): string {
  return trigger === 'schedule' ? 'Scheduled' : trigger === 'manual' ? 'On demand' : trigger;
}

/** A report's period: "1 November 2026 to 30 November 2026", or one day. */
export function periodLabel(r: Pick<Report, 'period_from' | 'period_to'>, locale?: string): string {
  if (r.period_from === r.period_to) return longDay(r.period_from, locale);
  return `${longDay(r.period_from, locale)} to ${longDay(r.period_to, locale)}`;
}

export type MailState = 'none' | 'queued' | 'sent' | 'retrying' | 'given-up' | 'no-mail' | 'not-ready';

export interface MailLine {
  state: MailState;
  /** the sentence the list shows */
  text: string;
}

/**
 * What happened to a report's mail, in one sentence. The send job writes
 * send_error after each failed attempt ("attempt 2 of 5: …") and the queue
 * retries; once it gives up the error starts with "gave up". On a server
 * without mail the report is kept with NOT_MAILED_NO_MAIL and never retried.
 */
export function mailLine(
  r: { status: string; recipients: readonly string[] | null; sent_at: string; send_error: string },
  when: (s: string) => string,
): MailLine {
  const to = (r.recipients ?? []).filter(Boolean);
  const list = to.join(', ');
  if (r.status !== 'ready') return { state: 'not-ready', text: '' };
  if (to.length === 0) return { state: 'none', text: 'Not mailed: no recipients are set.' };
  if (r.sent_at) return { state: 'sent', text: `Mailed to ${list} on ${when(r.sent_at)}.` };
  const err = (r.send_error ?? '').trim();
  if (err === NOT_MAILED_NO_MAIL) return { state: 'no-mail', text: 'Not mailed: mail is not set up on this server. The report is kept here.' };
  if (/^gave up\b/i.test(err)) return { state: 'given-up', text: `Not mailed to ${list}: ${err}.` };
  if (err) return { state: 'retrying', text: `Not mailed to ${list} yet: ${err}. Counterpart will retry.` };
  return { state: 'queued', text: `Being mailed to ${list}.` };
}

/**
 * The URL of a report's protected CSV: PocketBase's file route with a file
 * token (pb.files.getToken(), short-lived) and download=1 so that the
 * browser saves it rather than shows it.
 */
export function reportFileURL(
  baseURL: string,
  r: Pick<Report, 'collectionId' | 'id' | 'csv'>,
  token: string,
): string {
  const base = baseURL.replace(/\/+$/, '');
  const q = new URLSearchParams({ token, download: '1' });
  return `${base}/api/files/${encodeURIComponent(r.collectionId)}/${encodeURIComponent(r.id)}/${encodeURIComponent(r.csv)}?${q}`;
}

/** The name the CSV is saved under when the server does not say: usage-2026-11-01-to-2026-11-30.csv. */
export function reportFileName(r: Pick<Report, 'period_from' | 'period_to'>): string {
  return `usage-${r.period_from}-to-${r.period_to}.csv`;
}

/** The body of POST /api/reports/run: a period, or none for this month so far. */
export function runBody(range: { from: string; to: string } | null): Record<string, string> {
  if (!range || !isDay(range.from) || !isDay(range.to)) return {};
  return { from: range.from, to: range.to };
}
