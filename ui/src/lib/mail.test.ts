import { describe, expect, it, vi } from 'vitest';
import { canGiveLink, isNoMailError, linkNote, mailBanner, NOT_MAILED_NO_MAIL, type ListedUser } from './mail';
import { MailStatus } from './mail.svelte';
import { mailLine } from './reports';

const person = (over: Partial<ListedUser> = {}) =>
  ({ id: 'u1', email: 'sam@smith.example', name: 'Sam', tenant: 't1', role: 'member', active: true, ...over }) as ListedUser;

describe('linkNote', () => {
  it('says the link works once, until when, and how to hand it over', () => {
    const note = linkNote({ url: 'http://x/set-password?token=a', expires: '2026-12-10T14:05:00Z' }, 'en-GB');
    expect(note).toMatch(/^It works once, until 10 Dec 2026, \d\d:05\./);
    expect(note).toContain('in person');
  });
  it('does not claim a date it cannot read', () => {
    expect(linkNote({ url: 'x', expires: 'soon' })).toContain('until it expires');
  });
});

describe('canGiveLink', () => {
  it('offers a link for an invitee who has not set a password, with or without mail', () => {
    expect(canGiveLink(person({ password_pending: true }), true, 'me')).toBe(true);
    expect(canGiveLink(person({ password_pending: true }), false, 'me')).toBe(true);
  });
  it('offers one for anyone active but oneself only without mail', () => {
    expect(canGiveLink(person(), true, 'me')).toBe(false);
    expect(canGiveLink(person(), null, 'me')).toBe(false);
    expect(canGiveLink(person(), false, 'me')).toBe(true);
    expect(canGiveLink(person({ id: 'me' }), false, 'me')).toBe(false);
  });
  it('never for a deactivated account', () => {
    expect(canGiveLink(person({ active: false, password_pending: true }), false, 'me')).toBe(false);
  });
});

describe('mailBanner', () => {
  it('tells an admin what it means and what to tell IT', () => {
    const b = mailBanner(false, 'admin');
    expect(b?.title).toBe('Mail is not set up on this server.');
    expect(b?.text).toContain('counterpart.yaml');
    expect(b?.text).toContain('docs/admin-guide.md');
  });
  it('tells a manager about reports, and nobody anything while mail works or is not known', () => {
    expect(mailBanner(false, 'manager')?.text).toContain('not mailed');
    expect(mailBanner(false, 'member')).toBeNull();
    expect(mailBanner(true, 'admin')).toBeNull();
    expect(mailBanner(null, 'admin')).toBeNull();
  });
});

describe('isNoMailError', () => {
  it('recognises the server’s code, nothing else', () => {
    expect(isNoMailError({ status: 400, response: { data: { mail: { code: 'mail_not_set_up', message: 'x' } } } })).toBe(true);
    expect(isNoMailError({ status: 400, response: { data: { email: { code: 'validation_invalid_email' } } } })).toBe(false);
    expect(isNoMailError(null)).toBe(false);
  });
});

describe('a report kept without mail', () => {
  it('says plainly it was not mailed and why, without retrying or internals', () => {
    const l = mailLine({ status: 'ready', recipients: ['boss@smith.example'], sent_at: '', send_error: NOT_MAILED_NO_MAIL }, (s) => s);
    expect(l.state).toBe('no-mail');
    expect(l.text).toBe('Not mailed: mail is not set up on this server. The report is kept here.');
  });
});

describe('MailStatus', () => {
  it('asks once, and again after a failure or forget()', async () => {
    const status = vi.fn().mockRejectedValueOnce({ status: 0 }).mockResolvedValue({ set_up: false });
    const s = new MailStatus({ status });
    await s.load();
    expect(s.setUp).toBeNull();
    await s.load();
    await s.load();
    expect(s.setUp).toBe(false);
    expect(status).toHaveBeenCalledTimes(2);
    s.forget();
    expect(s.setUp).toBeNull();
    await s.load();
    expect(status).toHaveBeenCalledTimes(3);
  });
});
