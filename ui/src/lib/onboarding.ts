/**
 * Whether a tenant admin has been through (or skipped) the first-run guide.
 * Kept in localStorage under a key with the user's id: per user and per
 * browser, so on another computer the guide shows once more; nothing about
 * it is stored on the server.
 */

import { IN_PROGRESS_FILTER } from './documents';

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

/** A tenant's documents by how far they got, for the guide's first step. */
export interface DocumentCounts {
  ready: number;
  /** uploading, uploaded or being processed */
  working: number;
  failed: number;
}

/** The PocketBase filters that count DocumentCounts, one list request each. */
export const DOCUMENT_COUNT_FILTERS: Record<keyof DocumentCounts, string> = {
  ready: 'status = "ready"',
  working: IN_PROGRESS_FILTER,
  failed: 'status = "failed"',
};

/** What the guide says about its first step. */
export interface UploadStep {
  /** the step is done: at least one document is ready to answer from */
  done: boolean;
  text: string;
}

const n = (k: number, one: string, many: string) => `${k} ${k === 1 ? one : many}`;

/**
 * The first step ("upload a first document") is done once a document is
 * ready: a file that failed is not a first document, and one still being
 * processed is not done yet. Null while nothing was uploaded (or the counts
 * could not be loaded).
 */
export function uploadStep(c: DocumentCounts | null): UploadStep | null {
  if (!c) return null;
  if (c.ready > 0) {
    const more = [c.working > 0 ? `${c.working} more being processed` : '', c.failed > 0 ? `${c.failed} failed` : '']
      .filter(Boolean)
      .join(', ');
    return { done: true, text: `Done: ${n(c.ready, 'document', 'documents')} ready${more ? ` (${more})` : ''}` };
  }
  if (c.working > 0) return { done: false, text: `${n(c.working, 'document is', 'documents are')} being processed…` };
  if (c.failed > 0) return { done: false, text: `Not yet: ${n(c.failed, 'file', 'files')} failed; Documents says why` };
  return null;
}
