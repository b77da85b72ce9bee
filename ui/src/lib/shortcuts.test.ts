import { describe, expect, it } from 'vitest';
import { isTypingTarget, KeyReader, onAction, runAction } from './shortcuts';

describe('KeyReader', () => {
  it('recognises single keys and g-sequences', () => {
    const r = new KeyReader();
    expect(r.feed({ key: '?' }, 0)).toBe('help');
    expect(r.feed({ key: '/' }, 10)).toBe('search');
    expect(r.feed({ key: 'g' }, 20)).toBeNull();
    expect(r.waiting).toBe(true);
    expect(r.feed({ key: 'd' }, 300)).toBe('go-documents');
    expect(r.waiting).toBe(false);
    r.feed({ key: 'g' }, 400);
    expect(r.feed({ key: 'u' }, 500)).toBe('go-usage');
    r.feed({ key: 'g' }, 600);
    expect(r.feed({ key: 'p' }, 700)).toBe('go-parts');
  });
  it('forgets a sequence after a pause or another key', () => {
    const r = new KeyReader();
    r.feed({ key: 'g' }, 0);
    expect(r.feed({ key: 'd' }, 5000)).toBeNull();
    r.feed({ key: 'g' }, 6000);
    expect(r.feed({ key: 'x' }, 6100)).toBeNull();
    expect(r.feed({ key: 'c' }, 6200)).toBeNull();
  });
  it('leaves browser and system shortcuts alone', () => {
    const r = new KeyReader();
    expect(r.feed({ key: 'n', ctrlKey: true }, 0)).toBeNull();
    expect(r.feed({ key: '/', metaKey: true }, 0)).toBeNull();
    expect(r.feed({ key: 'N' }, 0)).toBeNull();
  });
});

describe('isTypingTarget', () => {
  const el = (tagName: string, extra: Record<string, unknown> = {}) => ({ tagName, closest: () => null, isContentEditable: false, ...extra });
  it('treats fields as typing and buttons as not', () => {
    expect(isTypingTarget(el('INPUT', { type: 'text' }) as unknown as EventTarget)).toBe(true);
    expect(isTypingTarget(el('INPUT', { type: 'search' }) as unknown as EventTarget)).toBe(true);
    expect(isTypingTarget(el('INPUT', { type: 'checkbox' }) as unknown as EventTarget)).toBe(false);
    expect(isTypingTarget(el('TEXTAREA') as unknown as EventTarget)).toBe(true);
    expect(isTypingTarget(el('SELECT') as unknown as EventTarget)).toBe(true);
    expect(isTypingTarget(el('DIV', { isContentEditable: true }) as unknown as EventTarget)).toBe(true);
    expect(isTypingTarget(el('BUTTON') as unknown as EventTarget)).toBe(false);
    expect(isTypingTarget(null)).toBe(false);
  });
});

describe('actions', () => {
  it('runs the most recent handler and unregisters', () => {
    const calls: string[] = [];
    const offA = onAction('upload', () => calls.push('a'));
    const offB = onAction('upload', () => calls.push('b'));
    expect(runAction('upload')).toBe(true);
    offB();
    runAction('upload');
    offA();
    expect(runAction('upload')).toBe(false);
    expect(calls).toEqual(['b', 'a']);
  });
});
