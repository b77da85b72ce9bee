import { describe, expect, it } from 'vitest';
import { fieldErrors, messageOf, signInMessage, statusOf, UNREACHABLE } from './errors';

const apiError = (status: number, message = '', data: Record<string, unknown> = {}) => ({
  status,
  response: { status, message, data },
});

describe('signInMessage', () => {
  it('says the email or password is wrong for PocketBase\'s 400', () => {
    expect(signInMessage(apiError(400, 'Failed to authenticate.'))).toMatch(/email address or the password is wrong/);
  });
  it('shows the server\'s reason for a deactivated account or a suspended tenant', () => {
    const msg = 'Smith Motors is suspended, so nobody of it can sign in or use Counterpart. Contact your IT administrator.';
    expect(signInMessage(apiError(403, msg))).toBe(msg);
    expect(signInMessage(apiError(403, 'Your account has been deactivated. Ask your tenant admin to reactivate it.'))).toMatch(
      /deactivated/,
    );
  });
  it('asks to wait when rate limited and says when the server is unreachable', () => {
    expect(signInMessage(apiError(429, 'Too Many Requests.'))).toMatch(/Wait a few seconds/);
    expect(signInMessage({ status: 0, response: {} })).toBe(UNREACHABLE);
  });
});

describe('messageOf', () => {
  it('prefers the server\'s own sentence', () => {
    expect(messageOf(apiError(409, 'This document is being processed already.'))).toBe('This document is being processed already.');
  });
  it('replaces PocketBase\'s generic messages by something actionable', () => {
    expect(messageOf(apiError(404, "The requested resource wasn't found."))).toBe('It does not exist or was deleted.');
    expect(messageOf(apiError(500, 'Something went wrong while processing your request.'))).toMatch(/tell IT/);
    expect(messageOf(apiError(400, 'An error occurred while validating the submitted data.'), 'Check the form.')).toBe(
      'Check the form.',
    );
  });
  it('handles aborts, plain errors and the network', () => {
    expect(messageOf({ isAbort: true, status: 0 })).toMatch(/cancelled/);
    expect(messageOf(new Error('boom'), 'fallback')).toBe('fallback');
    expect(messageOf({ status: 0, response: {} })).toBe(UNREACHABLE);
    expect(statusOf(apiError(403))).toBe(403);
    expect(statusOf(null)).toBe(0);
  });
});

describe('fieldErrors', () => {
  it('maps PocketBase\'s data to one message per field', () => {
    const err = apiError(400, 'Check the highlighted fields.', {
      timezone: { code: 'validation_invalid_timezone', message: '"Mars" is not an IANA time zone.' },
      report_schedule: { code: 'x', message: 'Too often.' },
      junk: 'not an object',
    });
    expect(fieldErrors(err)).toEqual({ timezone: '"Mars" is not an IANA time zone.', report_schedule: 'Too often.' });
    expect(fieldErrors(new Error('x'))).toEqual({});
  });
});
