/**
 * A server with or without mail (hooks/appsettings MailSetUp), as the screens
 * need it: the invitation's answer with its one-time set-password link, the
 * link's wording, who may be given a fresh link, the banner for staff, and
 * how "mail is not set up" arrives from the server. Plain logic with an
 * injected API; nothing here touches the DOM.
 */

import { dateTime } from './format';
import type { User } from './types';

/** A one-time link to the set-password page (hooks/tenancy SetPasswordLink). */
export interface SetPasswordLink {
  url: string;
  /** RFC 3339 */
  expires: string;
}

/** POST /api/tenant/users/invite's answer. */
export interface InviteReply {
  id: string;
  email: string;
  name: string;
  role: string;
  /** false on a server without mail: then link is set */
  mailed: boolean;
  link?: SetPasswordLink;
}

/** POST /api/tenant/users/{id}/set-password-link's answer. */
export interface LinkReply {
  id: string;
  email: string;
  link: SetPasswordLink;
}

/** A user as the Users list reads it, with whether they set a password yet (users.password_pending). */
export type ListedUser = User & { password_pending?: boolean };

/** The server calls the mail-aware screens make (lib/mailapi.ts binds them to the SDK). */
export interface MailApi {
  status(): Promise<{ set_up: boolean }>;
  invite(body: { email: string; name: string; role: string }): Promise<InviteReply>;
  freshLink(userId: string): Promise<LinkReply>;
}

/**
 * The send_error of a report kept but not mailed because the server has no
 * mail (hooks/reports NotMailedNoMail).
 */
export const NOT_MAILED_NO_MAIL = 'not mailed: mail is not set up';

/** The error code, under data.mail, of a request that needs mail (hooks/tenancy CodeMailNotSetUp). */
export const CODE_MAIL_NOT_SET_UP = 'mail_not_set_up';

/** What IT has to do, as the banner and the messages say it. */
export const TELL_IT = 'Set smtp in counterpart.yaml and restart Counterpart; see “Mail” in docs/admin-guide.md.';

/** Whether an API error says the server has no mail (forgot password on such a server). */
export function isNoMailError(err: unknown): boolean {
  const data = (err as { response?: { data?: Record<string, { code?: string }> } } | null)?.response?.data;
  return data?.mail?.code === CODE_MAIL_NOT_SET_UP;
}

/**
 * The sentence under a link: until when and how often it works, and how to
 * hand it over.
 */
export function linkNote(link: SetPasswordLink, locale?: string): string {
  const until = dateTime(link.expires, locale);
  return (
    `It works once, until ${until || 'it expires'}. Hand it over in person or through a channel only they read ` +
    '(not a shared chat or a note on the counter); whoever opens it can set the password.'
  );
}

/**
 * Whether the Users list offers a fresh set-password link for u: an active
 * person who has not set a password yet, or, on a server without mail
 * (where "Forgot password?" cannot mail anything), any active person but
 * oneself. The server checks the same (hooks/tenancy NewSetPasswordLinkFor).
 */
export function canGiveLink(u: ListedUser, mailSetUp: boolean | null, me: string | undefined): boolean {
  if (!u.active) return false;
  if (u.password_pending) return true;
  return mailSetUp === false && u.id !== me;
}

export interface Banner {
  title: string;
  text: string;
}

/**
 * The banner a signed-in person sees on a server without mail: for tenant
 * admins what it means and what to tell IT, for managers what it means for
 * reports; nothing for members or while it is not known.
 */
export function mailBanner(setUp: boolean | null, role: string | undefined): Banner | null {
  if (setUp !== false) return null;
  if (role === 'admin') {
    return {
      title: 'Mail is not set up on this server.',
      text:
        'Invitations give you a one-time link to hand over, “Forgot password?” cannot mail a link (give people a ' +
        `set-password link in Settings → Users), and reports are kept here but not mailed. Tell IT: ${TELL_IT}`,
    };
  }
  if (role === 'manager') {
    return {
      title: 'Mail is not set up on this server.',
      text: 'Reports are kept under Usage → Reports but not mailed. Your dealership’s admin can ask IT to set it up.',
    };
  }
  return null;
}
