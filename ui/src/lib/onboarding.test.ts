import { describe, expect, it } from 'vitest';
import { KEY_PREFIX, onboardingState, setOnboardingState, shouldOnboard, uploadStep, DOCUMENT_COUNT_FILTERS, type StorageLike } from './onboarding';

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
  it('counts the upload step done only when a document is ready, never for a failed file', () => {
    expect(uploadStep(null)).toBeNull();
    expect(uploadStep({ ready: 0, working: 0, failed: 0 })).toBeNull();
    expect(uploadStep({ ready: 0, working: 0, failed: 1 })).toEqual({ done: false, text: 'Not yet: 1 file failed; Documents says why' });
    expect(uploadStep({ ready: 0, working: 2, failed: 1 })).toEqual({ done: false, text: '2 documents are being processed…' });
    expect(uploadStep({ ready: 1, working: 0, failed: 0 })).toEqual({ done: true, text: 'Done: 1 document ready' });
    expect(uploadStep({ ready: 3, working: 1, failed: 2 })).toEqual({ done: true, text: 'Done: 3 documents ready (1 more being processed, 2 failed)' });
  });
  it('counts every status once', () => {
    const all = Object.values(DOCUMENT_COUNT_FILTERS).join(' ');
    for (const s of ['pending_upload', 'uploaded', 'processing', 'ready', 'failed']) {
      expect(all.split(`"${s}"`).length - 1, s).toBe(1);
    }
  });
});
