/**
 * Turning API failures into sentences for people. PocketBase answers errors
 * as {status, message, data}, where data names each bad field:
 * {data: {timezone: {code, message}}}. The SDK wraps that in a
 * ClientResponseError (status 0 when the server could not be reached).
 */

export interface ApiErrorLike {
  status?: number;
  isAbort?: boolean;
  response?: { message?: string; data?: Record<string, unknown> };
  message?: string;
}

function asApiError(err: unknown): ApiErrorLike {
  return typeof err === 'object' && err !== null ? (err as ApiErrorLike) : {};
}

export const UNREACHABLE = 'Counterpart cannot be reached. Check the network connection, then try again.';
export const TOO_MANY = 'Too many attempts in a short time. Wait a few seconds, then try again.';

/** The status of an API error, 0 when there was no answer. */
export function statusOf(err: unknown): number {
  return asApiError(err).status ?? 0;
}

/** A message a person can act on for any failed call. */
export function messageOf(err: unknown, fallback = 'Something went wrong. Try again in a moment.'): string {
  const e = asApiError(err);
  if (e.isAbort) return 'The request was cancelled.';
  if (e.status === undefined) return fallback; // not an API error
  if (e.status === 0) return UNREACHABLE;
  if (e.status === 429) return TOO_MANY;
  const msg = e.response?.message?.trim();
  if (msg && !GENERIC.has(msg)) return msg;
  switch (e.status) {
    case 401:
      return 'Your session has ended. Sign in again.';
    case 403:
      return 'You are not allowed to do that.';
    case 404:
      return 'It does not exist or was deleted.';
    case 413:
      return 'That is too large.';
  }
  if (e.status >= 500) return 'The server had a problem. Try again in a moment; if it keeps happening, tell IT.';
  return fallback;
}

// PocketBase's built-in messages that say nothing a person can act on
const GENERIC = new Set([
  'Something went wrong while processing your request.',
  'An error occurred while validating the submitted data.',
  'Failed to create record.',
  'Failed to update record.',
  'The requested resource wasn\'t found.',
]);

/** Per-field messages of a validation error: {field: message}. */
export function fieldErrors(err: unknown): Record<string, string> {
  const data = asApiError(err).response?.data;
  const out: Record<string, string> = {};
  if (!data || typeof data !== 'object') return out;
  for (const [field, v] of Object.entries(data)) {
    if (v && typeof v === 'object' && 'message' in v && typeof (v as { message: unknown }).message === 'string') {
      out[field] = (v as { message: string }).message;
    }
  }
  return out;
}

/**
 * The sign-in message. A wrong password is PocketBase's 400 "Failed to
 * authenticate."; a deactivated account and a suspended tenant are 403s whose
 * message, written by the server, says which and whom to ask.
 */
export function signInMessage(err: unknown): string {
  const e = asApiError(err);
  switch (e.status) {
    case 400:
    case 404:
      return 'The email address or the password is wrong. Check both and try again.';
    case 403:
      return e.response?.message || 'This account may not sign in. Ask your tenant admin.';
    case 429:
      return 'Too many sign-in attempts. Wait a few seconds, then try again.';
    case 0:
    case undefined:
      return UNREACHABLE;
  }
  return messageOf(err);
}
