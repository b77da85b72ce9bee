/**
 * Whether a tenant admin has been through (or skipped) the first-run guide.
 * Kept in localStorage under a key with the user's id: per user and per
 * browser, so on another computer the guide shows once more; nothing about
 * it is stored on the server.
 */

export type OnboardingState = 'done' | 'skipped';

export const KEY_PREFIX = 'counterpart.onboarding.v1.';

export interface StorageLike {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
}

function storage(): StorageLike | null {
  try {
    return typeof localStorage === 'undefined' ? null : localStorage;
  } catch {
    return null; // storage disabled
  }
}

export function onboardingState(userId: string, s: StorageLike | null = storage()): OnboardingState | null {
  const v = s?.getItem(KEY_PREFIX + userId);
  return v === 'done' || v === 'skipped' ? v : null;
}

export function setOnboardingState(userId: string, state: OnboardingState, s: StorageLike | null = storage()) {
  try {
    s?.setItem(KEY_PREFIX + userId, state);
  } catch {
    // full or disabled storage: the guide shows again next time, nothing worse
  }
}

/** The guide is for tenant admins who have neither finished nor skipped it. */
export function shouldOnboard(user: { id: string; role: string } | null, s: StorageLike | null = storage()): boolean {
  return !!user && user.role === 'admin' && onboardingState(user.id, s) === null;
}
