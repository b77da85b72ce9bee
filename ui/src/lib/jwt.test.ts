import { describe, expect, it } from 'vitest';
import { tokenClaims, tokenExpired } from './jwt';

const b64url = (o: object) =>
  btoa(String.fromCharCode(...new TextEncoder().encode(JSON.stringify(o))))
    .replace(/\+/g, '-')
    .replace(/\//g, '_')
    .replace(/=+$/, '');
const token = (claims: object) => `${b64url({ alg: 'HS256', typ: 'JWT' })}.${b64url(claims)}.signature`;

describe('tokenClaims', () => {
  it('reads the email and expiry of a reset token', () => {
    const t = token({ email: 'zoë@smith.example', exp: 2000000000, type: 'passwordReset' });
    expect(tokenClaims(t)).toMatchObject({ email: 'zoë@smith.example', type: 'passwordReset' });
    expect(tokenExpired(t, 1999999999000)).toBe(false);
    expect(tokenExpired(t, 2000000000000)).toBe(true);
  });
  it('returns null for anything else', () => {
    expect(tokenClaims('')).toBeNull();
    expect(tokenClaims('a.b')).toBeNull();
    expect(tokenClaims('a.!!!.c')).toBeNull();
    expect(tokenExpired('nonsense')).toBe(false);
  });
});
