import { describe, expect, it } from 'vitest';
import { KEY_PREFIX, onboardingState, setOnboardingState, shouldOnboard, type StorageLike } from './onboarding';

function memory(): StorageLike & { data: Map<string, string> } {
  const data = new Map<string, string>();
  return { data, getItem: (k) => data.get(k) ?? null, setItem: (k, v) => void data.set(k, v) };
}

describe('onboarding', () => {
  it('is for tenant admins until they finish or skip, per user', () => {
    const s = memory();
    const admin = { id: 'a1', role: 'admin' };
    expect(shouldOnboard(admin, s)).toBe(true);
    expect(shouldOnboard({ id: 'm1', role: 'member' }, s)).toBe(false);
    expect(shouldOnboard(null, s)).toBe(false);
    setOnboardingState('a1', 'skipped', s);
    expect(s.data.get(KEY_PREFIX + 'a1')).toBe('skipped');
    expect(onboardingState('a1', s)).toBe('skipped');
    expect(shouldOnboard(admin, s)).toBe(false);
    // another admin in the same browser still gets it
    expect(shouldOnboard({ id: 'a2', role: 'admin' }, s)).toBe(true);
  });
  it('ignores garbage and survives storage that throws', () => {
    const s = memory();
    s.data.set(KEY_PREFIX + 'a1', 'maybe');
    expect(onboardingState('a1', s)).toBeNull();
    const broken: StorageLike = {
      getItem: () => null,
      setItem: () => {
        throw new Error('QuotaExceededError');
      },
    };
    expect(() => setOnboardingState('a1', 'done', broken)).not.toThrow();
    expect(onboardingState('a1', null)).toBeNull();
  });
});
