import { describe, expect, it } from 'vitest';
import { SendState } from './send.svelte';

describe('SendState', () => {
  it('goes pending → accepted → idle', () => {
    const s = new SendState();
    expect(s.busy).toBe(false);
    expect(s.start('  Which pads fit the Golf?  ', 'c1')).toBeGreaterThan(0);
    expect(s.phase).toBe('pending');
    expect(s.pending).toBe(true);
    expect(s.busy).toBe(true);
    expect(s.text).toBe('Which pads fit the Golf?');
    expect(s.pendingFor('c1')).toBe(true);
    s.accept();
    expect(s.phase).toBe('accepted');
    expect(s.busy).toBe(true);
    expect(s.pendingFor('c1')).toBe(false);
    s.finish();
    expect(s.phase).toBe('idle');
    expect(s.text).toBe('');
  });

  it('ignores a repeated Enter while a question is on its way', () => {
    const s = new SendState();
    expect(s.start('first')).toBeGreaterThan(0);
    expect(s.start('first')).toBe(0);
    expect(s.start('second')).toBe(0);
    expect(s.text).toBe('first');
    s.accept();
    expect(s.start('third')).toBe(0);
    expect(s.text).toBe('first');
    s.finish();
    expect(s.start('fourth')).toBeGreaterThan(0);
  });

  it('ignores an empty question', () => {
    const s = new SendState();
    expect(s.start('   \n ')).toBe(0);
    expect(s.phase).toBe('idle');
  });

  it('names a new conversation once it exists', () => {
    const s = new SendState();
    s.start('new chat');
    expect(s.conversation).toBe('');
    expect(s.pendingFor('')).toBe(false);
    s.created('c9');
    expect(s.pendingFor('c9')).toBe(true);
    s.created('other'); // only the first creation counts
    expect(s.conversation).toBe('c9');
  });

  it('gives the text back when refused before the server had it, and nothing after', () => {
    const s = new SendState();
    s.start('offline question', 'c1');
    expect(s.refuse()).toBe('offline question');
    expect(s.phase).toBe('idle');
    s.start('stored question', 'c1');
    s.accept();
    expect(s.refuse()).toBe('');
    expect(s.phase).toBe('idle');
  });

  it('ignores a late step of a question that was let go', () => {
    const s = new SendState();
    const first = s.start('asked on a page that was left', 'c1');
    s.finish(first); // the page was left
    const second = s.start('asked on the next page', 'c2');
    expect(second).not.toBe(first);
    // the first page's request ends late: it changes nothing of the second question
    expect(s.refuse(first)).toBe('');
    s.finish(first);
    s.accept(first);
    expect(s.phase).toBe('pending');
    expect(s.conversation).toBe('c2');
    s.accept(second);
    expect(s.phase).toBe('accepted');
    expect(s.ticket).toBe(second);
    s.finish(second);
    expect(s.ticket).toBe(0);
  });

  it('accepts only a pending question', () => {
    const s = new SendState();
    s.accept();
    expect(s.phase).toBe('idle');
  });
});
