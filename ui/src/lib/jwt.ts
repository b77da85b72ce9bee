/**
 * Reads the claims of a token without verifying it: only to show whose
 * password a link sets and whether it has expired. The server checks it.
 */
export function tokenClaims(token: string): Record<string, unknown> | null {
  const parts = token.split('.');
  if (parts.length !== 3) return null;
  try {
    const b64 = parts[1].replace(/-/g, '+').replace(/_/g, '/');
    const padded = b64 + '='.repeat((4 - (b64.length % 4)) % 4);
    const bin = atob(padded);
    const bytes = Uint8Array.from(bin, (c) => c.charCodeAt(0));
    const json = JSON.parse(new TextDecoder().decode(bytes));
    return json && typeof json === 'object' ? json : null;
  } catch {
    return null;
  }
}

/** Whether a token's exp (seconds) is past at now (ms). Unknown → false. */
export function tokenExpired(token: string, now = Date.now()): boolean {
  const exp = tokenClaims(token)?.exp;
  return typeof exp === 'number' && exp * 1000 <= now;
}
